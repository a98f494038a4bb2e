"""Folding the REST channel's items into the API's messages, and spreading conversations over Rasa servers."""
from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from api.rasa_client import AssistantUnreachable, RasaClient, fold_reply
from tests.api.conftest import closed_port_url

SOURCE = {"doc_id": "code-travail", "title": "Code du travail", "ref": "Art. 231", "url": None}


def dump(messages):
    return [m.model_dump(exclude_none=True) for m in messages]


def test_sources_go_to_the_text_right_before_them():
    messages, language = fold_reply([
        {"recipient_id": "u", "text": "first"},
        {"recipient_id": "u", "text": "answer"},
        {"recipient_id": "u", "custom": {"sources": [SOURCE], "language": "fr"}},
        {"recipient_id": "u", "text": "anything else?"},
    ])
    assert dump(messages) == [
        {"text": "first"},
        {"text": "answer", "sources": [{"doc_id": "code-travail", "title": "Code du travail", "ref": "Art. 231"}]},
        {"text": "anything else?"},
    ]
    assert language == "fr"


def test_sources_with_no_text_before_them_are_kept():
    messages, _ = fold_reply([{"recipient_id": "u", "custom": {"sources": [SOURCE]}}])
    assert dump(messages) == [{"text": "", "sources": [{"doc_id": "code-travail", "title": "Code du travail", "ref": "Art. 231"}]}]


def test_a_handoff_reference_goes_to_the_text_before_it():
    # The web page polls for the agent's replies while this ticket is open.
    messages, language = fold_reply([
        {"recipient_id": "u", "text": "تم تحويل طلبك إلى موظف."},
        {"recipient_id": "u", "custom": {"handoff": {"reference": "HO-1"}, "language": "ar"}},
    ])
    assert dump(messages) == [{"text": "تم تحويل طلبك إلى موظف.", "handoff": {"reference": "HO-1"}}]
    assert language == "ar"


def test_custom_with_only_a_language_or_a_malformed_handoff_adds_nothing():
    messages, language = fold_reply([
        {"recipient_id": "u", "text": "ok"},
        {"recipient_id": "u", "custom": {"language": "fr"}},
        {"recipient_id": "u", "custom": {"handoff": {"ref": "no reference key"}}},
    ])
    assert dump(messages) == [{"text": "ok"}]
    assert language == "fr"


def test_malformed_parts_are_dropped_not_fatal():
    messages, language = fold_reply([
        {"recipient_id": "u", "image": "https://example.org/a.png"},
        {"recipient_id": "u", "text": "choose", "buttons": [{"title": "ok", "payload": "/affirm"}, {"title": "no payload"}]},
        {"recipient_id": "u", "custom": {"sources": [{"title": "no doc id"}, {**SOURCE, "ref": 231}], "language": "xx"}},
    ])
    assert dump(messages) == [{
        "text": "choose",
        "buttons": [{"title": "ok", "payload": "/affirm"}],
        "sources": [{"doc_id": "code-travail", "title": "Code du travail", "ref": "231"}],
    }]
    assert language is None


# Several Rasa servers: one preferred server per conversation, the next when it refuses connections.




async def with_http(call):
    async with httpx.AsyncClient() as http:
        return await call(http)


def with_client(servers: list[str], call):
    return asyncio.run(with_http(lambda http: call(RasaClient(http, servers, timeout_s=5))))


def test_each_conversation_sticks_to_one_server_and_conversations_spread(stand_in_factory):
    first, second = stand_in_factory(), stand_in_factory()
    for server in (first, second):
        server.on("POST", "/webhooks/rest/webhook", 200, [{"text": server.url}])
    senders = [f"citizen-{n}" for n in range(40)]

    async def talk(client):
        return [(await client.send_message(s, "salam", None))[0]["text"] for s in senders * 2]

    answered_by = with_client([first.url, second.url], talk)
    assert answered_by[:40] == answered_by[40:]  # the same server both times
    assert 10 <= answered_by.count(first.url) <= 70  # and both servers get conversations


def test_a_refused_connection_fails_over_to_the_next_server(stand_in_factory):
    up = stand_in_factory()
    up.on("POST", "/webhooks/rest/webhook", 200, [{"text": "from the server that is up"}])
    down = closed_port_url()

    async def talk(client):
        return [await client.send_message(f"citizen-{n}", "salam", None) for n in range(10)]

    replies = with_client([down, up.url], talk)
    assert all(reply == [{"text": "from the server that is up"}] for reply in replies)
    assert len(up.calls("POST", "/webhooks/rest/webhook")) == 10


def test_no_server_up_is_reported_as_unreachable():
    async def talk(client):
        return await client.send_message("citizen", "salam", None)

    with pytest.raises(AssistantUnreachable, match="cannot reach any Rasa server"):
        with_client([closed_port_url(), closed_port_url()], talk)


def test_a_server_that_stalls_is_not_retried_elsewhere(stand_in_factory):
    # The stalled server may have stored the turn: sending it again could answer it twice.
    slow, fast = stand_in_factory(), stand_in_factory()

    def stall(_):
        time.sleep(1.0)
        return 200, []

    slow.on("POST", "/webhooks/rest/webhook", 200, [])
    slow.routes[("POST", "/webhooks/rest/webhook")] = stall
    fast.on("POST", "/webhooks/rest/webhook", 200, [])

    async def talk(http):
        client = RasaClient(http, [slow.url, fast.url], timeout_s=0.3)
        sender = next(s for s in (f"c{n}" for n in range(100)) if client.servers_for(s)[0] == slow.url)
        return await client.send_message(sender, "x", None)

    with pytest.raises(AssistantUnreachable, match="within"):
        asyncio.run(with_http(talk))
    assert fast.calls("POST", "/webhooks/rest/webhook") == []
