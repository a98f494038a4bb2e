"""/webhooks/whatsapp against a stand-in Rasa and a fake Graph API, both real HTTP on loopback."""
from __future__ import annotations

import datetime as dt
import json
import logging
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.whatsapp.inbound import InboundMessage
from api.whatsapp.messages import AGENT_BUTTON, MEDIA_TEXTS
from api.whatsapp.inbox import record
from observability.pseudonyms import client_pseudonym
from store import get_engine, init_store
from store.models import ConversationTurn
from store.models import WhatsAppInboxMessage as Inbox
from tests.api.conftest import closed_port_url, metric
from tests.api.whatsapp.fakes import (
    ACCESS_TOKEN,
    FakeMedia,
    APP_SECRET,
    GRAPH_ERROR_429,
    GRAPH_ERROR_500,
    GRAPH_VERSION,
    MESSAGES_PATH,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    contacts_message,
    fake_graph,
    location_message,
    media_message,
    meta_signature,
    reply_message,
    signed,
    status_callback,
    text_message,
    voice_note,
)
from tests.api.whatsapp.voice import silence, speech_model_dir, spoken

WEBHOOK = "/webhooks/whatsapp"
REST = "/webhooks/rest/webhook"
CITIZEN = "212600000001"
SENDER = f"wa:{CITIZEN}"

graph = pytest.fixture(fake_graph)


@pytest.fixture
def make_client(client_for, rasa, actions, graph, database_url):
    def make(**overrides):
        values = {
            "rasa_url": rasa.url,
            "action_server_url": actions.url,
            "database_url": database_url,
            "whatsapp_verify_token": VERIFY_TOKEN,
            "whatsapp_app_secret": APP_SECRET,
            "whatsapp_access_token": ACCESS_TOKEN,
            "whatsapp_phone_number_id": PHONE_NUMBER_ID,
            "whatsapp_graph_url": graph.url,
            "whatsapp_graph_version": GRAPH_VERSION,
            "whatsapp_send_attempts": 3,
            "whatsapp_retry_max_wait_s": 0.05,
        }
        values.update(overrides)
        return client_for(**values)

    return make


def rows(database_url: str) -> list[Inbox]:
    with Session(get_engine(database_url)) as session:
        return list(session.scalars(select(Inbox).order_by(Inbox.id)))


def wait_until_done(database_url: str, message_id: str, timeout_s: float = 10.0) -> Inbox:
    """The inbox row once the worker has answered it or given up."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = [r for r in rows(database_url) if r.message_id == message_id]
        if found and found[0].status != "received":
            return found[0]
        time.sleep(0.02)
    raise AssertionError(f"{message_id} still unanswered after {timeout_s}s: {rows(database_url)}")


def post(client, payload, secret: str = APP_SECRET):
    body, headers = signed(payload, secret)
    return client.post(WEBHOOK, content=body, headers=headers)


def rasa_replies(rasa, items):
    rasa.on("POST", REST, 200, items)


# --- configuration and handshake ---

def test_not_configured_answers_503_with_a_clear_message(client_for):
    client = client_for()  # no WHATSAPP_* settings
    for response in (
        client.get(WEBHOOK, params={"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"}),
        client.post(WEBHOOK, content=b"{}", headers={"x-hub-signature-256": "sha256=00"}),
    ):
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "whatsapp_not_configured"
        assert "not configured" in response.json()["error"]["message"]


def test_partial_configuration_keeps_the_channel_off(make_client):
    client = make_client(whatsapp_access_token="")
    response = client.get(WEBHOOK, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"})
    assert response.status_code == 503


def test_handshake_echoes_the_challenge(make_client):
    response = make_client().get(
        WEBHOOK, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    )
    assert response.status_code == 200
    assert response.text == "1158201444"
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("params", [
    {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1158201444"},
    {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN + "x", "hub.challenge": "1158201444"},
    {"hub.mode": "subscribe", "hub.challenge": "1158201444"},
    {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
], ids=["wrong token", "longer token", "no token", "wrong mode"])
def test_handshake_refused_gets_403(make_client, params):
    response = make_client().get(WEBHOOK, params=params)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_failed"
    assert "1158201444" not in response.text


# --- signatures: nothing stored, nothing sent ---

def test_bad_or_missing_signature_is_refused_and_nothing_is_processed(make_client, rasa, graph, database_url):
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "مرحبا"}])
    client = make_client()
    payload = text_message(CITIZEN, "wamid.bad", "salam")
    body, headers = signed(payload)

    missing = client.post(WEBHOOK, content=body, headers={"content-type": "application/json"})
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "signature_missing"

    wrong_secret = post(client, payload, secret="another-app-secret")
    assert wrong_secret.status_code == 403
    assert wrong_secret.json()["error"]["code"] == "signature_invalid"

    tampered = client.post(WEBHOOK, content=body.replace(b"salam", b"salut"), headers=headers)
    assert tampered.status_code == 403

    garbage = client.post(WEBHOOK, content=body, headers={**headers, "x-hub-signature-256": "sha256=zzé".encode()})
    assert garbage.status_code == 403

    # A valid message afterwards is the barrier: once it is answered, the refused ones would have been too.
    assert post(client, text_message(CITIZEN, "wamid.good", "salam")).status_code == 200
    wait_until_done(database_url, "wamid.good")
    assert [r.message_id for r in rows(database_url)] == ["wamid.good"]
    assert len(rasa.calls("POST", REST)) == 1
    assert len(graph.requests) == 1


def test_signed_body_that_is_not_a_webhook_gets_400(make_client):
    body = b'{"hello": "world"}'
    response = make_client().post(WEBHOOK, content=body, headers={"x-hub-signature-256": meta_signature(body)})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_webhook"


# --- messages in, replies out ---

SOURCES = [
    {"doc_id": "code-travail", "title": "Code du travail", "ref": "Art. 231", "url": "https://www.emploi.gov.ma/ct"},
]


def test_text_message_is_answered_through_the_graph_api(make_client, rasa, graph, database_url):
    rasa_replies(rasa, [
        {"recipient_id": SENDER, "text": "Selon l'article 231 : 18 jours ouvrables."},
        {"recipient_id": SENDER, "custom": {"sources": SOURCES, "language": "fr"}},
    ])
    client = make_client()

    started = time.monotonic()
    response = post(client, text_message(CITIZEN, "wamid.t1", "congé annuel ?"))
    assert response.status_code == 200
    assert response.json() == {"status": "received", "messages": 1}

    row = wait_until_done(database_url, "wamid.t1")
    assert row.status == "answered" and row.wa_id == CITIZEN and row.attempts == 1
    (sent_to_rasa,) = rasa.calls("POST", REST)
    assert sent_to_rasa.body == {
        "sender": SENDER, "message": "congé annuel ?",
        "metadata": {"channel": "whatsapp", "request_id": row.message_id, "client": client_pseudonym("whatsapp", CITIZEN)},
    }
    (request,) = graph.requests
    assert request.path == MESSAGES_PATH
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": CITIZEN,
        "type": "text",
        "text": {
            "body": "Selon l'article 231 : 18 jours ouvrables.\n\n• Code du travail, Art. 231 — https://www.emploi.gov.ma/ct",
            "preview_url": False,
        },
    }
    assert request.at >= started


def test_webhook_is_acknowledged_before_rasa_answers(make_client, rasa, graph, database_url):
    def slow(_):
        time.sleep(1.0)
        return 200, [{"recipient_id": SENDER, "text": "ok"}]

    rasa.routes[("POST", REST)] = slow
    client = make_client()
    started = time.monotonic()
    assert post(client, text_message(CITIZEN, "wamid.slow", "hi")).status_code == 200
    assert time.monotonic() - started < 0.8
    assert wait_until_done(database_url, "wamid.slow").status == "answered"


@pytest.mark.parametrize("kind", ["button_reply", "list_reply"])
def test_reply_id_is_forwarded_to_rasa_as_the_payload(make_client, rasa, graph, database_url, kind):
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "Numéro de dossier ?"}])
    client = make_client()
    assert post(client, reply_message(CITIZEN, "wamid.r1", kind, "/check_case_status", "Mon dossier")).status_code == 200
    assert wait_until_done(database_url, "wamid.r1").status == "answered"
    (sent,) = rasa.calls("POST", REST)
    assert sent.body["message"] == "/check_case_status"
    assert sent.body["sender"] == SENDER


def test_three_buttons_become_reply_buttons(make_client, rasa, graph, database_url):
    rasa_replies(rasa, [{
        "recipient_id": SENDER,
        "text": "Que voulez-vous faire ?",
        "buttons": [
            {"title": "Suivre mon dossier administratif", "payload": "/check_case_status"},
            {"title": "Poser une question", "payload": "/ask_question"},
            {"title": "Parler à un conseiller", "payload": "/request_human"},
        ],
    }])
    client = make_client()
    post(client, text_message(CITIZEN, "wamid.b3", "menu"))
    wait_until_done(database_url, "wamid.b3")
    (payload,) = graph.sent()
    assert payload["type"] == "interactive"
    interactive = payload["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"] == {"text": "Que voulez-vous faire ?"}
    buttons = interactive["action"]["buttons"]
    assert [b["reply"]["id"] for b in buttons] == ["/check_case_status", "/ask_question", "/request_human"]
    assert all(len(b["reply"]["title"]) <= 20 for b in buttons)
    assert buttons[1]["reply"]["title"] == "Poser une question"
    assert buttons[0]["reply"]["title"].startswith("Suivre mon dossier")


def test_more_than_three_buttons_become_a_list(make_client, rasa, graph, database_url):
    choices = [{"title": f"Programme d'emploi numéro {i} (ANAPEC)", "payload": f"/ask_question{{\"p\": {i}}}"}
               for i in range(12)]
    # The list's button label follows the language the bot names in its reply (bot/nlg.py).
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "Quel programme ?", "buttons": choices},
                        {"recipient_id": SENDER, "custom": {"language": "fr"}}])
    client = make_client()
    post(client, text_message(CITIZEN, "wamid.l1", "programmes"))
    wait_until_done(database_url, "wamid.l1")
    (payload,) = graph.sent()
    interactive = payload["interactive"]
    assert interactive["type"] == "list"
    assert interactive["body"] == {"text": "Quel programme ?"}
    assert interactive["action"]["button"] == "Options"
    (section,) = interactive["action"]["sections"]
    assert len(section["rows"]) == 10
    assert [r["id"] for r in section["rows"]] == [c["payload"] for c in choices[:10]]
    assert all(len(r["title"]) <= 24 for r in section["rows"])


def test_long_text_is_split_on_sentence_boundaries(make_client, rasa, graph, database_url):
    sentences = [f"Phrase numéro {i} du Code du travail, qui dit quelque chose d'utile." for i in range(150)]
    text = " ".join(sentences)
    assert len(text) > 2 * 4096
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": text}])
    client = make_client()
    post(client, text_message(CITIZEN, "wamid.long", "tout"))
    assert wait_until_done(database_url, "wamid.long").status == "answered"
    bodies = [p["text"]["body"] for p in graph.sent()]
    assert len(bodies) == 3
    assert all(len(b) <= 4096 for b in bodies)
    assert all(b.endswith("utile.") for b in bodies)  # each part ends a sentence
    assert " ".join(bodies) == text


def test_status_callbacks_are_ignored(make_client, rasa, graph, database_url):
    client = make_client()
    response = post(client, status_callback(CITIZEN, "wamid.out.0"))
    assert response.status_code == 200
    assert response.json()["messages"] == 0
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "ok"}])
    post(client, text_message(CITIZEN, "wamid.after-status", "hi"))
    wait_until_done(database_url, "wamid.after-status")
    assert [r.message_id for r in rows(database_url)] == ["wamid.after-status"]
    assert len(rasa.calls("POST", REST)) == 1


def test_message_for_another_phone_number_is_not_answered(make_client, rasa, graph, database_url):
    payload = text_message(CITIZEN, "wamid.other", "hi")
    payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    assert post(make_client(), payload).json()["messages"] == 0
    assert rows(database_url) == []


def test_meta_retry_of_the_same_message_gets_one_reply(make_client, rasa, graph, database_url):
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "مرحبا"}])
    client = make_client()
    payload = text_message(CITIZEN, "wamid.dup", "salam")
    assert post(client, payload).json()["messages"] == 1
    wait_until_done(database_url, "wamid.dup")
    assert post(client, payload).json()["messages"] == 0  # retried after it was answered
    post(client, text_message(CITIZEN, "wamid.barrier", "salam"))
    wait_until_done(database_url, "wamid.barrier")
    assert [c.body["message"] for c in rasa.calls("POST", REST)] == ["salam", "salam"]
    assert len(graph.sent()) == 2


def test_same_message_to_two_api_workers_gets_one_reply(make_client, rasa, graph, database_url):
    # Two app instances over one store, as two uvicorn workers would be.
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "مرحبا"}])
    first, second = make_client(), make_client()
    payload = text_message(CITIZEN, "wamid.twice", "salam")
    answers = [post(first, payload).json()["messages"], post(second, payload).json()["messages"]]
    assert sorted(answers) == [0, 1]
    wait_until_done(database_url, "wamid.twice")
    time.sleep(0.3)
    assert len(rasa.calls("POST", REST)) == 1
    assert len(graph.sent()) == 1


# --- Graph API failures ---

def test_429_is_retried_then_delivered(make_client, rasa, graph, database_url):
    graph.script = [(429, GRAPH_ERROR_429, {"retry-after": "0"}), (503, GRAPH_ERROR_500, {})]
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "ok"}])
    post(make_client(), text_message(CITIZEN, "wamid.retry", "hi"))
    row = wait_until_done(database_url, "wamid.retry")
    assert row.status == "answered"
    assert len(graph.requests) == 3
    assert graph.requests[0].body == graph.requests[2].body


def test_persistent_500_is_logged_and_marked_failed_and_the_worker_goes_on(
    make_client, rasa, graph, database_url, caplog
):
    graph.always = (500, GRAPH_ERROR_500, {})
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "ok"}])
    client = make_client()
    with caplog.at_level(logging.ERROR, logger="api.whatsapp"):
        post(client, text_message(CITIZEN, "wamid.down", "hi"))
        row = wait_until_done(database_url, "wamid.down")
    assert row.status == "failed"
    assert "500" in row.error
    assert len(graph.requests) == 3  # whatsapp_send_attempts
    assert any("wamid.down" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)

    graph.always = None
    post(client, text_message(CITIZEN, "wamid.up-again", "hi"))
    assert wait_until_done(database_url, "wamid.up-again").status == "answered"


def test_400_from_graph_is_not_retried(make_client, rasa, graph, database_url):
    graph.always = (400, {"error": {"message": "(#131030) Recipient not in allowed list", "code": 131030}}, {})
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "ok"}])
    post(make_client(), text_message(CITIZEN, "wamid.refused", "hi"))
    row = wait_until_done(database_url, "wamid.refused")
    assert row.status == "failed" and "131030" in row.error
    assert len(graph.requests) == 1


def test_rasa_down_sends_an_apology_and_marks_failed(make_client, graph, database_url):
    post(make_client(rasa_url=closed_port_url()), text_message(CITIZEN, "wamid.norasa", "hi"))
    row = wait_until_done(database_url, "wamid.norasa")
    assert row.status == "failed" and row.error.startswith("Rasa")
    (apology,) = graph.sent()
    assert "temporarily unavailable" in apology["text"]["body"]
    assert "indisponible" in apology["text"]["body"]


# --- metrics ---

def test_answered_messages_and_fallbacks_are_counted_on_the_whatsapp_channel(make_client, rasa, graph, database_url):
    rasa_replies(rasa, [
        {"recipient_id": SENDER, "text": "Je n'ai pas trouvé de réponse fiable."},
        {"recipient_id": SENDER, "custom": {"outcome": "fallback", "reason": "low_confidence", "language": "fr"}},
    ])
    client = make_client()
    post(client, text_message(CITIZEN, "wamid.m1", "congé annuel ?"))
    assert wait_until_done(database_url, "wamid.m1").status == "answered"
    assert metric(client, "assistant_turns_total", channel="whatsapp", language="fr") == 1
    assert metric(client, "assistant_turn_seconds_count", channel="whatsapp") == 1
    assert metric(client, "assistant_fallbacks_total", channel="whatsapp", language="fr", reason="low_confidence") == 1
    assert CITIZEN not in client.get("/metrics").text


def test_a_refused_whatsapp_turn_is_kept_masked_for_the_operators(make_client, rasa, graph, database_url):
    rasa_replies(rasa, [
        {"recipient_id": SENDER, "text": "Je n'ai pas trouvé de réponse fiable."},
        {"recipient_id": SENDER, "custom": {"outcome": "fallback", "reason": "low_confidence", "language": "fr"}},
    ])
    client = make_client()
    post(client, text_message(CITIZEN, "wamid.k1", "congé pour mon dossier LAB-2025-000123 ?"))
    assert wait_until_done(database_url, "wamid.k1").status == "answered"
    with Session(get_engine(database_url)) as session:
        [turn] = session.scalars(select(ConversationTurn)).all()
    assert (turn.channel, turn.language, turn.outcome, turn.reason) == ("whatsapp", "fr", "refused", "low_confidence")
    assert turn.question == "congé pour mon dossier LAB-****-***123 ?"
    assert CITIZEN not in turn.sender_key


def test_whatsapp_failures_are_counted_by_reason(make_client, rasa, graph, database_url):
    client = make_client(rasa_url=closed_port_url())
    post(client, text_message(CITIZEN, "wamid.m2", "hi"))
    assert wait_until_done(database_url, "wamid.m2").status == "failed"
    assert metric(client, "assistant_errors_total", channel="whatsapp", reason="assistant_unavailable") == 1

    graph.always = (400, {"error": {"message": "(#131030) Recipient not in allowed list", "code": 131030}}, {})
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "ok"}])
    client = make_client()
    post(client, text_message(CITIZEN, "wamid.m3", "hi"))
    assert wait_until_done(database_url, "wamid.m3").status == "failed"
    assert metric(client, "assistant_errors_total", channel="whatsapp", reason="reply_not_delivered") == 1

    assert post(client, text_message(CITIZEN, "wamid.m4", "hi"), secret="not-the-app-secret").status_code == 403
    assert metric(client, "assistant_errors_total", channel="whatsapp", reason="signature_invalid") == 1


# --- durability ---

def left_unanswered(database_url: str, message_id: str, claimed_ago_s: float | None = None) -> None:
    """A message acknowledged to Meta by a process that stopped before answering it."""
    engine = get_engine(database_url)
    init_store(engine, seed_demo_cases=False)
    record(engine, [InboundMessage(message_id=message_id, wa_id=CITIZEN, text="salam")])
    if claimed_ago_s is not None:
        with Session(engine) as session, session.begin():
            row = session.scalars(select(Inbox).where(Inbox.message_id == message_id)).one()
            row.claimed_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=claimed_ago_s)
            row.attempts = 1


def test_message_left_received_is_answered_at_startup(make_client, rasa, graph, database_url):
    left_unanswered(database_url, "wamid.before-restart")
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "مرحبا"}])
    make_client()  # start-up
    assert wait_until_done(database_url, "wamid.before-restart").status == "answered"
    assert rasa.calls("POST", REST)[0].body["message"] == "salam"
    assert graph.sent()[0]["to"] == CITIZEN


def test_message_claimed_by_a_dead_worker_is_answered_at_startup_once_its_claim_expired(
    make_client, rasa, graph, database_url
):
    left_unanswered(database_url, "wamid.stale", claimed_ago_s=120)
    left_unanswered(database_url, "wamid.live", claimed_ago_s=1)  # another worker is on it
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "ok"}])
    make_client(whatsapp_claim_timeout_s=60)
    assert wait_until_done(database_url, "wamid.stale").status == "answered"
    time.sleep(0.3)
    assert {r.message_id: r.status for r in rows(database_url)} == {"wamid.stale": "answered", "wamid.live": "received"}
    assert len(graph.sent()) == 1


def test_message_being_answered_at_shutdown_is_answered_after_the_restart(make_client, rasa, graph, database_url):
    def slow(_):
        time.sleep(1.0)
        return 200, [{"recipient_id": SENDER, "text": "late"}]

    rasa.routes[("POST", REST)] = slow
    client = make_client()
    post(client, text_message(CITIZEN, "wamid.shutdown", "salam"))
    deadline = time.monotonic() + 5
    while not rasa.calls("POST", REST) and time.monotonic() < deadline:
        time.sleep(0.02)
    client.__exit__(None, None, None)  # stop the API while Rasa is still thinking
    (row,) = rows(database_url)
    assert row.status == "received" and row.claimed_at is None  # given back, not lost

    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "مرحبا"}])
    make_client()
    row = wait_until_done(database_url, "wamid.shutdown")
    assert row.status == "answered" and row.attempts == 2
    assert [p["text"]["body"] for p in graph.sent()] == ["مرحبا"]


# --- replays and abuse: nothing stored, nothing sent twice ---

def test_a_replayed_body_with_a_bad_signature_is_refused_and_changes_nothing(make_client, rasa, graph, database_url):
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "مرحبا"}])
    client = make_client()
    payload = text_message(CITIZEN, "wamid.replayed", "salam")
    body, headers = signed(payload)
    assert client.post(WEBHOOK, content=body, headers=headers).json()["messages"] == 1
    wait_until_done(database_url, "wamid.replayed")

    forged = {**headers, "x-hub-signature-256": meta_signature(body, secret="stolen-or-guessed")}
    assert client.post(WEBHOOK, content=body, headers=forged).status_code == 403
    unsigned = {"content-type": "application/json"}
    assert client.post(WEBHOOK, content=body, headers=unsigned).status_code == 401
    # The same body, correctly signed again (Meta's retry, or a replay of a captured request): stored once.
    assert client.post(WEBHOOK, content=body, headers=headers).json() == {"status": "received", "messages": 0}

    post(client, text_message(CITIZEN, "wamid.replay-barrier", "salam"))
    wait_until_done(database_url, "wamid.replay-barrier")
    assert [r.message_id for r in rows(database_url)] == ["wamid.replayed", "wamid.replay-barrier"]
    assert len(rasa.calls("POST", REST)) == 2
    assert len(graph.sent()) == 2


def test_a_signed_body_over_the_size_limit_or_not_utf8_is_refused_and_not_stored(make_client, rasa, graph, database_url):
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "ok"}])
    client = make_client()
    big = text_message(CITIZEN, "wamid.big", "x" * (1024 * 1024))
    body, headers = signed(big)
    too_large = client.post(WEBHOOK, content=body, headers=headers)
    assert too_large.status_code == 413 and too_large.json()["error"]["code"] == "request_too_large"

    latin1 = json.dumps(text_message(CITIZEN, "wamid.latin1", "salaire élevé"), ensure_ascii=False).encode("latin-1")
    refused = client.post(WEBHOOK, content=latin1, headers={"x-hub-signature-256": meta_signature(latin1)})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_webhook"

    post(client, text_message(CITIZEN, "wamid.after-abuse", "salam"))
    wait_until_done(database_url, "wamid.after-abuse")
    assert [r.message_id for r in rows(database_url)] == ["wamid.after-abuse"]
    assert len(graph.sent()) == 1


# --- voice notes and other media: every message gets a reply ---

TRACKER = f"/conversations/{SENDER}/tracker"
QUESTION = "What is the minimum wage?"


def conversation_in(rasa, language: str) -> None:
    rasa.on("GET", TRACKER, 200, {"slots": {"language": language}})


def declined(graph, key: str, language: str) -> None:
    """The one reply sent: the fixed text `key` in `language`, with the agent button."""
    (payload,) = graph.sent()
    assert payload["to"] == CITIZEN and payload["type"] == "interactive"
    interactive = payload["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"] == {"text": MEDIA_TEXTS[key][language]}
    assert interactive["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "/request_human", "title": AGENT_BUTTON[language]}}
    ]


def words(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())


OTHER_MEDIA = [
    media_message(CITIZEN, "wamid.image", "image", "m-image", "image/jpeg", caption="mon contrat"),
    media_message(CITIZEN, "wamid.document", "document", "m-doc", "application/pdf", filename="contrat.pdf"),
    media_message(CITIZEN, "wamid.sticker", "sticker", "m-sticker", "image/webp", animated=False),
    media_message(CITIZEN, "wamid.video", "video", "m-video", "video/mp4"),
    location_message(CITIZEN, "wamid.location"),
    contacts_message(CITIZEN, "wamid.contacts"),
]
OTHER_MEDIA_IDS = ["image", "document", "sticker", "video", "location", "contacts"]


@pytest.mark.parametrize("payload", OTHER_MEDIA + [voice_note(CITIZEN, "wamid.audio", "m-audio")],
                         ids=OTHER_MEDIA_IDS + ["voice note"])
def test_without_a_speech_model_every_message_gets_what_the_assistant_reads_and_the_agent_button(
    make_client, rasa, graph, database_url, payload
):
    conversation_in(rasa, "fr")
    client = make_client()
    assert post(client, payload).json()["messages"] == 1
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    row = wait_until_done(database_url, message["id"])
    assert row.status == "answered" and row.error is None
    assert row.kind == message["type"]
    assert row.media_id == (message[message["type"]].get("id") if isinstance(message[message["type"]], dict) else None)
    declined(graph, "text_only", "fr")
    assert rasa.calls("POST", REST) == []  # nothing is made up for Rasa
    assert graph.media_requests() == []  # nothing is downloaded that cannot be read


def test_the_reply_follows_the_conversations_language_and_is_arabic_when_unknown(make_client, rasa, graph, database_url):
    client = make_client()  # the stand-in Rasa has no tracker for this citizen yet
    post(client, location_message(CITIZEN, "wamid.where"))
    wait_until_done(database_url, "wamid.where")
    declined(graph, "text_only", "ar")

    conversation_in(rasa, "en")
    graph.requests.clear()
    post(client, location_message(CITIZEN, "wamid.where-en"))
    wait_until_done(database_url, "wamid.where-en")
    declined(graph, "text_only", "en")


def test_tapping_the_agent_button_sends_the_handoff_intent_to_rasa(make_client, rasa, graph, database_url):
    client = make_client()
    post(client, location_message(CITIZEN, "wamid.loc"))
    wait_until_done(database_url, "wamid.loc")
    button = graph.sent()[0]["interactive"]["action"]["buttons"][0]["reply"]
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "Un conseiller va vous répondre."}])
    post(client, reply_message(CITIZEN, "wamid.tap", "button_reply", button["id"], button["title"]))
    assert wait_until_done(database_url, "wamid.tap").status == "answered"
    assert [c.body["message"] for c in rasa.calls("POST", REST)] == ["/request_human"]


@pytest.fixture
def speaking_client(make_client):
    """The API with the real speech model (Whisper tiny.en, CTranslate2)."""
    def make(**overrides):
        return make_client(speech_model=str(speech_model_dir()), **overrides)
    return make


def test_a_voice_note_is_fetched_transcribed_shown_back_and_answered(speaking_client, rasa, graph, database_url):
    graph.media["m-voice"] = FakeMedia(spoken(QUESTION), "audio/ogg; codecs=opus")
    rasa_replies(rasa, [
        {"recipient_id": SENDER, "text": "The minimum wage is set by decree."},
        {"recipient_id": SENDER, "custom": {"sources": SOURCES, "language": "en"}},
    ])
    client = speaking_client()
    assert post(client, voice_note(CITIZEN, "wamid.voice", "m-voice")).json()["messages"] == 1
    row = wait_until_done(database_url, "wamid.voice", timeout_s=60)
    assert row.status == "answered", row.error
    assert (row.kind, row.media_id) == ("audio", "m-voice")

    info, download = graph.media_requests()
    assert info.path == f"/{GRAPH_VERSION}/m-voice"
    assert download.path.startswith("/whatsapp_business/attachments/?mid=m-voice")
    assert info.headers["authorization"] == download.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"

    (turn,) = rasa.calls("POST", REST)
    assert words(turn.body["message"]) == words(QUESTION)
    assert turn.body["sender"] == SENDER and turn.body["metadata"]["channel"] == "whatsapp"
    heard, answer = graph.sent()
    assert heard["text"]["body"] == f"I understood: “{turn.body['message']}”"
    assert answer["text"]["body"].startswith("The minimum wage is set by decree.")
    assert metric(client, "assistant_turns_total", channel="whatsapp", language="en") == 1
    # The preamble's language came from the reply itself (api/turn.py): no tracker request.
    assert rasa.calls("GET", TRACKER) == []


def test_with_a_speech_model_other_media_are_told_that_voice_notes_are_read(speaking_client, rasa, graph, database_url):
    conversation_in(rasa, "en")
    post(speaking_client(), OTHER_MEDIA[0])
    assert wait_until_done(database_url, "wamid.image").status == "answered"
    declined(graph, "text_and_voice_only", "en")
    assert graph.media_requests() == []


BAD_VOICE_NOTES = {
    # id: (media as the Graph API keeps it, settings, reply, error in the inbox row)
    "over the cap, as declared": (lambda: FakeMedia(spoken(QUESTION), "audio/ogg"), {"whatsapp_media_max_bytes": 1000},
                                  "voice_too_long", "too_large"),
    "over the cap, undeclared": (lambda: FakeMedia(spoken(QUESTION), "audio/ogg", declared_size=0, send_length=False),
                                 {"whatsapp_media_max_bytes": 1000}, "voice_too_long", "too_large"),
    "not audio": (lambda: FakeMedia(b"%PDF-1.4 not a voice note", "application/pdf"), {},
                  "text_and_voice_only", "not_audio"),
    "graph 404": (lambda: FakeMedia(b"", "audio/ogg", info_status=404), {}, "voice_not_understood", "not_found"),
    "expired url": (lambda: FakeMedia(spoken(QUESTION), "audio/ogg", download_status=404), {},
                    "voice_not_understood", "not_found"),
    "corrupt audio": (lambda: FakeMedia(b"OggS" + bytes(range(256)) * 40, "audio/ogg"), {},
                      "voice_not_understood", "unreadable"),
    "slow transcriber": (lambda: FakeMedia(spoken(QUESTION), "audio/ogg"), {"speech_timeout_s": 0.001},
                         "voice_not_understood", "timeout"),
    "nothing said": (lambda: FakeMedia(silence(), "audio/ogg"), {}, "voice_not_understood", "empty"),
}


@pytest.mark.parametrize("case", list(BAD_VOICE_NOTES), ids=list(BAD_VOICE_NOTES))
def test_a_bad_voice_note_gets_a_clear_reply_is_logged_and_kept_in_the_inbox(
    speaking_client, rasa, graph, database_url, caplog, case
):
    media, settings, reply, code = BAD_VOICE_NOTES[case]
    graph.media["m-bad"] = media()
    conversation_in(rasa, "fr")
    client = speaking_client(**settings)
    with caplog.at_level(logging.WARNING, logger="api.whatsapp"):
        post(client, voice_note(CITIZEN, "wamid.bad-voice", "m-bad"))
        row = wait_until_done(database_url, "wamid.bad-voice", timeout_s=60)
    declined(graph, reply, "fr")
    assert row.status == "failed" and row.error.startswith(f"voice note {code}"), row.error
    assert (row.kind, row.media_id, row.mime_type) == ("audio", "m-bad", "audio/ogg; codecs=opus")
    assert any("wamid.bad-voice" in r.getMessage() and code in r.getMessage()
               for r in caplog.records if r.levelno >= logging.WARNING)
    assert rasa.calls("POST", REST) == []
    assert metric(client, "assistant_errors_total", channel="whatsapp", reason=f"voice_note_{code}") == 1

    # The worker goes on: the next message is answered.
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "ok"}])
    post(client, text_message(CITIZEN, "wamid.after-bad-voice", "salaire minimum ?"))
    assert wait_until_done(database_url, "wamid.after-bad-voice").status == "answered"


def test_a_voice_note_declared_as_another_type_is_not_fetched(speaking_client, rasa, graph, database_url):
    graph.media["m-odd"] = FakeMedia(spoken(QUESTION), "audio/ogg")
    post(speaking_client(), media_message(CITIZEN, "wamid.odd", "audio", "m-odd", "image/jpeg"))
    row = wait_until_done(database_url, "wamid.odd", timeout_s=60)
    assert row.status == "failed" and row.error.startswith("voice note not_audio")
    declined(graph, "text_and_voice_only", "ar")
    assert graph.media_requests() == []


def test_a_speech_model_that_cannot_load_is_logged_and_voice_notes_get_the_polite_reply(
    make_client, rasa, graph, database_url, tmp_path, caplog
):
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"this is not a CTranslate2 model")
    (broken / "config.json").write_text("{}")
    graph.media["m-voice"] = FakeMedia(spoken(QUESTION), "audio/ogg")
    with caplog.at_level(logging.ERROR, logger="api"):
        client = make_client(speech_model=str(broken))
    assert any("speech model" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    post(client, voice_note(CITIZEN, "wamid.no-model", "m-voice"))
    assert wait_until_done(database_url, "wamid.no-model").status == "answered"
    declined(graph, "text_only", "ar")


def test_a_voice_note_left_unanswered_is_transcribed_at_startup(speaking_client, rasa, graph, database_url, engine):
    record(engine, [InboundMessage(message_id="wamid.voice-before-restart", wa_id=CITIZEN, text="", kind="audio",
                                   media_id="m-voice", mime_type="audio/ogg; codecs=opus")])
    graph.media["m-voice"] = FakeMedia(spoken(QUESTION), "audio/ogg")
    rasa_replies(rasa, [{"recipient_id": SENDER, "text": "ok"}])
    speaking_client()
    assert wait_until_done(database_url, "wamid.voice-before-restart", timeout_s=60).status == "answered"
    assert words(rasa.calls("POST", REST)[0].body["message"]) == words(QUESTION)
