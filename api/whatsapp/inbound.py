"""Citizens' messages out of a Cloud API webhook body.

Meta's format: ``{"object": "whatsapp_business_account", "entry": [{"changes":
[{"field": "messages", "value": {"metadata": {"phone_number_id"}, "contacts": [...],
"messages": [...], "statuses": [...]}}]}]}``. Status callbacks (sent, delivered,
read) carry ``statuses`` and no ``messages``, so they yield nothing.

Every other message a citizen sends yields one InboundMessage, so that it is
answered: text and taps carry their text; audio, images, documents, stickers and
videos carry their media id and MIME type; locations, contacts and the rest only
their type. Reactions (an emoji on one of our messages) and system notices are
not messages to answer.
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


class _Media(BaseModel):
    id: str = Field(min_length=1, max_length=255)
    mime_type: str | None = Field(default=None, max_length=255)


class _Message(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow")

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


# Message types whose body is a file on the Graph API: ``{"<type>": {"id", "mime_type", ...}}``.
MEDIA_TYPES = frozenset({"audio", "image", "video", "document", "sticker"})
# Not a citizen's message to answer: an emoji on one of our messages, or a notice from WhatsApp.
NOT_ANSWERED_TYPES = frozenset({"reaction", "system", "ephemeral"})
TEXT = "text"


@dataclass(frozen=True)
class InboundMessage:
    """One message for the bot: Meta's message id, the citizen's number, what to send to Rasa.

    `kind` is "text" for typed text and taps (`text` goes to Rasa), else WhatsApp's type
    ("audio", "image", "location", ...), with `media_id` and `mime_type` for files.
    """

    message_id: str
    wa_id: str
    text: str
    kind: str = TEXT
    media_id: str | None = None
    mime_type: str | None = None


def inbound_messages(body: WebhookBody, phone_number_id: str) -> list[InboundMessage]:
    """The messages addressed to our number: text, taps on buttons and lists, media and the rest."""
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
    if text is not None and text.strip():
        return InboundMessage(message_id=message.id, wa_id=message.sender, text=text)
    if message.type in ("text", "interactive") or message.type in NOT_ANSWERED_TYPES:
        logger.info("Ignored WhatsApp message %s of type %r (nothing to answer)", message.id, message.type)
        return None
    kind = message.type[:32] or "unknown"
    media: _Media | None = None
    if kind in MEDIA_TYPES:
        try:
            media = _Media.model_validate((message.model_extra or {}).get(kind))
        except ValidationError:
            logger.warning("WhatsApp message %s of type %r has no usable media id", message.id, kind)
    return InboundMessage(
        message_id=message.id,
        wa_id=message.sender,
        text="",
        kind=kind,
        media_id=media.id if media else None,
        mime_type=media.mime_type if media else None,
    )
