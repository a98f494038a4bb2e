"""The WhatsApp inbox in the SQL store: what was acknowledged to Meta, and what became of it.

Plain synchronous functions over the store's engine; the worker calls them in a
thread. The unique message id deduplicates the webhooks Meta retries, and a
conditional UPDATE (the claim) lets only one worker, in any process, answer a message.
"""

import datetime as dt
import logging

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.whatsapp.inbound import InboundMessage
from store.models import WhatsAppInboxMessage as Inbox

logger = logging.getLogger(__name__)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def record(engine: Engine, messages: list[InboundMessage]) -> list[InboundMessage]:
    """Keep each message as `received`; return those never seen before."""
    new: list[InboundMessage] = []
    for message in messages:
        try:
            with Session(engine) as session, session.begin():
                session.add(Inbox(
                    message_id=message.message_id,
                    wa_id=message.wa_id,
                    text=message.text,
                    kind=message.kind,
                    media_id=message.media_id,
                    mime_type=message.mime_type,
                    status="received",
                    received_at=_now(),
                    attempts=0,
                ))
        except IntegrityError:
            logger.info("WhatsApp message %s was already received; Meta's retry ignored", message.message_id)
            continue
        new.append(message)
    return new


def claim(engine: Engine, message_id: str, claim_timeout_s: float) -> InboundMessage | None:
    """Take a `received` message for answering, unless a live worker holds it already."""
    now = _now()
    stale = now - dt.timedelta(seconds=claim_timeout_s)
    with Session(engine) as session, session.begin():
        taken = session.execute(
            update(Inbox)
            .where(
                Inbox.message_id == message_id,
                Inbox.status == "received",
                or_(Inbox.claimed_at.is_(None), Inbox.claimed_at < stale),
            )
            .values(claimed_at=now, attempts=Inbox.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            return None
        row = session.scalars(select(Inbox).where(Inbox.message_id == message_id)).one()
        return _inbound(row)


def finish(engine: Engine, message_id: str, status: str, error: str | None = None) -> None:
    """Mark a claimed message `answered` or `failed`."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(Inbox)
            .where(Inbox.message_id == message_id)
            .values(status=status, answered_at=_now() if status == "answered" else None, error=error)
            .execution_options(synchronize_session=False)
        )


def release(engine: Engine, message_id: str) -> None:
    """Give a claimed message back (on shutdown), so the next start answers it at once."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(Inbox)
            .where(Inbox.message_id == message_id, Inbox.status == "received")
            .values(claimed_at=None)
            .execution_options(synchronize_session=False)
        )


def unanswered(engine: Engine, claim_timeout_s: float) -> list[InboundMessage]:
    """Messages still `received` that no live worker holds, oldest first."""
    stale = _now() - dt.timedelta(seconds=claim_timeout_s)
    with Session(engine) as session:
        rows = session.scalars(
            select(Inbox)
            .where(Inbox.status == "received", or_(Inbox.claimed_at.is_(None), Inbox.claimed_at < stale))
            .order_by(Inbox.id)
        ).all()
        return [_inbound(r) for r in rows]


def _inbound(row: Inbox) -> InboundMessage:
    return InboundMessage(
        message_id=row.message_id, wa_id=row.wa_id, text=row.text,
        kind=row.kind, media_id=row.media_id, mime_type=row.mime_type,
    )
