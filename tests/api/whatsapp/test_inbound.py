"""api.whatsapp.inbound: what in a webhook body is a message for the bot."""
from __future__ import annotations

import pytest

from api.whatsapp.inbound import InboundMessage, WebhookBody, inbound_messages
from tests.api.whatsapp.fakes import (
    PHONE_NUMBER_ID,
    contacts_message,
    location_message,
    media_message,
    reaction_message,
    reply_message,
    status_callback,
    text_message,
    voice_note,
    webhook,
)

CITIZEN = "212600000001"


def read(payload) -> list[InboundMessage]:
    return inbound_messages(WebhookBody.model_validate(payload), PHONE_NUMBER_ID)


def test_text_and_replies_are_read():
    assert read(text_message(CITIZEN, "wamid.1", "ch7al smig daba?")) == [
        InboundMessage(message_id="wamid.1", wa_id=CITIZEN, text="ch7al smig daba?")
    ]
    assert read(reply_message(CITIZEN, "wamid.2", "button_reply", "/greet", "Bonjour"))[0].text == "/greet"
    assert read(reply_message(CITIZEN, "wamid.3", "list_reply", "/check_case_status", "Dossier"))[0].text == "/check_case_status"


def test_voice_notes_and_other_media_are_read_with_their_media_id():
    assert read(voice_note(CITIZEN, "wamid.v", "1037543291543636")) == [InboundMessage(
        message_id="wamid.v", wa_id=CITIZEN, text="", kind="audio",
        media_id="1037543291543636", mime_type="audio/ogg; codecs=opus",
    )]
    for kind, mime in [("image", "image/jpeg"), ("document", "application/pdf"), ("sticker", "image/webp"),
                       ("video", "video/mp4")]:
        (message,) = read(media_message(CITIZEN, f"wamid.{kind}", kind, f"id-{kind}", mime))
        assert (message.kind, message.media_id, message.mime_type, message.text) == (kind, f"id-{kind}", mime, "")


@pytest.mark.parametrize("payload, kind", [
    (location_message(CITIZEN, "wamid.loc"), "location"),
    (contacts_message(CITIZEN, "wamid.vcard"), "contacts"),
    (webhook({"messages": [{"from": CITIZEN, "id": "wamid.u", "timestamp": "1", "type": "unsupported",
                            "errors": [{"code": 131051, "title": "Message type unknown"}]}]}), "unsupported"),
    # A media message whose body Meta left out is still a message to answer.
    (webhook({"messages": [{"from": CITIZEN, "id": "wamid.nomedia", "timestamp": "1", "type": "audio"}]}), "audio"),
], ids=["location", "contacts", "unsupported", "audio without media"])
def test_messages_without_text_are_read_by_their_type(payload, kind):
    (message,) = read(payload)
    assert message.kind == kind and message.text == "" and message.media_id is None


@pytest.mark.parametrize("payload", [
    status_callback(CITIZEN, "wamid.out.1"),
    reaction_message(CITIZEN, "wamid.4"),
    webhook({"messages": [{"from": CITIZEN, "id": "wamid.5", "timestamp": "1", "type": "text", "text": {"body": "  "}}]}),
    webhook({"messages": [{"id": "wamid.6", "type": "text", "text": {"body": "no sender"}}]}),
    text_message(CITIZEN, "wamid.7", "for another number") | {"object": "page"},
], ids=["status callback", "reaction", "blank text", "malformed", "other object"])
def test_nothing_else_is_read(payload):
    assert read(payload) == []


def test_a_malformed_message_does_not_hide_the_others():
    payload = text_message(CITIZEN, "wamid.8", "salam")
    payload["entry"][0]["changes"][0]["value"]["messages"].insert(0, {"type": "text"})
    assert [m.message_id for m in read(payload)] == ["wamid.8"]


def test_messages_for_another_phone_number_id_are_not_ours():
    assert inbound_messages(WebhookBody.model_validate(text_message(CITIZEN, "wamid.9", "hi")), "42") == []
