"""Conversations are kept CONVERSATION_RETENTION_DAYS: the purge deletes what is older (turns,
feedback, finished WhatsApp messages, closed tickets and their replies) and keeps the rest.
Real SQLite; the command line run as an operator would."""
from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.conversations import purge, record_turn
from api.schemas import BotMessage
from api.settings import Settings
from store.models import AgentReply, ConversationTurn, Feedback, HandoffTicket, WhatsAppInboxMessage
from tests.conftest import APP_PYTHON, REPO_ROOT

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.timezone.utc)


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def fill(engine, old: dt.datetime, new: dt.datetime) -> None:
    """One old and one new row of every kind the purge looks at."""
    for label, at in (("old", old), ("new", new)):
        record_turn(engine, sender=f"web-{label}", channel="web", language="fr", question=f"{label} question",
                    items=[{"text": "x"}], replies=[BotMessage(text="x")], pseudonym_key=None, at=at)
    with Session(engine) as session, session.begin():
        for label, at in (("old", old), ("new", new)):
            session.add(Feedback(sender=f"web-{label}", channel="web", language="fr", message_text=label,
                                 sources=[], rating="down", created_at=at))
            session.add(WhatsAppInboxMessage(message_id=f"wamid.{label}", wa_id="212600000001", text=label,
                                             status="answered", received_at=at, attempts=1))
            session.add(HandoffTicket(reference=f"HT-{label.upper()}", sender=f"web-{label}", channel="web",
                                      language="fr", transcript=[], status="closed", created_at=at, closed_at=at))
        # Never purged, however old: a message still to answer, and a ticket still open.
        session.add(WhatsAppInboxMessage(message_id="wamid.pending", wa_id="212600000001", text="?",
                                         status="received", received_at=old, attempts=0))
        session.add(HandoffTicket(reference="HT-OPEN", sender="web-open", channel="web", language="fr",
                                  transcript=[], status="open", created_at=old))
        session.flush()
        for label, at in (("old", old), ("new", new)):
            session.add(AgentReply(ticket_reference=f"HT-{label.upper()}", sender=f"web-{label}", channel="web",
                                   text=label, delivery="stored", created_at=at))


def left(engine) -> dict[str, list[str]]:
    with Session(engine) as session:
        return {
            "turns": sorted(session.scalars(select(ConversationTurn.question))),
            "feedback": sorted(session.scalars(select(Feedback.message_text))),
            "inbox": sorted(session.scalars(select(WhatsAppInboxMessage.message_id))),
            "tickets": sorted(session.scalars(select(HandoffTicket.reference))),
            "replies": sorted(session.scalars(select(AgentReply.text))),
        }


def test_the_purge_deletes_what_is_older_than_the_retention_and_keeps_the_rest(engine):
    fill(engine, old=ago(91), new=ago(89))
    deleted = purge(engine, 90, now=NOW)
    assert deleted == {"conversation_turns": 1, "feedback": 1, "whatsapp_inbox": 1,
                       "agent_replies": 1, "handoff_tickets": 1}
    assert left(engine) == {
        "turns": ["new question"], "feedback": ["new"], "inbox": ["wamid.new", "wamid.pending"],
        "tickets": ["HT-NEW", "HT-OPEN"], "replies": ["new"],
    }
    assert purge(engine, 90, now=NOW) == dict.fromkeys(deleted, 0)  # a second run has nothing left to do


def test_the_retention_is_90_days_by_default_and_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("CONVERSATION_RETENTION_DAYS", raising=False)
    assert Settings().conversation_retention_days == 90
    monkeypatch.setenv("CONVERSATION_RETENTION_DAYS", "30")
    assert Settings().conversation_retention_days == 30
    monkeypatch.setenv("CONVERSATION_RETENTION_DAYS", "0")
    with pytest.raises(ValueError):
        Settings()


def test_the_purge_command_uses_conversation_retention_days(engine, database_url):
    now = dt.datetime.now(dt.timezone.utc)
    fill(engine, old=now - dt.timedelta(days=31), new=now - dt.timedelta(days=29))
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "DATABASE_URL": database_url,
           "CONVERSATION_RETENTION_DAYS": "30"}
    run = subprocess.run([str(APP_PYTHON), "-m", "api.conversations", "purge"], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "older than 30 days" in run.stdout and "conversation_turns 1" in run.stdout
    assert left(engine)["turns"] == ["new question"]
    assert left(engine)["inbox"] == ["wamid.new", "wamid.pending"]


def test_the_purge_command_refuses_a_retention_below_one_day(database_url):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "DATABASE_URL": database_url}
    run = subprocess.run([str(APP_PYTHON), "-m", "api.conversations", "purge", "--days", "0"], cwd=REPO_ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "--days must be 1 or more" in run.stderr
