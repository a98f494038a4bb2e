"""Citizens' messages out of a Cloud API webhook body.

Meta's format: ``{"object": "whatsapp_business_account", "entry": [{"changes":
[{"field": "messages", "value": {"metadata": {"phone_number_id"}, "contacts": [...],
"messages": [...], "statuses": [...]}}]}]}``. Status callbacks (sent, delivered,
read) carry ``statuses`` and no ``messages``, so they yield nothing.
"""

import logging
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

logger = logging.getLogger(__name__)


class _Reply(BaseModel):
    id: str = Field(min_length=1)
    title: str = ""


class _Interactive(BaseModel):
    type: str
    button_reply: _Reply | None = None
    list_reply: _Reply | None = None


class _Text(BaseModel):
    body: str


class _Message(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    sender: str = Field(alias="from", min_length=1, max_length=32)
    id: str = Field(min_length=1, max_length=255)
    type: str
    text: _Text | None = None
    interactive: _Interactive | None = None


class _Metadata(BaseModel):
    phone_number_id: str


class _Value(BaseModel):
    metadata: _Metadata | None = None
    messages: list[Any] = []


class _Change(BaseModel):
    field: str
    value: _Value


class _Entry(BaseModel):
    changes: list[_Change] = []


class WebhookBody(BaseModel):
    object: str
    entry: list[_Entry] = []


@dataclass(frozen=True)
class InboundMessage:
    """One message for the bot: Meta's message id, the citizen's number, what to send to Rasa."""

    message_id: str
    wa_id: str
    text: str


def inbound_messages(body: WebhookBody, phone_number_id: str) -> list[InboundMessage]:
    """The text messages and button or list replies addressed to our number."""
    found: list[InboundMessage] = []
    if body.object != "whatsapp_business_account":
        logger.info("Ignored a webhook for object %r", body.object)
        return found
    for entry in body.entry:
        for change in entry.changes:
            if change.field != "messages":
                continue
            to = change.value.metadata.phone_number_id if change.value.metadata else None
            if to != phone_number_id:
                # The same Meta app may serve other numbers; they are not ours to answer.
                logger.warning(
                    "Ignored %d WhatsApp message(s) for phone number id %r", len(change.value.messages), to
                )
                continue
            for raw in change.value.messages:
                message = _to_inbound(raw)
                if message is not None:
                    found.append(message)
    return found


def _to_inbound(raw: Any) -> InboundMessage | None:
    try:
        message = _Message.model_validate(raw)
    except ValidationError as exc:
        logger.warning("Ignored a malformed WhatsApp message: %s", exc.errors(include_url=False))
        return None
    text: str | None = None
    if message.type == "text" and message.text:
        text = message.text.body
    elif message.type == "interactive" and message.interactive:
        # The reply id is the Rasa payload of the button or row (e.g. /check_case_status).
        reply = message.interactive.button_reply or message.interactive.list_reply
        text = reply.id if reply else None
    if text is None or not text.strip():
        logger.info(
            "Ignored WhatsApp message %s of type %r (only text and replies are read)", message.id, message.type
        )
        return None
    return InboundMessage(message_id=message.id, wa_id=message.sender, text=text)
