"""Refuse case look-ups from a sender who failed too often: guessing is not allowed."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from store import LookupAttempt

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def locked_until(engine: Engine, sender: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the sender may try again, or None if look-ups are allowed now.

    The sender is locked for 15 minutes after the 5th failure within the last
    15 minutes; a successful look-up does not wipe earlier failures.
    """
    now = now or _now()
    with Session(engine) as session:
        failures = session.scalars(
            select(LookupAttempt.at)
            .where(
                LookupAttempt.sender == sender,
                LookupAttempt.succeeded.is_(False),
                LookupAttempt.at > now - LOCKOUT,
            )
            .order_by(LookupAttempt.at.desc())
            .limit(MAX_FAILED_ATTEMPTS)
        ).all()
    if len(failures) < MAX_FAILED_ATTEMPTS:
        return None
    return _aware(failures[0]) + LOCKOUT


def record_attempt(engine: Engine, sender: str, succeeded: bool, now: dt.datetime | None = None) -> None:
    with Session(engine) as session, session.begin():
        session.add(LookupAttempt(sender=sender, succeeded=succeeded, at=now or _now()))

