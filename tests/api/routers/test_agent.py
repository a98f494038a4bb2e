"""Handoff tickets for agents: queue, reply, close (Rasa resumes), and the citizen's side."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from store import HandoffTicket
from tests.api.conftest import closed_port_url
from tests.api.whatsapp.fakes import ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, VERIFY_TOKEN, fake_graph

KEY = "agent-key-for-tests"
AUTH = {"Authorization": f"Bearer {KEY}"}
graph = pytest.fixture(fake_graph)
TRANSCRIPT = [{"role": "citizen", "text": "bghit nhder m3a chi wa7ed"}, {"role": "bot", "text": "..."}]


def open_ticket(engine, reference: str, sender: str, channel: str = "web", minutes_ago: int = 0) -> None:
    """A ticket as actions/handoff.py opens it."""
    with Session(engine) as session, session.begin():
        session.add(HandoffTicket(
            reference=reference, sender=sender, channel=channel, language="ar", transcript=TRANSCRIPT,
            status="open", created_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes_ago),
        ))


@pytest.fixture
def rasa_events(rasa):
    rasa.on("POST", "/conversations/web-1/tracker/events", 200, {"sender_id": "web-1", "events": None})
    return rasa


@pytest.fixture
def client(client_for, database_url, rasa_events, engine):
    return client_for(assist_api_key=KEY, database_url=database_url, rasa_url=rasa_events.url)


def test_queue_lists_open_tickets_oldest_first_with_transcripts(client, engine):
    open_ticket(engine, "HT-NEWER2", "web-2", minutes_ago=1)
    open_ticket(engine, "HT-OLDER1", "web-1", channel="whatsapp", minutes_ago=5)
    response = client.get("/api/agent/tickets", params={"status": "open"}, headers=AUTH)
    assert response.status_code == 200, response.text
    tickets = response.json()["tickets"]
    assert [t["reference"] for t in tickets] == ["HT-OLDER1", "HT-NEWER2"]
    assert tickets[0]["channel"] == "whatsapp" and tickets[0]["transcript"] == TRANSCRIPT
    assert tickets[0]["replies"] == [] and tickets[0]["status"] == "open"


def test_reply_is_kept_and_only_its_citizen_can_fetch_it(client, engine):
    open_ticket(engine, "HT-AAAAAA", "web-1")
    open_ticket(engine, "HT-BBBBBB", "web-2")
    first = client.post("/api/agent/tickets/HT-AAAAAA/reply", json={"text": " Bonjour, je regarde votre dossier. "}, headers=AUTH)
    assert first.status_code == 201, first.text
    assert first.json()["text"] == "Bonjour, je regarde votre dossier."
    assert first.json()["delivery"] == "stored"
    client.post("/api/agent/tickets/HT-BBBBBB/reply", json={"text": "pour l'autre citoyen"}, headers=AUTH)
    second = client.post("/api/agent/tickets/HT-AAAAAA/reply", json={"text": "C'est réglé."}, headers=AUTH).json()

    mine = client.get("/api/chat/web-1/agent-messages").json()
    assert [m["text"] for m in mine["messages"]] == ["Bonjour, je regarde votre dossier.", "C'est réglé."]
    assert all(m["ticket_reference"] == "HT-AAAAAA" for m in mine["messages"])
    later = client.get("/api/chat/web-1/agent-messages", params={"after": first.json()["id"]}).json()
    assert [m["id"] for m in later["messages"]] == [second["id"]]
    assert client.get("/api/chat/web-3/agent-messages").json()["messages"] == []

    shown = client.get("/api/agent/tickets/HT-AAAAAA", headers=AUTH).json()
    assert [r["text"] for r in shown["replies"]] == ["Bonjour, je regarde votre dossier.", "C'est réglé."]


def test_close_resumes_the_conversation_in_rasa_then_closes(client, engine, rasa_events):
    open_ticket(engine, "HT-CCCCCC", "web-1")
    response = client.post("/api/agent/tickets/HT-CCCCCC/close", headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "closed" and response.json()["closed_at"]
    calls = rasa_events.calls("POST", "/conversations/web-1/tracker/events")
    assert [c.body for c in calls] == [{"event": "resume"}]
    assert client.get("/api/agent/tickets", headers=AUTH).json()["tickets"] == []
    closed = client.get("/api/agent/tickets", params={"status": "closed"}, headers=AUTH).json()["tickets"]
    assert [t["reference"] for t in closed] == ["HT-CCCCCC"]

    again = client.post("/api/agent/tickets/HT-CCCCCC/close", headers=AUTH)
    assert again.status_code == 409 and again.json()["error"]["code"] == "ticket_closed"
    late = client.post("/api/agent/tickets/HT-CCCCCC/reply", json={"text": "trop tard"}, headers=AUTH)
    assert late.status_code == 409


def test_close_keeps_the_ticket_open_when_rasa_is_down(client_for, database_url, engine):
    client = client_for(assist_api_key=KEY, database_url=database_url, rasa_url=closed_port_url())
    open_ticket(engine, "HT-DDDDDD", "web-1")
    response = client.post("/api/agent/tickets/HT-DDDDDD/close", headers=AUTH)
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "assistant_unavailable"
    with Session(engine) as session:
        assert session.scalar(select(HandoffTicket.status).where(HandoffTicket.reference == "HT-DDDDDD")) == "open"


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/api/agent/tickets/HT-NOSUCH", None),
    ("POST", "/api/agent/tickets/HT-NOSUCH/reply", {"text": "x"}),
    ("POST", "/api/agent/tickets/HT-NOSUCH/close", None),
])
def test_unknown_ticket_is_404(client, method, path, body):
    response = client.request(method, path, json=body, headers=AUTH)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ticket_not_found"


def test_bad_input_is_a_clear_4xx(client, engine):
    open_ticket(engine, "HT-EEEEEE", "web-1")
    blank = client.post("/api/agent/tickets/HT-EEEEEE/reply", json={"text": "   "}, headers=AUTH)
    assert blank.status_code == 422 and "text must not be empty" in blank.json()["error"]["message"]
    too_long = client.post("/api/agent/tickets/HT-EEEEEE/reply", json={"text": "x" * 4097}, headers=AUTH)
    assert too_long.status_code == 422
    assert client.get("/api/agent/tickets/not-a-reference", headers=AUTH).status_code == 422
    assert client.get("/api/agent/tickets", params={"status": "pending"}, headers=AUTH).status_code == 422
    assert client.get("/api/chat/bad sender!/agent-messages").status_code == 422
    assert client.get("/api/chat/web-1/agent-messages", params={"after": -1}).status_code == 422


def test_agent_console_page_is_served(client):
    page = client.get("/agent")
    assert page.status_code == 200 and 'src="static/agent.js"' in page.text
    assert client.get("/static/agent.js").status_code == 200


def test_reply_on_a_whatsapp_ticket_reaches_the_citizens_phone(client_for, database_url, rasa_events, engine, graph):
    client = client_for(
        assist_api_key=KEY, database_url=database_url, rasa_url=rasa_events.url,
        whatsapp_verify_token=VERIFY_TOKEN, whatsapp_app_secret=APP_SECRET,
        whatsapp_access_token=ACCESS_TOKEN, whatsapp_phone_number_id=PHONE_NUMBER_ID,
        whatsapp_graph_url=graph.url,
    )
    open_ticket(engine, "HT-WAWAWA", "wa:212600000009", channel="whatsapp")
    response = client.post("/api/agent/tickets/HT-WAWAWA/reply", json={"text": "Salam, ana m3ak."}, headers=AUTH)
    assert response.status_code == 201, response.text
    assert response.json()["delivery"] == "sent"
    sent = graph.wait_for(1)
    assert sent[0]["to"] == "212600000009" and sent[0]["text"]["body"] == "Salam, ana m3ak."


def test_reply_on_a_whatsapp_ticket_without_whatsapp_is_refused(client, engine):
    open_ticket(engine, "HT-WANONE", "wa:212600000009", channel="whatsapp")
    response = client.post("/api/agent/tickets/HT-WANONE/reply", json={"text": "Salam"}, headers=AUTH)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "whatsapp_not_configured"
    assert client.get("/api/agent/tickets/HT-WANONE", headers=AUTH).json()["replies"] == []
