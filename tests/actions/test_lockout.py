import datetime as dt

import pytest

from actions.lockout import LOCKOUT, MAX_FAILED_ATTEMPTS, locked_until, record_attempt
from store import get_engine, init_store

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def engine(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'store.db'}")
    init_store(engine, seed_demo_cases=False)
    return engine


def fail(engine, sender, times, start=T0):
    for i in range(times):
        record_attempt(engine, sender, succeeded=False, now=start + dt.timedelta(seconds=i))


def test_four_failures_do_not_lock(engine):
    fail(engine, "citizen", MAX_FAILED_ATTEMPTS - 1)
    assert locked_until(engine, "citizen", now=T0 + dt.timedelta(minutes=1)) is None


def test_fifth_failure_locks_for_fifteen_minutes(engine):
    fail(engine, "citizen", MAX_FAILED_ATTEMPTS)
    last_failure = T0 + dt.timedelta(seconds=MAX_FAILED_ATTEMPTS - 1)
    assert locked_until(engine, "citizen", now=T0 + dt.timedelta(minutes=1)) == last_failure + LOCKOUT
    assert locked_until(engine, "citizen", now=last_failure + LOCKOUT + dt.timedelta(seconds=1)) is None


def test_lock_is_per_sender(engine):
    fail(engine, "citizen", MAX_FAILED_ATTEMPTS)
    assert locked_until(engine, "someone-else", now=T0 + dt.timedelta(minutes=1)) is None


def test_old_failures_are_forgotten(engine):
    fail(engine, "citizen", 3, start=T0 - dt.timedelta(hours=1))
    fail(engine, "citizen", 2)
    assert locked_until(engine, "citizen", now=T0 + dt.timedelta(minutes=1)) is None
