"""Refuse case look-ups that look like guessing: per sender, per client address, per case number.

Every identity check of the case look-up is a row of ``lookup_attempts`` in the
store (SQLite, or the PostgreSQL that every action-server replica shares). Three
counts are kept; a failure that is the limit-th within one window (15 minutes by
default) sets a lock that lasts one full window from that failure:

- per **case number** (``case``): after 5 failed checks against one number, from
  any sender on any channel, that number answers no look-up, even with the right
  CIN, until the window has passed. Numbers that no case has are counted and
  locked the same way, so a lock tells nothing about whether a case exists;
- per **sender** (``sender``): one conversation, 5 failures, whatever the numbers;
- per **client address** (``client``): a web client's IP address (IPv6: its /64)
  or a WhatsApp number, 10 failures across numbers and conversations.

The store keeps only keyed hashes of the three (observability.pseudonyms).

An attempt is written as failed when it starts (``begin_attempt``) and marked
succeeded when the identity matched (``finish_attempt``). Look-ups running at the
same time, on one replica or several, therefore count each other: a burst of
parallel guesses gets no more tries than the same guesses one after the other.
A refused look-up is not counted, so a lock is not prolonged by the look-ups it
refuses. The limits and the window are settings (actions.settings: ``LOOKUP_*``).

Usage::

    policy = LockPolicy(window=dt.timedelta(minutes=15), case=5, sender=5, client=10)
    keys = AttemptKeys.of(sender="web-1", client=client_key, case_number="LAB-2025-000123")
    started = begin_attempt(engine, keys, policy)
    if isinstance(started, Lock):
        ...  # refused: started.scope is "sender", "client" or "case", started.until when it ends
    else:
        locks = finish_attempt(engine, started, keys, policy, succeeded=False)  # the locks this failure set
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from observability.pseudonyms import is_pseudonym, pseudonym
from store import LookupAttempt

# In the order a look-up is checked against them: the requester's own locks first.
SCOPES = ("sender", "client", "case")
_COLUMNS = {
    "sender": LookupAttempt.sender_key,
    "client": LookupAttempt.client_key,
    "case": LookupAttempt.case_key,
}


@dataclass(frozen=True)
class LockPolicy:
    """How many failures each count allows within the window (actions.settings has the defaults)."""

    window: dt.timedelta = dt.timedelta(minutes=15)
    sender: int = 5
    client: int = 10
    case: int = 5

    def max_failures(self, scope: str) -> int:
        return getattr(self, scope)


@dataclass(frozen=True)
class AttemptKeys:
    """What an attempt is counted under: keyed hashes only."""

    sender: str
    client: str | None = None
    case: str | None = None

    @classmethod
    def of(
        cls, sender: str, client: str | None = None, case_number: str | None = None, key: str | None = None
    ) -> AttemptKeys:
        """From the sender id, the client pseudonym the API sent (anything else is ignored)
        and the normalised case number (None when there is none)."""
        return cls(
            sender=pseudonym("sender", sender, key),
            client=client if is_pseudonym(client) else None,
            case=pseudonym("case", case_number, key) if case_number else None,
        )

    def by_scope(self) -> list[tuple[str, str]]:
        return [(scope, value) for scope in SCOPES if (value := getattr(self, scope))]


@dataclass(frozen=True)
class Lock:
    scope: str  # "sender", "client" or "case"
    until: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


# Rows read per count at most: a lock stops new rows, so a key rarely has more than a few.
_MAX_ROWS = 1000


def _failures(
    session: Session, scope: str, key: str, policy: LockPolicy, now: dt.datetime, before_id: int | None = None
) -> list[dt.datetime]:
    """When the failures under ``key`` that can still matter happened (two windows back), oldest first.

    Only attempts stored before ``before_id`` when it is given.
    """
    query = select(LookupAttempt.at).where(
        _COLUMNS[scope] == key, LookupAttempt.succeeded.is_(False), LookupAttempt.at > now - 2 * policy.window
    )
    if before_id is not None:
        query = query.where(LookupAttempt.id < before_id)
    newest_first = session.scalars(query.order_by(LookupAttempt.at.desc()).limit(_MAX_ROWS))
    return sorted(_aware(at) for at in newest_first)


def _lock(scope: str, failures: list[dt.datetime], policy: LockPolicy, now: dt.datetime) -> Lock | None:
    """The lock these failures hold at ``now``, if any.

    A failure sets a lock when it is the limit-th within one window; the lock lasts
    one window from that failure, so it holds the full window whatever the spread of
    the failures before it.
    """
    limit = policy.max_failures(scope)
    ends = [
        failures[i] + policy.window
        for i in range(limit - 1, len(failures))
        if failures[i] - failures[i - limit + 1] < policy.window and failures[i] + policy.window > now
    ]
    return Lock(scope, max(ends)) if ends else None


def _serialise(session: Session, keys: AttemptKeys) -> None:
    """On PostgreSQL, hold each key's advisory lock until the attempt is committed.

    Ids come from a sequence in the order rows are inserted, not committed: without the lock,
    a guess could count the failures before its id while an earlier id is still uncommitted,
    and parallel guesses would get one check more than the limit. SQLite writes one at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    locks = sorted(
        int.from_bytes(hashlib.blake2b(f"{scope}:{key}".encode(), digest_size=8).digest(), "big", signed=True)
        for scope, key in keys.by_scope()
    )  # one order for every transaction, so two never wait on each other
    for lock in locks:
        session.execute(select(func.pg_advisory_xact_lock(lock)))


def begin_attempt(
    engine: Engine, keys: AttemptKeys, policy: LockPolicy, now: dt.datetime | None = None
) -> int | Lock:
    """Count an identity check about to be made: its attempt id, or the lock that refuses it.

    The attempt is stored as a failure straight away, then the failures stored
    before it are counted; a refused attempt is removed again.
    """
    now = now or _now()
    attempt = LookupAttempt(
        sender_key=keys.sender, client_key=keys.client, case_key=keys.case, succeeded=False, at=now
    )
    with Session(engine) as session:
        _serialise(session, keys)
        session.add(attempt)
        session.commit()  # seen by every look-up that counts from now on, on any replica
        attempt_id = attempt.id
        for scope, key in keys.by_scope():
            lock = _lock(scope, _failures(session, scope, key, policy, now, before_id=attempt_id), policy, now)
            if lock is not None:
                session.execute(delete(LookupAttempt).where(LookupAttempt.id == attempt_id))
                session.commit()
                return lock
    return attempt_id


def finish_attempt(
    engine: Engine,
    attempt_id: int,
    keys: AttemptKeys,
    policy: LockPolicy,
    succeeded: bool,
    now: dt.datetime | None = None,
) -> list[Lock]:
    """Record the check's outcome; a failure returns the locks it has just set (usually none).

    A success does not wipe the failures before it.
    """
    now = now or _now()
    with Session(engine) as session:
        if succeeded:
            session.execute(update(LookupAttempt).where(LookupAttempt.id == attempt_id).values(succeeded=True))
            session.commit()
            return []
        locks = []
        for scope, key in keys.by_scope():
            before = _failures(session, scope, key, policy, now, before_id=attempt_id)
            with_this_one = _failures(session, scope, key, policy, now, before_id=attempt_id + 1)
            lock = _lock(scope, with_this_one, policy, now)
            if lock is not None and _lock(scope, before, policy, now) is None:
                locks.append(lock)
        return locks


def locked_until(
    engine: Engine, keys: AttemptKeys, policy: LockPolicy, now: dt.datetime | None = None
) -> Lock | None:
    """The lock that would refuse a look-up under these keys now, without counting one."""
    now = now or _now()
    with Session(engine) as session:
        for scope, key in keys.by_scope():
            lock = _lock(scope, _failures(session, scope, key, policy, now), policy, now)
            if lock is not None:
                return lock
    return None
