"""Tables of the ministry's SQL store: cases, look-up attempts, handoff tickets."""
from __future__ import annotations

import datetime as dt
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

CASE_STATUSES = ("received", "in_review", "awaiting_documents", "decided", "closed")


class Base(DeclarativeBase):
    pass


class Case(Base):
    """A citizen's administrative case (complaint, request, file) at the ministry."""

    __tablename__ = "cases"

    case_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    national_id: Mapped[str] = mapped_column(String(12), index=True)
    status: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[dt.date] = mapped_column(Date)


class LookupAttempt(Base):
    """One identity check of the case look-up, kept to lock out guessing (actions/lockout.py).

    Failures are counted per sender, per client address and per case number, so
    the three are kept, but only as keyed hashes (observability.pseudonyms): the
    table holds no case number, phone number or address in clear. An attempt is
    written as failed when it starts and marked succeeded once the identity matched,
    so look-ups running at the same time count each other.
    """

    __tablename__ = "lookup_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_key: Mapped[str] = mapped_column(String(64), index=True)
    client_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    case_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class HandoffTicket(Base):
    """A citizen's request to talk to a person, queued for the call-centre agents."""

    __tablename__ = "handoff_tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    sender: Mapped[str] = mapped_column(String(128), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    transcript: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


# Fictional cases so that a new installation can be tried end to end.
DEMO_CASES = (
    ("LAB-2025-000123", "AB123456", "in_review", dt.date(2025, 11, 3)),
    ("LAB-2024-000417", "K987654", "awaiting_documents", dt.date(2025, 10, 21)),
    ("LAB-2025-000200", "BE654321", "decided", dt.date(2025, 12, 15)),
    ("LAB-2025-000345", "JA112233", "received", dt.date(2026, 1, 8)),
    ("LAB-2023-000999", "CD445566", "closed", dt.date(2024, 6, 30)),
)


class Feedback(Base):
    """A citizen's thumbs up or down on one answer, kept with the answer and its sources."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender: Mapped[str] = mapped_column(String(128), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    message_text: Mapped[str] = mapped_column(String)
    sources: Mapped[list] = mapped_column(JSON)
    rating: Mapped[str] = mapped_column(String(4), index=True)
    comment: Mapped[str | None] = mapped_column(String, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class AgentReply(Base):
    """What a call-centre agent wrote to the citizen of a handoff ticket.

    The id orders the replies, so a channel can poll for those after the last one it showed.
    """

    __tablename__ = "agent_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_reference: Mapped[str] = mapped_column(String(20), ForeignKey("handoff_tickets.reference"), index=True)
    sender: Mapped[str] = mapped_column(String(128), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String)
    # "stored" (the web page fetches it), "sent" (handed to WhatsApp) or "failed".
    delivery: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


WHATSAPP_INBOX_STATUSES = ("received", "answered", "failed")


class WhatsAppInboxMessage(Base):
    """A citizen's WhatsApp message, kept from the webhook's acknowledgement until it is answered.

    The unique message id makes a webhook that Meta retries a no-op, across
    restarts and API workers. A worker claims a row (``claimed_at``) before
    answering it, so two workers never answer the same message.
    """

    __tablename__ = "whatsapp_inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    wa_id: Mapped[str] = mapped_column(String(32), index=True)
    # What goes to Rasa: the typed text, or the payload of the button or list row tapped
    # ("" for media, whose transcript, if any, is not kept).
    text: Mapped[str] = mapped_column(String)
    # WhatsApp's message type: "text" (typed text and taps), "audio", "image", "location"...
    kind: Mapped[str] = mapped_column(String(32), default="text", server_default="text")
    # Media messages: the Graph API id of the file (valid about 30 days) and its declared type.
    media_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    mime_type: Mapped[str | None] = mapped_column(String(255), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error: Mapped[str | None] = mapped_column(String, nullable=True)


TURN_OUTCOMES = ("answered", "refused", "handoff")


class ConversationTurn(Base):
    """One citizen's message and the assistant's reply, kept for the operators' review (/ops).

    Written when the turn happens (api/conversations.py), with its outcome from the bot's own
    markers (api.metrics.turn_outcome): ``refused`` with the fallback reason (low_confidence,
    out_of_scope, ...), ``handoff`` when the reply opened a ticket, else ``answered``. The texts
    are masked as in the logs (observability.logs.mask_personal_data) and the sender is a keyed
    hash; rows older than CONVERSATION_RETENTION_DAYS are purged.
    """

    __tablename__ = "conversation_turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_key: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    question: Mapped[str] = mapped_column(String)
    answer: Mapped[str] = mapped_column(String)
    sources: Mapped[list] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
