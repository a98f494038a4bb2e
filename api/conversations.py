"""The conversation log in the ministry's SQL store: every turn with its outcome, what the
operators' review (/ops, api/routers/ops.py) reads, and the retention purge.

All the SQL of this concept is here. Blocking SQLAlchemy calls: run them in a worker thread.
Texts are masked when written (questions, answers) or when read (feedback, which the store
keeps as the citizen saw it), with the logs' masking (observability.logs.mask_personal_data);
senders are keyed hashes (observability.pseudonyms).

Purge from the command line (DATABASE_URL and CONVERSATION_RETENTION_DAYS from the environment)::

    python -m api.conversations purge [--days N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.metrics import UNKNOWN_LANGUAGE, turn_outcome
from api.schemas import LANGUAGES, BotMessage
from observability.logs import mask_personal_data
from observability.pseudonyms import pseudonym
from store.models import AgentReply, ConversationTurn, Feedback, HandoffTicket, WhatsAppInboxMessage

logger = logging.getLogger(__name__)

REFUSED = "refused"
# How many of a sender's earlier turns are searched for the question behind a rated answer.
QUESTION_LOOKBACK = 20


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands timezone-aware columns back naive; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def sender_key(sender: str, key: str | None) -> str:
    return pseudonym("sender", sender, key)


# --- Writing, when the turn happens -----------------------------------------------------------

def record_turn(
    engine: Engine,
    *,
    sender: str,
    channel: str,
    language: str | None,
    question: str,
    items: list[dict[str, Any]],
    replies: list[BotMessage],
    pseudonym_key: str | None,
    at: dt.datetime | None = None,
) -> None:
    """Keep one answered turn, masked, with the outcome that /metrics counts (api.metrics.turn_outcome)."""
    outcome, reason = turn_outcome(items, replies)
    sources = [
        {"title": mask_personal_data(s.title or ""), "ref": s.ref or "", "url": s.url or ""}
        for reply in replies for s in (reply.sources or [])
    ]
    row = ConversationTurn(
        sender_key=sender_key(sender, pseudonym_key),
        channel=channel,
        language=language if language in LANGUAGES else UNKNOWN_LANGUAGE,
        question=mask_personal_data(question),
        answer=mask_personal_data("\n\n".join(reply.text for reply in replies if reply.text)),
        sources=sources,
        outcome=outcome,
        reason=reason,
        created_at=at or utc_now(),
    )
    with Session(engine) as session, session.begin():
        session.add(row)


def record_turn_quietly(engine: Engine, **turn: Any) -> None:
    """record_turn, but a store failure is logged and never costs the citizen the reply."""
    try:
        record_turn(engine, **turn)
    except Exception as exc:  # noqa: BLE001 (the reply matters more than the log)
        logger.error("Could not keep a %s turn in the conversation log: %r", turn.get("channel"), exc)


# --- Reading, for the operators ----------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, optionally one channel and one language (``unknown`` included)."""

    start: dt.datetime
    end: dt.datetime
    channel: str | None = None
    language: str | None = None


def _turns(period: Period) -> Select:
    query = select(ConversationTurn).where(
        ConversationTurn.created_at >= period.start, ConversationTurn.created_at < period.end
    )
    if period.channel:
        query = query.where(ConversationTurn.channel == period.channel)
    if period.language:
        query = query.where(ConversationTurn.language == period.language)
    return query


def _feedback_down(period: Period) -> Select:
    query = select(Feedback).where(
        Feedback.rating == "down", Feedback.created_at >= period.start, Feedback.created_at < period.end
    )
    if period.channel:
        query = query.where(Feedback.channel == period.channel)
    if period.language == UNKNOWN_LANGUAGE:
        query = query.where(or_(Feedback.language.is_(None), Feedback.language.not_in(LANGUAGES)))
    elif period.language:
        query = query.where(Feedback.language == period.language)
    return query


def _turn_row(turn: ConversationTurn) -> dict[str, Any]:
    return {
        "id": turn.id,
        "at": _utc(turn.created_at),
        "channel": turn.channel,
        "language": turn.language,
        "outcome": turn.outcome,
        "reason": turn.reason,
        "question": turn.question,
        "answer": turn.answer,
    }


def count_refused(engine: Engine, period: Period) -> int:
    query = _turns(period).where(ConversationTurn.outcome == REFUSED)
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def refused_turns(engine: Engine, period: Period, limit: int) -> list[dict[str, Any]]:
    """The turns the bot gave up on (its fallback reasons), newest first."""
    query = (
        _turns(period).where(ConversationTurn.outcome == REFUSED)
        .order_by(ConversationTurn.created_at.desc(), ConversationTurn.id.desc()).limit(limit)
    )
    with Session(engine) as session:
        return [_turn_row(turn) for turn in session.scalars(query)]


def count_thumbs_down(engine: Engine, period: Period) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(_feedback_down(period).subquery())) or 0


def thumbs_down(engine: Engine, period: Period, limit: int, pseudonym_key: str | None) -> list[dict[str, Any]]:
    """Answers rated down, newest first, with their sources and, when the log has it, the question."""
    rows = []
    with Session(engine) as session:
        query = _feedback_down(period).order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(limit)
        for feedback in session.scalars(query):
            answer = mask_personal_data(feedback.message_text)
            rows.append({
                "id": feedback.id,
                "at": _utc(feedback.created_at),
                "channel": feedback.channel,
                "language": feedback.language if feedback.language in LANGUAGES else UNKNOWN_LANGUAGE,
                "question": _question_of(session, feedback, answer, pseudonym_key),
                "answer": answer,
                "sources": [
                    {key: mask_personal_data(str(source.get(key) or "")) for key in ("title", "ref", "url")}
                    for source in (feedback.sources or []) if isinstance(source, dict)
                ],
                "comment": mask_personal_data(feedback.comment) if feedback.comment else None,
            })
    return rows


def _question_of(session: Session, feedback: Feedback, answer: str, pseudonym_key: str | None) -> str | None:
    """The question whose reply held the rated answer: that sender's latest such turn before the rating."""
    query = (
        select(ConversationTurn.question, ConversationTurn.answer)
        .where(
            ConversationTurn.sender_key == sender_key(feedback.sender, pseudonym_key),
            ConversationTurn.created_at <= feedback.created_at,
        )
        .order_by(ConversationTurn.created_at.desc(), ConversationTurn.id.desc()).limit(QUESTION_LOOKBACK)
    )
    for question, turn_answer in session.execute(query):
        if answer.strip() and answer.strip() in turn_answer:
            return question
    return None


def breakdown(engine: Engine, period: Period) -> list[dict[str, Any]]:
    """Per channel and language: turns, refused, handed off, answers rated down."""
    counts: dict[tuple[str, str], dict[str, Any]] = {}

    def entry(channel: str, language: str) -> dict[str, Any]:
        return counts.setdefault(
            (channel, language),
            {"channel": channel, "language": language, "turns": 0, "refused": 0, "handoff": 0, "thumbs_down": 0},
        )

    turns = _turns(period).subquery()
    with Session(engine) as session:
        grouped = session.execute(
            select(turns.c.channel, turns.c.language, turns.c.outcome, func.count())
            .group_by(turns.c.channel, turns.c.language, turns.c.outcome)
        )
        for channel, language, outcome, n in grouped:
            row = entry(channel, language)
            row["turns"] += n
            if outcome in ("refused", "handoff"):
                row[outcome] += n
        down = _feedback_down(period).subquery()
        for channel, language, n in session.execute(
            select(down.c.channel, down.c.language, func.count()).group_by(down.c.channel, down.c.language)
        ):
            entry(channel, language if language in LANGUAGES else UNKNOWN_LANGUAGE)["thumbs_down"] += n
    return [counts[key] for key in sorted(counts)]


def unanswered_questions(
    engine: Engine, period: Period, limit: int, pseudonym_key: str | None
) -> list[dict[str, Any]]:
    """What the grouping reads: the refused questions and the questions behind a thumbs-down."""
    rows = [{**row, "source": "refused"} for row in refused_turns(engine, period, limit)]
    for row in thumbs_down(engine, period, max(limit - len(rows), 0), pseudonym_key):
        if row["question"]:
            rows.append({**row, "outcome": "thumbs_down", "reason": None, "source": "thumbs_down"})
    return rows


# --- Retention ---------------------------------------------------------------------------------

def purge(engine: Engine, retention_days: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete the conversations older than ``retention_days``: turns, feedback, finished WhatsApp
    messages, closed handoff tickets and their replies. Unanswered and open ones are kept."""
    cutoff = (now or utc_now()) - dt.timedelta(days=retention_days)
    deleted: dict[str, int] = {}
    with Session(engine) as session, session.begin():
        deleted["conversation_turns"] = session.execute(
            delete(ConversationTurn).where(ConversationTurn.created_at < cutoff)
        ).rowcount
        deleted["feedback"] = session.execute(delete(Feedback).where(Feedback.created_at < cutoff)).rowcount
        deleted["whatsapp_inbox"] = session.execute(
            delete(WhatsAppInboxMessage).where(
                WhatsAppInboxMessage.received_at < cutoff, WhatsAppInboxMessage.status != "received"
            )
        ).rowcount
        old_tickets = select(HandoffTicket.reference).where(
            and_(HandoffTicket.status == "closed", HandoffTicket.created_at < cutoff,
                 or_(HandoffTicket.closed_at.is_(None), HandoffTicket.closed_at < cutoff))
        )
        deleted["agent_replies"] = session.execute(
            delete(AgentReply).where(AgentReply.ticket_reference.in_(old_tickets))
        ).rowcount
        deleted["handoff_tickets"] = session.execute(
            delete(HandoffTicket).where(HandoffTicket.reference.in_(old_tickets.scalar_subquery()))
        ).rowcount
    return deleted


def main(argv: list[str] | None = None) -> int:
    from api.settings import Settings
    from store import get_engine, init_store

    parser = argparse.ArgumentParser(prog="python -m api.conversations", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    purge_parser = commands.add_parser("purge", help="delete the conversations older than the retention period")
    purge_parser.add_argument("--days", type=int, help="retention in days (default: CONVERSATION_RETENTION_DAYS, 90)")
    args = parser.parse_args(argv)
    settings = Settings()
    days = args.days if args.days is not None else settings.conversation_retention_days
    if days < 1:
        parser.error("--days must be 1 or more")
    engine = get_engine(settings.database_url)
    init_store(engine, seed_demo_cases=False)
    deleted = purge(engine, days)
    print(f"Purged conversations older than {days} days: "
          + ", ".join(f"{table} {n}" for table, n in deleted.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
