"""The real stack's /metrics counts a knowledge turn under its channel and language."""
import httpx
import pytest

from tests.api.conftest import metric
from tests.e2e.test_chat import QUESTIONS

# the French question the chat tests get answered (tests/knowledge/test_answer_margin.py keeps it clear of the threshold)
FRENCH_QUESTION = next(question for form, question, _ in QUESTIONS if form == "fr")

pytestmark = pytest.mark.e2e


def turns(assistant, language: str) -> float:
    with httpx.Client(base_url=assistant.api_url, timeout=10) as client:
        return metric(client, "assistant_turns_total", channel="web", language=language)


def test_a_knowledge_turn_is_counted_with_its_language(assistant):
    before = turns(assistant, "fr")
    response = httpx.post(
        f"{assistant.api_url}/api/chat",
        json={"sender": "e2e-metrics", "message": FRENCH_QUESTION},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert any(m.get("sources") for m in response.json()["messages"]), f"{response.text}\n{assistant.logs()}"
    assert turns(assistant, "fr") == before + 1
    assert "e2e-metrics" not in httpx.get(f"{assistant.api_url}/metrics", timeout=10).text
