"""api.whatsapp.inbound: what in a webhook body is a message for the bot."""
from __future__ import annotations

import pytest

from api.whatsapp.inbound import InboundMessage, WebhookBody, inbound_messages
from tests.api.whatsapp.fakes import PHONE_NUMBER_ID, reply_message, status_callback, text_message, webhook

CITIZEN = "212600000001"


def read(payload) -> list[InboundMessage]:
    return inbound_messages(WebhookBody.model_validate(payload), PHONE_NUMBER_ID)


def test_text_and_replies_are_read():
    assert read(text_message(CITIZEN, "wamid.1", "ch7al smig daba?")) == [
        InboundMessage(message_id="wamid.1", wa_id=CITIZEN, text="ch7al smig daba?")
    ]
    assert read(reply_message(CITIZEN, "wamid.2", "button_reply", "/greet", "Bonjour"))[0].text == "/greet"
    assert read(reply_message(CITIZEN, "wamid.3", "list_reply", "/check_case_status", "Dossier"))[0].text == "/check_case_status"


@pytest.mark.parametrize("payload", [
    status_callback(CITIZEN, "wamid.out.1"),
    webhook({"messages": [{"from": CITIZEN, "id": "wamid.4", "timestamp": "1", "type": "image",
                           "image": {"id": "1", "mime_type": "image/jpeg"}}]}),
    webhook({"messages": [{"from": CITIZEN, "id": "wamid.5", "timestamp": "1", "type": "text", "text": {"body": "  "}}]}),
    webhook({"messages": [{"id": "wamid.6", "type": "text", "text": {"body": "no sender"}}]}),
    text_message(CITIZEN, "wamid.7", "for another number") | {"object": "page"},
], ids=["status callback", "image", "blank text", "malformed", "other object"])
def test_nothing_else_is_read(payload):
    assert read(payload) == []


def test_a_malformed_message_does_not_hide_the_others():
    payload = text_message(CITIZEN, "wamid.8", "salam")
    payload["entry"][0]["changes"][0]["value"]["messages"].insert(0, {"type": "text"})
    assert [m.message_id for m in read(payload)] == ["wamid.8"]


def test_messages_for_another_phone_number_id_are_not_ours():
    assert inbound_messages(WebhookBody.model_validate(text_message(CITIZEN, "wamid.9", "hi")), "42") == []
