"""POST /api/chat: validation, failures of Rasa and the action server, and folding."""
from __future__ import annotations

import json
import time

import pytest

from observability.pseudonyms import client_pseudonym
from tests.api.conftest import Recorded

CHAT = "/api/chat"
JSON = {"content-type": "application/json"}


def post_raw(client, body: bytes, headers: dict[str, str] | None = None):
    return client.post(CHAT, content=body, headers=JSON if headers is None else headers)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


# --- validation: answered before anything is forwarded (Rasa is a closed port here) ---

BAD_FIELDS = [
    ("empty message", {"sender": "web-1", "message": ""}, "message"),
    ("whitespace-only message", {"sender": "web-1", "message": " \n\t "}, "message"),
    ("message over 4000 chars", {"sender": "web-1", "message": "x" * 4001}, "message"),
    ("message not a string", {"sender": "web-1", "message": 42}, "message"),
    ("message a list", {"sender": "web-1", "message": ["hi"]}, "message"),
    ("message missing", {"sender": "web-1"}, "message"),
    ("sender missing", {"message": "hello"}, "sender"),
    ("sender empty", {"sender": "", "message": "hello"}, "sender"),
    ("sender too long", {"sender": "a" * 129, "message": "hello"}, "sender"),
    ("sender with a space", {"sender": "web 1", "message": "hello"}, "sender"),
    ("sender with a slash", {"sender": "../admin", "message": "hello"}, "sender"),
    ("sender with a newline", {"sender": "web-1\n", "message": "hello"}, "sender"),
    ("sender with Arabic letters", {"sender": "مستخدم", "message": "hello"}, "sender"),
    ("sender not a string", {"sender": 123, "message": "hello"}, "sender"),
    ("sender null", {"sender": None, "message": "hello"}, "sender"),
    ("metadata not an object", {"sender": "web-1", "message": "hello", "metadata": "x"}, "metadata"),
]


@pytest.mark.parametrize("case, payload, field", BAD_FIELDS, ids=[c[0] for c in BAD_FIELDS])
def test_invalid_fields_get_422_with_the_field_named(client_for, case, payload, field):
    client = client_for()
    error = assert_error(client.post(CHAT, json=payload), 422, "invalid_request")
    assert [d["field"] for d in error["details"]] == [field]
    assert field in error["message"]


def test_empty_message_says_so(client_for):
    error = assert_error(client_for().post(CHAT, json={"sender": "a", "message": "  "}), 422, "invalid_request")
    assert error["details"][0]["problem"] == "must not be empty"


def test_too_long_message_names_the_limit(client_for):
    error = assert_error(
        client_for().post(CHAT, json={"sender": "a", "message": "م" * 4001}), 422, "invalid_request"
    )
    assert "4000" in error["message"]


def test_message_limit_follows_the_setting(client_for):
    error = assert_error(
        client_for(max_message_chars=10).post(CHAT, json={"sender": "a", "message": "x" * 11}),
        422,
        "invalid_request",
    )
    assert "10" in error["details"][0]["problem"]


RAW_BODIES = [
    ("not JSON", b"sender=web-1&message=hi", 400, "invalid_json"),
    ("truncated JSON", b'{"sender": "web-1", "message": "hi"', 400, "invalid_json"),
    ("not UTF-8 (Latin-1)", '{"sender": "web-1", "message": "salaire élevé"}'.encode("latin-1"), 400, "invalid_encoding"),
    ("not UTF-8 (UTF-16)", '{"sender": "web-1", "message": "hi"}'.encode("utf-16"), 400, "invalid_encoding"),
    ("lone surrogate escaped", b'{"sender": "web-1", "message": "\\ud800"}', 422, "invalid_request"),
    ("NaN in metadata", b'{"sender": "web-1", "message": "hi", "metadata": {"x": NaN}}', 422, "invalid_request"),
    ("a JSON list", b'[{"sender": "web-1", "message": "hi"}]', 422, "invalid_request"),
    ("a JSON string", b'"hello"', 422, "invalid_request"),
    ("an empty body", b"", 422, "invalid_request"),
]


@pytest.mark.parametrize("case, body, status, code", RAW_BODIES, ids=[c[0] for c in RAW_BODIES])
def test_malformed_bodies_get_a_clear_4xx(client_for, case, body, status, code):
    assert_error(post_raw(client_for(), body), status, code)


def test_body_not_sent_as_json_gets_415(client_for):
    client = client_for()
    body = json.dumps({"sender": "web-1", "message": "hi"}).encode()
    assert_error(post_raw(client, body, {"content-type": "text/plain"}), 415, "unsupported_media_type")
    assert_error(post_raw(client, body, {}), 415, "unsupported_media_type")


def test_unknown_route_and_wrong_method_use_the_same_error_shape(client_for):
    client = client_for()
    assert_error(client.get("/api/nothing-here"), 404, "not_found")
    assert_error(client.get(CHAT), 405, "method_not_allowed")


def test_valid_message_at_the_limit_is_forwarded(client_for, rasa, actions):
    rasa.on("POST", "/webhooks/rest/webhook", 200, [{"recipient_id": "web-1", "text": "ok"}])
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)
    response = client.post(CHAT, json={"sender": "web-1", "message": "x" * 4000})
    assert response.status_code == 200, response.text
    assert rasa.calls("POST", "/webhooks/rest/webhook")[0].body["message"] == "x" * 4000


# --- Rasa or the action server down ---

def test_rasa_unreachable_gives_503(client_for):
    error = assert_error(
        client_for().post(CHAT, json={"sender": "web-1", "message": "hello"}), 503, "assistant_unavailable"
    )
    assert "temporarily unavailable" in error["message"]


def test_rasa_too_slow_gives_503(client_for, rasa, actions):
    def slow(_: Recorded):
        time.sleep(1.0)
        return 200, [{"recipient_id": "web-1", "text": "late"}]

    rasa.routes[("POST", "/webhooks/rest/webhook")] = slow
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url, rasa_timeout_s=0.2)
    error = assert_error(client.post(CHAT, json={"sender": "web-1", "message": "hi"}), 503, "assistant_unavailable")
    assert "temporarily unavailable" in error["message"]


def test_rasa_5xx_with_action_server_down_says_so(client_for, rasa):
    rasa.on("POST", "/webhooks/rest/webhook", 500, {"status": "failure"})
    client = client_for(rasa_url=rasa.url)  # action server: closed port
    error = assert_error(client.post(CHAT, json={"sender": "web-1", "message": "hi"}), 503, "actions_unavailable")
    assert "action server is down" in error["message"]


def test_rasa_5xx_with_action_server_up_gives_502(client_for, rasa, actions):
    rasa.on("POST", "/webhooks/rest/webhook", 500, {"status": "failure"})
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)
    assert_error(client.post(CHAT, json={"sender": "web-1", "message": "hi"}), 502, "assistant_error")
    assert actions.calls("GET", "/health")


def test_silent_rasa_with_action_server_down_says_so(client_for, rasa):
    # What Rasa 3.6 really does when a custom action cannot be reached: it logs
    # the error and its REST channel answers 200 with no messages.
    client = client_for(rasa_url=rasa.url)
    assert_error(client.post(CHAT, json={"sender": "web-1", "message": "hi"}), 503, "actions_unavailable")


def test_silent_rasa_without_a_model_gives_503(client_for, rasa, actions):
    rasa.on("GET", "/status", 409, {"status": "failure", "reason": "Conflict", "code": 409})
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)
    assert_error(client.post(CHAT, json={"sender": "web-1", "message": "hi"}), 503, "assistant_not_ready")


def test_silent_rasa_with_everything_up_is_an_empty_reply(client_for, rasa, actions):
    # e.g. after a hand-off to a human agent the bot stays silent on purpose.
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)
    response = client.post(CHAT, json={"sender": "web-1", "message": "hi"})
    assert response.status_code == 200, response.text
    assert response.json() == {"sender": "web-1", "language": "ar", "messages": []}


@pytest.mark.parametrize("body", ["<html>oops</html>", {"not": "a list"}], ids=["not JSON", "not a list"])
def test_rasa_answering_garbage_gives_502(client_for, rasa, actions, body):
    rasa.on("POST", "/webhooks/rest/webhook", 200, body)
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)
    assert_error(client.post(CHAT, json={"sender": "web-1", "message": "hi"}), 502, "assistant_error")


# --- forwarding, folding and language, against Rasa's REST wire format ---

SOURCES = [
    {"doc_id": "code-travail", "title": "Code du travail", "ref": "Art. 231", "url": "https://example.org/ct#231"},
    {"doc_id": "smig-2024", "title": "Décret SMIG 2024", "ref": "Art. 1", "url": ""},
]


def test_reply_is_folded_and_its_language_read_from_it_without_a_tracker_request(client_for, rasa, actions):
    rasa.on("POST", "/webhooks/rest/webhook", 200, [
        {"recipient_id": "user@example.com", "text": "Selon l'article 231 du Code du travail :\n18 jours ouvrables."},
        {"recipient_id": "user@example.com", "custom": {"sources": SOURCES, "language": "fr"}},
        {
            "recipient_id": "user@example.com",
            "text": "Puis-je vous aider autrement ?",
            "buttons": [
                {"title": "Oui", "payload": "/affirm"},
                {"title": "Parler à un conseiller", "payload": "/request_human"},
            ],
        },
    ])
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)

    response = client.post(CHAT, json={
        "sender": "user@example.com", "message": "congé annuel ?", "metadata": {"channel": "web"},
    })

    assert response.status_code == 200, response.text
    assert response.json() == {
        "sender": "user@example.com",
        "language": "fr",
        "messages": [
            {"text": "Selon l'article 231 du Code du travail :\n18 jours ouvrables.", "sources": SOURCES},
            {
                "text": "Puis-je vous aider autrement ?",
                "buttons": [
                    {"title": "Oui", "payload": "/affirm"},
                    {"title": "Parler à un conseiller", "payload": "/request_human"},
                ],
            },
        ],
    }
    (sent,) = rasa.calls("POST", "/webhooks/rest/webhook")
    assert sent.body == {
        "sender": "user@example.com",
        "message": "congé annuel ?",
        "metadata": {
            "channel": "web", "request_id": response.headers["x-request-id"],
            "client": client_pseudonym("ip", "testclient"),
        },
    }
    # One request per turn: the language travels in the reply (bot/nlg.py, the actions' payloads).
    assert [(r.method, r.path) for r in rasa.requests] == [("POST", "/webhooks/rest/webhook")]


def test_the_client_address_is_the_apis_to_say_and_goes_as_a_keyed_hash(client_for, rasa, actions):
    """A browser's own `client` cannot dodge the case look-up's count per address."""
    rasa.on("POST", "/webhooks/rest/webhook", 200, [{"recipient_id": "web-9", "text": "ok"}])
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url, pseudonym_key="ministry-secret")
    forged = "f" * 64
    response = client.post(CHAT, json={"sender": "web-9", "message": "AB123456", "metadata": {"client": forged}})
    assert response.status_code == 200, response.text
    sent = rasa.calls("POST", "/webhooks/rest/webhook")[0].body["metadata"]["client"]
    assert sent == client_pseudonym("ip", "testclient", "ministry-secret")
    assert sent != forged and sent != client_pseudonym("ip", "testclient")  # the key is used
    assert "testclient" not in json.dumps(rasa.calls("POST", "/webhooks/rest/webhook")[0].body)


def test_the_last_language_the_reply_names_wins(client_for, rasa, actions):
    # A language switch: the fallback names the old language, the confirmation the new one.
    rasa.on("POST", "/webhooks/rest/webhook", 200, [
        {"recipient_id": "web-2", "text": "Je n'ai pas compris."},
        {"recipient_id": "web-2", "custom": {"outcome": "fallback", "reason": "not_understood", "language": "fr"}},
        {"recipient_id": "web-2", "text": "Sure, I will answer in English from now on."},
        {"recipient_id": "web-2", "custom": {"language": "en"}},
    ])
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)
    assert client.post(CHAT, json={"sender": "web-2", "message": "in English"}).json()["language"] == "en"


@pytest.mark.parametrize("custom", [None, {"language": None}, {"language": "de"}], ids=["none", "null", "unknown"])
def test_language_falls_back_to_arabic(client_for, rasa, actions, custom):
    items = [{"recipient_id": "web-4", "text": "مرحبا"}]
    if custom is not None:
        items.append({"recipient_id": "web-4", "custom": custom})
    rasa.on("POST", "/webhooks/rest/webhook", 200, items)
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)
    assert client.post(CHAT, json={"sender": "web-4", "message": "سلام"}).json()["language"] == "ar"


def test_openapi_documents_the_chat_bodies(client_for):
    schema = client_for().get("/openapi.json").json()
    operation = schema["paths"]["/api/chat"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ChatRequest")
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ChatReply")
    for status in ("400", "415", "422", "502", "503"):
        assert operation["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    components = schema["components"]["schemas"]
    assert {"BotMessage", "Button", "Source", "ErrorInfo"} <= set(components)
