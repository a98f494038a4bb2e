"""A citizen asks for a person; an agent answers through the console and hands back to the bot.

Real Rasa, action server and API: the ticket is opened by the action, the
conversation is paused in Rasa, and closing the ticket resumes it.
"""
import httpx
import pytest

from tests.conftest import E2E_AGENT_KEY

pytestmark = pytest.mark.e2e

AUTH = {"Authorization": f"Bearer {E2E_AGENT_KEY}"}


def say(assistant, sender: str, message: str) -> dict:
    response = httpx.post(f"{assistant.api_url}/api/chat", json={"sender": sender, "message": message}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def agent(assistant, method: str, path: str, **kwargs) -> httpx.Response:
    return httpx.request(method, f"{assistant.api_url}{path}", headers=AUTH, timeout=60, **kwargs)


def test_handoff_agent_reply_then_the_bot_answers_again(assistant):
    sender = "e2e-handoff"
    assert say(assistant, sender, "Bonjour")["language"] == "fr"
    opened = say(assistant, sender, "Je veux parler à un conseiller")
    handoffs = [m["handoff"] for m in opened["messages"] if m.get("handoff")]
    assert handoffs, f"no ticket in {opened}\n{assistant.logs()}"
    reference = handoffs[0]["reference"]

    queue = agent(assistant, "GET", "/api/agent/tickets", params={"status": "open"}).json()["tickets"]
    ticket = next(t for t in queue if t["reference"] == reference)
    assert ticket["sender"] == sender and ticket["channel"] == "web"
    assert ticket["language"] == opened["language"] == "fr", (ticket, opened)
    assert any(turn["role"] == "citizen" and turn["text"] == "Bonjour" for turn in ticket["transcript"])

    # Paused: the bot stays silent while the ticket is open.
    assert say(assistant, sender, "Bonjour ?")["messages"] == []

    suggestions = agent(assistant, "POST", "/api/assist/suggest",
                        json={"text": "Quelle est la durée du congé de maternité ?"}).json()
    assert suggestions["language"] == "fr" and suggestions["suggestions"], suggestions
    assert suggestions["suggestions"][0]["sources"]

    reply = agent(assistant, "POST", f"/api/agent/tickets/{reference}/reply",
                  json={"text": suggestions["suggestions"][0]["text"]})
    assert reply.status_code == 201, reply.text
    seen = httpx.get(f"{assistant.api_url}/api/chat/{sender}/agent-messages", timeout=10).json()["messages"]
    assert [m["text"] for m in seen] == [suggestions["suggestions"][0]["text"]]

    closed = agent(assistant, "POST", f"/api/agent/tickets/{reference}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    back = say(assistant, sender, "Bonjour")
    assert back["messages"] and back["messages"][0]["text"], f"the bot is still silent: {back}\n{assistant.logs()}"


def test_agent_assist_reads_darija_and_answers_in_french_for_the_agent(assistant):
    response = agent(assistant, "POST", "/api/assist/suggest",
                     json={"text": "شحال كيخلص الخدام فالسيمك دابا؟", "language": "fr"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["language"] == "ar" and body["suggestion_language"] == "fr"
    lines = body["suggestions"][0]["text"].splitlines()
    # framed in French: the Arabic text's quantity first when it gives one, then its source
    assert lines[0].startswith(("Selon ", "En bref : ")), body
    assert any(line.startswith("Selon ") for line in lines[:2]), body
