"""The look-up locks (per sender, per client address, per case number) on a real SQLite store."""
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from actions.lockout import AttemptKeys, Lock, LockPolicy, begin_attempt, finish_attempt, locked_until
from actions.settings import ActionSettings
from actions.case_status import lock_policy
from observability.pseudonyms import client_pseudonym
from store import LookupAttempt, get_engine, init_store

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
POLICY = LockPolicy()  # 5 per case, 5 per sender, 10 per client, in 15 minutes
CASE = "LAB-2025-000123"


@pytest.fixture
def engine(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'store.db'}")
    init_store(engine, seed_demo_cases=False)
    return engine


def keys(sender="citizen", client=None, case=CASE):
    return AttemptKeys.of(sender, client, case)


def attempt(engine, attempt_keys, at, succeeded=False, policy=POLICY):
    """One look-up: the lock that refused it, or the locks its outcome set."""
    started = begin_attempt(engine, attempt_keys, policy, now=at)
    if isinstance(started, Lock):
        return started
    return finish_attempt(engine, started, attempt_keys, policy, succeeded=succeeded, now=at)


def fail(engine, times, start=T0, **key_parts):
    """`times` failures, each from a new sender unless one is given."""
    results = []
    for i in range(times):
        parts = {"sender": f"guesser-{start.timestamp()}-{i}", **key_parts}
        results.append(attempt(engine, keys(**parts), start + dt.timedelta(seconds=i)))
    return results


# --- per sender (as before the case lock) ---

def test_four_failures_do_not_lock(engine):
    fail(engine, POLICY.sender - 1, sender="citizen", case=None)
    assert locked_until(engine, keys(case=None), POLICY, now=T0 + dt.timedelta(minutes=1)) is None


def test_fifth_failure_locks_the_sender_for_fifteen_minutes(engine):
    results = fail(engine, POLICY.sender, sender="citizen", case=None)
    last_failure = T0 + dt.timedelta(seconds=POLICY.sender - 1)
    assert results[:-1] == [[]] * (POLICY.sender - 1)
    assert results[-1] == [Lock("sender", last_failure + POLICY.window)], "the fifth failure sets the lock"
    refused = attempt(engine, keys(case=None), T0 + dt.timedelta(minutes=1), succeeded=True)
    assert refused == Lock("sender", last_failure + POLICY.window)
    assert locked_until(engine, keys(case=None), POLICY, now=last_failure + POLICY.window + dt.timedelta(seconds=1)) is None


def test_lock_is_per_sender(engine):
    fail(engine, POLICY.sender, sender="citizen", case=None)
    assert locked_until(engine, keys("someone-else", case=None), POLICY, now=T0 + dt.timedelta(minutes=1)) is None


def test_old_failures_are_forgotten(engine):
    fail(engine, 3, start=T0 - dt.timedelta(hours=1), sender="citizen", case=None)
    fail(engine, 2, sender="citizen", case=None)
    assert locked_until(engine, keys(case=None), POLICY, now=T0 + dt.timedelta(minutes=1)) is None


# --- per case number ---

def test_five_failures_from_five_senders_lock_the_case_for_everyone(engine):
    results = fail(engine, POLICY.case)
    last_failure = T0 + dt.timedelta(seconds=POLICY.case - 1)
    assert results[-1] == [Lock("case", last_failure + POLICY.window)]
    # A sixth sender from another address, with the right CIN: refused, and not counted.
    later = T0 + dt.timedelta(minutes=5)
    assert attempt(engine, keys("holder", client_pseudonym("ip", "10.0.0.9")), later, succeeded=True) == Lock(
        "case", last_failure + POLICY.window
    )
    # Other case numbers are not affected.
    assert attempt(engine, keys("holder", case="LAB-2025-000200"), later, succeeded=True) == []


def test_the_case_lock_ends_one_window_after_the_failure_that_set_it(engine):
    fail(engine, POLICY.case)
    last_failure = T0 + dt.timedelta(seconds=POLICY.case - 1)
    just_before = last_failure + POLICY.window - dt.timedelta(seconds=1)
    assert isinstance(attempt(engine, keys("holder"), just_before, succeeded=True), Lock)
    just_after = last_failure + POLICY.window + dt.timedelta(seconds=1)
    assert attempt(engine, keys("holder"), just_after, succeeded=True) == []


def test_a_lock_lasts_a_full_window_however_spread_the_failures_were(engine):
    minutes = [0, 1, 2, 3, 14]
    for n, minute in enumerate(minutes):
        attempt(engine, keys(f"spread-{n}"), T0 + dt.timedelta(minutes=minute))
    set_at = T0 + dt.timedelta(minutes=14)
    # At 16 minutes the first failure has left the window; the lock set at 14 holds until 29.
    assert attempt(engine, keys("holder"), T0 + dt.timedelta(minutes=16), succeeded=True) == Lock(
        "case", set_at + POLICY.window
    )
    assert attempt(engine, keys("holder"), set_at + POLICY.window + dt.timedelta(seconds=1), succeeded=True) == []


def test_refused_look_ups_do_not_prolong_the_lock(engine):
    fail(engine, POLICY.case)
    last_failure = T0 + dt.timedelta(seconds=POLICY.case - 1)
    for minute in range(1, 15):
        assert isinstance(attempt(engine, keys(f"late-{minute}"), T0 + dt.timedelta(minutes=minute)), Lock)
    assert attempt(engine, keys("holder"), last_failure + POLICY.window + dt.timedelta(seconds=1), succeeded=True) == []


def test_an_unknown_case_number_is_locked_exactly_like_a_known_one(engine):
    """The lock logic never looks at whether a case exists: only at the number's failures."""
    for number in (CASE, "LAB-2099-999999"):
        results = fail(engine, POLICY.case + 1, case=number)
        assert [r if isinstance(r, Lock) else bool(r) for r in results] == [False] * 4 + [True] + [
            Lock("case", T0 + dt.timedelta(seconds=POLICY.case - 1) + POLICY.window)
        ]


def test_a_success_does_not_wipe_the_failures_before_it(engine):
    fail(engine, POLICY.case - 1)
    assert attempt(engine, keys("holder"), T0 + dt.timedelta(minutes=1), succeeded=True) == []
    assert attempt(engine, keys("guesser-again"), T0 + dt.timedelta(minutes=2)) == [
        Lock("case", T0 + dt.timedelta(minutes=2) + POLICY.window)
    ]


def test_the_case_limit_and_window_come_from_the_settings(engine, monkeypatch):
    monkeypatch.setenv("LOOKUP_CASE_MAX_FAILURES", "2")
    monkeypatch.setenv("LOOKUP_WINDOW_S", "60")
    policy = lock_policy(ActionSettings())
    assert (policy.case, policy.window, policy.sender, policy.client) == (2, dt.timedelta(seconds=60), 5, 10)
    for i in range(2):
        attempt(engine, keys(f"s{i}"), T0 + dt.timedelta(seconds=i), policy=policy)
    assert isinstance(attempt(engine, keys("s2"), T0 + dt.timedelta(seconds=30), policy=policy), Lock)
    assert attempt(engine, keys("s3"), T0 + dt.timedelta(seconds=62), policy=policy, succeeded=True) == []


# --- per client address ---

def test_one_address_walking_through_case_numbers_is_locked(engine):
    """Ten failures from one address, each on a new case number from a new conversation."""
    address = client_pseudonym("ip", "203.0.113.7")
    results = [
        attempt(engine, keys(f"walker-{i}", address, f"LAB-2025-{i:06d}"), T0 + dt.timedelta(seconds=i))
        for i in range(POLICY.client)
    ]
    assert results[-1] == [Lock("client", T0 + dt.timedelta(seconds=POLICY.client - 1) + POLICY.window)]
    fresh = keys("walker-new", address, "LAB-2025-999999")
    assert attempt(engine, fresh, T0 + dt.timedelta(minutes=1), succeeded=True) == Lock(
        "client", T0 + dt.timedelta(seconds=POLICY.client - 1) + POLICY.window
    )
    # Another address is not affected.
    assert attempt(engine, keys("x", client_pseudonym("ip", "203.0.113.8"), "LAB-2025-999999"), T0, True) == []


def test_a_client_that_is_not_a_pseudonym_is_not_trusted():
    assert AttemptKeys.of("s", client="203.0.113.7").client is None
    assert AttemptKeys.of("s", client={"x": 1}).client is None


# --- the store, and replicas ---

def test_the_store_holds_only_keyed_hashes(engine):
    address = client_pseudonym("ip", "203.0.113.7")
    attempt(engine, keys("wa:212600000001", address, CASE), T0)
    with Session(engine) as session:
        row = session.scalars(select(LookupAttempt)).one()
    stored = f"{row.sender_key} {row.client_key} {row.case_key}"
    for clear in ("212600000001", "203.0.113.7", CASE, "000123"):
        assert clear not in stored
    assert len(row.sender_key) == len(row.client_key) == len(row.case_key) == 64
    # Another key gives other hashes: without it, a case number cannot be hashed and compared.
    assert AttemptKeys.of("wa:212600000001", case_number=CASE, key="other-secret").case != row.case_key


def test_two_replicas_on_one_store_add_up_their_failures(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    init_store(get_engine(url), seed_demo_cases=False)
    replicas = [create_engine(url), create_engine(url)]
    for i in range(POLICY.case):
        attempt(replicas[i % 2], keys(f"r{i}"), T0 + dt.timedelta(seconds=i))
    for engine in replicas:
        assert locked_until(engine, keys("someone"), POLICY, now=T0 + dt.timedelta(minutes=1)).scope == "case"
        engine.dispose()


def test_parallel_guesses_get_no_more_tries_than_sequential_ones(engine):
    """Twenty look-ups at once, from twenty conversations: only the case's limit of them is checked."""
    barrier = threading.Barrier(20)

    def guess(n: int) -> bool:
        guess_keys = keys(f"parallel-{n}")
        barrier.wait()
        started = begin_attempt(engine, guess_keys, POLICY, now=T0)
        if isinstance(started, Lock):
            return False
        finish_attempt(engine, started, guess_keys, POLICY, succeeded=False, now=T0)
        return True

    with ThreadPoolExecutor(max_workers=20) as pool:
        checked = sum(pool.map(guess, range(20)))
    assert checked == POLICY.case
