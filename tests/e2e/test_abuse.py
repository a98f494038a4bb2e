"""Bad input and abuse against the real assistant: oversized and malformed bodies, empty-looking
messages, injection-shaped case numbers, and another citizen's identity."""
import json
import sqlite3

import httpx
import pytest

from store import DEMO_CASES
from tests.conftest import E2E_AGENT_KEY, bot_responses, bot_text

pytestmark = pytest.mark.e2e

ONE_MB = 1024 * 1024


def post(assistant, path: str, content: bytes, **headers: str) -> httpx.Response:
    return httpx.post(f"{assistant.api_url}{path}", content=content,
                      headers={"content-type": "application/json", **headers}, timeout=60)


def say(assistant, sender: str, message: str) -> dict:
    response = httpx.post(f"{assistant.api_url}/api/chat", json={"sender": sender, "message": message}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def texts(reply: dict) -> str:
    return "\n".join(m["text"] for m in reply["messages"] if m.get("text"))


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text[:300]
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code, error


BODIES = {
    "/api/chat": lambda filler: {"sender": "abuse-big", "message": filler},
    "/api/feedback": lambda filler: {"sender": "abuse-big", "message_text": filler, "rating": "up"},
    "/api/assist/suggest": lambda filler: {"text": filler},
    "/webhooks/whatsapp": lambda filler: {"object": "whatsapp_business_account", "entry": [{"id": filler}]},
}
AGENT = {"authorization": f"Bearer {E2E_AGENT_KEY}"}


@pytest.mark.parametrize("path", BODIES)
def test_a_one_megabyte_body_is_refused_with_413_json(assistant, path):
    body = json.dumps(BODIES[path]("x" * ONE_MB)).encode()
    assert_error(post(assistant, path, body, **AGENT, **{"x-hub-signature-256": "sha256=00"}), 413, "request_too_large")


@pytest.mark.parametrize("path", ["/api/chat", "/api/feedback", "/api/assist/suggest"])
@pytest.mark.parametrize("raw", [
    b'{"sender": "abuse-utf8", "message": "\xff\xfe salaire", "message_text": "\xc3\x28", "text": "\xed\xa0\x80", "rating": "up"}',
    '{"sender": "abuse-utf8", "message": "é", "message_text": "é", "text": "é", "rating": "up"}'.encode("latin-1"),
    b"\x80\x81\x82",
], ids=["invalid bytes in strings", "latin-1", "no JSON at all"])
def test_invalid_utf8_is_a_clear_400(assistant, path, raw):
    response = post(assistant, path, raw, **AGENT)
    assert_error(response, 400, "invalid_encoding")


@pytest.mark.parametrize("message", ["\u200f", "\u202e\u2066\u2069", "\u200b\u200d\ufeff", " \u200f \u202e "],
                         ids=["RLM", "override and isolates", "zero-width", "spaced marks"])
def test_a_message_of_invisible_direction_marks_is_refused_as_empty(assistant, message):
    response = httpx.post(f"{assistant.api_url}/api/chat", json={"sender": "abuse-rtl", "message": message}, timeout=60)
    assert_error(response, 422, "invalid_request")
    assert response.json()["error"]["details"] == [{"field": "message", "problem": "must not be empty"}]


def bot_texts(language: str) -> set[str]:
    """Every fixed text the bot can say in `language`: its domain's responses without values to fill."""
    return {texts[language] for texts in bot_responses().values() if "{" not in texts[language]}


@pytest.mark.parametrize("opening, language", [("Bonjour", "fr"), ("hello", "en"), ("السلام عليكم", "ar")])
@pytest.mark.parametrize("message", ["👍", "😀😀😀", "🇲🇦🙏"])
def test_an_emoji_only_message_gets_a_reply_in_the_conversations_language(assistant, opening, language, message):
    sender = f"abuse-emoji-{language}-{len(message)}"
    assert say(assistant, sender, opening)["language"] == language
    reply = say(assistant, sender, message)
    assert reply["language"] == language
    assert reply["messages"], reply
    said = bot_texts(language)
    assert all(m["text"].strip() in said for m in reply["messages"]), reply


@pytest.fixture(scope="module")
def case_store(assistant) -> None:
    """The action server opens (and seeds) its store at its first look-up: make that happen."""
    number, national_id, _, _ = DEMO_CASES[0]
    assert "in review" in look_up(assistant, "abuse-store-opened", number, national_id)


def cases_table(assistant) -> list[tuple]:
    url = assistant.processes["actions"].env["DATABASE_URL"]
    assert url.startswith("sqlite:///"), url
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return db.execute("SELECT case_number, national_id, status, updated_at FROM cases ORDER BY case_number").fetchall()


INVALID_CASE_NUMBER = "That case number is not valid"


def test_sql_shaped_text_as_a_case_number_gets_the_format_error(assistant, case_store):
    before = cases_table(assistant)
    say(assistant, "abuse-sql-1", "I want to check my case status")
    reply = say(assistant, "abuse-sql-1", "' OR 1=1 --")
    assert INVALID_CASE_NUMBER in texts(reply), reply
    assert cases_table(assistant) == before


def test_sql_after_a_real_case_number_is_not_run_and_finds_nothing(assistant, case_store):
    before = cases_table(assistant)
    sender = "abuse-sql-2"
    say(assistant, sender, "Je voudrais suivre mon dossier")
    # The NLU takes the case number out of the message; the rest is never part of a query.
    asked = texts(say(assistant, sender, "LAB-2026-000001'; DROP TABLE cases;--"))
    assert INVALID_CASE_NUMBER not in asked and "CIN" in asked, asked
    # Its English words may switch the conversation to English: any language will do here.
    answer = texts(say(assistant, sender, "AB123456'; DELETE FROM cases;--"))
    refusals = [bot_text(name, language) for name in ("utter_case_not_found", "utter_invalid_national_id")
                for language in ("ar", "fr", "en")]
    assert answer in refusals, answer
    assert cases_table(assistant) == before
    assert len(before) >= len(DEMO_CASES)


def look_up(assistant, sender: str, case_number: str, national_id: str) -> str:
    say(assistant, sender, "I want to check my case status")
    say(assistant, sender, case_number)
    return texts(say(assistant, sender, national_id))


def test_another_citizens_cin_gets_the_unknown_case_reply_and_none_of_their_data(assistant):
    (number, holder_id, _, updated), (other_number, other_id, other_status, other_updated) = DEMO_CASES[:2]
    mismatch = look_up(assistant, "abuse-cin-a", number, other_id)
    unknown = look_up(assistant, "abuse-cin-b", "LAB-2099-999999", other_id)
    assert mismatch == unknown, (mismatch, unknown)
    for secret in (holder_id, updated.isoformat(), other_number, other_updated.isoformat(),
                   other_status.replace("_", " "), "in review"):
        assert secret not in mismatch, secret
