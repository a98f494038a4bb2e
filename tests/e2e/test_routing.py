"""Questions reach the knowledge search unless the citizen clearly asks for another flow."""
import uuid

import httpx
import pytest

pytestmark = pytest.mark.e2e

AGENT_PAYLOAD = "/request_human"

# Each of these once opened a ticket, started the case form or got the out-of-scope reply.
QUESTIONS = [
    "What was the unemployment rate of young people aged 15 to 24 in 2020?",
    "Quel était le taux de chômage des jeunes de 15 à 24 ans en 2020 ?",
    "ما هو معدل البطالة لدى الشباب بين 15 و24 سنة في 2020؟",
    "chno kan taux dyal chomage dyal chabab mn 15 l 24 f 2020?",
    "À quelle date le Maroc a-t-il conclu le Compact II ?",
    "Mon 2ème contrat CDD de 12 mois peut-il être renouvelé ?",
    # "where do I put my application": a procedure, not the status of a case
    "هل يوظف المكتب الشريف للفوسفاط تقنيين حاليا؟ وأين أضع طلبي؟",
    "wach l'OCP kaydekhlo chi techniciens daba? fin n7et dossier?",
]


def chat(assistant, message: str, sender: str | None = None) -> dict:
    response = httpx.post(
        f"{assistant.api_url}/api/chat",
        json={"sender": sender or f"e2e-routing-{uuid.uuid4().hex[:8]}", "message": message},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()


def knowledge_reply(body: dict) -> bool:
    """A cited answer, or the knowledge search's refusal (the offer of an agent)."""
    messages = body["messages"]
    return any(m.get("sources") for m in messages) or any(
        b.get("payload") == AGENT_PAYLOAD for m in messages for b in (m.get("buttons") or [])
    )


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_question_goes_to_the_knowledge_search(assistant, question):
    body = chat(assistant, question)
    assert knowledge_reply(body), body
    assert not any(m.get("handoff") for m in body["messages"]), body
    assert not any("LAB-" in m["text"] for m in body["messages"]), body


def test_markup_before_a_greeting_is_a_greeting(assistant):
    body = chat(assistant, "<img src=x onerror=alert(1)> salam")
    assert not any("LAB-" in m["text"] for m in body["messages"]), body
    assert any(b.get("payload") == "/check_case_status" for m in body["messages"] for b in (m.get("buttons") or [])), body


def test_an_off_topic_question_is_refused_with_the_offer_of_an_agent(assistant):
    body = chat(assistant, "Who won the football match yesterday?")
    assert not any(m.get("sources") for m in body["messages"]), body
    assert knowledge_reply(body), body


def test_a_clear_request_still_gets_its_flow(assistant):
    case = chat(assistant, "where is my case file?")
    assert any("LAB-" in m["text"] for m in case["messages"]), case
    sender = f"e2e-routing-{uuid.uuid4().hex[:8]}"
    chat(assistant, "ما هي مدة العطلة السنوية؟", sender)
    # naming a language is not asking for it
    assert chat(assistant, "الإنجليزية مدينة", sender)["language"] == "ar"
    assert chat(assistant, "in English please", sender)["language"] == "en"
