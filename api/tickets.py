"""Handoff tickets and agents' replies in the ministry's SQL store.

Tickets are opened by the action server (`actions/handoff.py`); the API lists
them, keeps the agents' replies, and closes them. Blocking SQLAlchemy calls:
run them in a worker thread.
"""

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.schemas import AgentMessage, AgentReplyOut, Ticket
from store.models import AgentReply, HandoffTicket

MAX_TICKETS = 200
MAX_MESSAGES = 100


class TicketNotFound(LookupError):
    pass


class TicketClosed(RuntimeError):
    pass


def _ticket(ticket: HandoffTicket, replies: list[AgentReply]) -> Ticket:
    return Ticket(
        reference=ticket.reference,
        sender=ticket.sender,
        channel=ticket.channel,
        language=ticket.language,
        status=ticket.status,
        created_at=_utc(ticket.created_at),
        closed_at=_utc(ticket.closed_at) if ticket.closed_at else None,
        transcript=ticket.transcript or [],
        replies=[_reply(r) for r in replies],
    )


def _reply(reply: AgentReply) -> AgentReplyOut:
    return AgentReplyOut(id=reply.id, text=reply.text, created_at=_utc(reply.created_at), delivery=reply.delivery)


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def list_tickets(engine: Engine, status: str | None) -> list[Ticket]:
    """Tickets, oldest first (the queue order), with their replies."""
    with Session(engine) as session:
        query = select(HandoffTicket).order_by(HandoffTicket.created_at, HandoffTicket.id).limit(MAX_TICKETS)
        if status:
            query = query.where(HandoffTicket.status == status)
        tickets = list(session.scalars(query))
        replies: dict[str, list[AgentReply]] = {}
        if tickets:
            for reply in session.scalars(
                select(AgentReply)
                .where(AgentReply.ticket_reference.in_([t.reference for t in tickets]))
                .order_by(AgentReply.id)
            ):
                replies.setdefault(reply.ticket_reference, []).append(reply)
        return [_ticket(t, replies.get(t.reference, [])) for t in tickets]


def get_ticket(engine: Engine, reference: str) -> Ticket:
    with Session(engine) as session:
        ticket = session.scalar(select(HandoffTicket).where(HandoffTicket.reference == reference))
        if ticket is None:
            raise TicketNotFound(reference)
        replies = session.scalars(
            select(AgentReply).where(AgentReply.ticket_reference == reference).order_by(AgentReply.id)
        )
        return _ticket(ticket, list(replies))


def add_reply(engine: Engine, reference: str, text: str, delivery: str) -> AgentReplyOut:
    """Keep an agent's reply on an open ticket."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        ticket = session.scalar(select(HandoffTicket).where(HandoffTicket.reference == reference))
        if ticket is None:
            raise TicketNotFound(reference)
        if ticket.status != "open":
            raise TicketClosed(reference)
        reply = AgentReply(
            ticket_reference=reference,
            sender=ticket.sender,
            channel=ticket.channel,
            text=text,
            delivery=delivery,
            created_at=dt.datetime.now(dt.timezone.utc),
        )
        session.add(reply)
    return _reply(reply)


def close_ticket(engine: Engine, reference: str) -> Ticket:
    """Mark an open ticket closed; only one of two agents closing at once succeeds."""
    with Session(engine) as session, session.begin():
        closed = session.execute(
            update(HandoffTicket)
            .where(HandoffTicket.reference == reference, HandoffTicket.status == "open")
            .values(status="closed", closed_at=dt.datetime.now(dt.timezone.utc))
        )
        if closed.rowcount == 0:
            exists = session.scalar(select(HandoffTicket.id).where(HandoffTicket.reference == reference))
            raise TicketClosed(reference) if exists else TicketNotFound(reference)
    return get_ticket(engine, reference)


def messages_for_sender(engine: Engine, sender: str, after: int) -> list[AgentMessage]:
    """The agents' replies to one citizen, after the id the channel last showed."""
    with Session(engine) as session:
        replies = session.scalars(
            select(AgentReply)
            .where(AgentReply.sender == sender, AgentReply.id > after)
            .order_by(AgentReply.id)
            .limit(MAX_MESSAGES)
        )
        return [
            AgentMessage(id=r.id, ticket_reference=r.ticket_reference, text=r.text, created_at=_utc(r.created_at))
            for r in replies
        ]
