"""The production profile: two Rasa servers behind the API sharing their conversations
(in Redis, then in PostgreSQL) and locks (Redis), the store in PostgreSQL,
and what a citizen sees when a process is killed in the middle of a case look-up."""
import httpx
import pytest

from api.rasa_client import RasaClient

pytestmark = pytest.mark.e2e

CASE = ("LAB-2025-000123", "AB123456")  # a demo case seeded by the action server


def via_api(stack, sender: str, message: str) -> httpx.Response:
    return httpx.post(f"{stack.api_url}/api/chat", json={"sender": sender, "message": message}, timeout=90)


def say(stack, sender: str, message: str) -> str:
    response = via_api(stack, sender, message)
    assert response.status_code == 200, f"{response.text}\n{stack.logs()}"
    return "\n".join(m["text"] for m in response.json()["messages"] if m.get("text"))


def say_to_rasa(rasa_url: str, sender: str, message: str) -> str:
    """Straight to one Rasa server's REST channel, bypassing the API's choice of server."""
    response = httpx.post(
        f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=90
    )
    assert response.status_code == 200, response.text
    return "\n".join(item["text"] for item in response.json() if item.get("text"))


def tracker(rasa_url: str, sender: str) -> dict:
    response = httpx.get(f"{rasa_url}/conversations/{sender}/tracker", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def user_texts(rasa_url: str, sender: str) -> list[str]:
    return [e["text"] for e in tracker(rasa_url, sender)["events"] if e["event"] == "user"]


def preferred_server(stack, sender: str) -> str:
    return RasaClient(httpx.AsyncClient(), stack.rasa_urls, timeout_s=1).servers_for(sender)[0]


def server_name(stack, url: str) -> str:
    return next(name for name, process in stack.processes.items() if url.endswith(process.env["RASA_PORT"]))


def test_a_conversation_alternating_between_servers_keeps_its_form_and_language(replicas):
    first, second = replicas.rasa_urls
    sender = "replicas-alternating"
    asked_number = say_to_rasa(first, sender, "Je voudrais suivre mon dossier")
    assert "LAB-" in asked_number, asked_number
    say_to_rasa(second, sender, CASE[0])
    assert tracker(first, sender)["slots"]["case_number"] == CASE[0]
    answer = say_to_rasa(first, sender, CASE[1].lower())
    assert CASE[0] in answer and "en cours d'examen" in answer, answer
    # The language stayed French across servers; a short "ok" does not change it.
    say_to_rasa(second, sender, "ok")
    assert tracker(first, sender)["slots"]["language"] == "fr"
    assert tracker(second, sender)["slots"]["language"] == "fr"


def test_a_rasa_server_killed_mid_form_fails_over_without_losing_a_turn(replicas):
    sender = next(f"replicas-failover-{n}" for n in range(100)
                  if preferred_server(replicas, f"replicas-failover-{n}") == replicas.rasa_urls[0])
    victim = server_name(replicas, replicas.rasa_urls[0])
    acknowledged = ["I want to check my case status", CASE[0]]
    for message in acknowledged:
        say(replicas, sender, message)

    replicas.processes[victim].stop(sig_kill=True)
    answer = say(replicas, sender, CASE[1])  # the other server takes the turn
    acknowledged.append(CASE[1])
    assert CASE[0] in answer and "in review" in answer, answer
    survivor = replicas.rasa_urls[1]
    assert user_texts(survivor, sender) == acknowledged

    health = httpx.get(f"{replicas.api_url}/health", timeout=30).json()
    assert "1 of 2 servers ready" in health["components"]["rasa"]["detail"], health

    replicas.restart(victim)  # the conversation goes back to its own server, where it was
    say(replicas, sender, "thanks")
    acknowledged.append("thanks")
    assert user_texts(replicas.rasa_urls[0], sender) == acknowledged
    assert tracker(replicas.rasa_urls[0], sender)["slots"]["language"] == "en"


def test_the_action_server_killed_mid_form_gives_503_then_the_form_goes_on(replicas):
    sender = "replicas-actions-down"
    say(replicas, sender, "بغيت نعرف فين وصل الملف ديالي")
    say(replicas, sender, CASE[0])

    replicas.processes["actions"].stop(sig_kill=True)
    refused = via_api(replicas, sender, CASE[1])
    assert refused.status_code == 503, refused.text
    assert refused.json()["error"]["code"] == "actions_unavailable"

    replicas.restart("actions")
    # The citizen sends the unacknowledged turn again; the case number given before is kept.
    answer = say(replicas, sender, CASE[1])
    assert CASE[0] in answer and "قيد الدراسة" in answer, answer
    assert user_texts(replicas.rasa_urls[0], sender)[:2] == ["بغيت نعرف فين وصل الملف ديالي", CASE[0]]
