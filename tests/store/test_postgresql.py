"""The store, the case look-up and the lock-out on a real PostgreSQL server."""
import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, text

from actions.cases import find_case, import_cases
from actions.handoff import open_ticket
from actions.lockout import AttemptKeys, Lock, LockPolicy, begin_attempt, finish_attempt, locked_until
from store import DEMO_CASES, get_engine, init_store


def test_cases_tickets_and_lockout_on_postgresql(postgresql_url):
    engine = get_engine(postgresql_url)
    init_store(engine)
    init_store(engine)  # a second process starting: migrations and seeding are no-ops
    with engine.connect() as connection:
        assert connection.scalar(text("select count(*) from cases")) == len(DEMO_CASES)
        assert connection.scalar(text("select version_num from alembic_version")) == "0004"

    number, national_id, status, _ = DEMO_CASES[0]
    assert find_case(engine, number, national_id).status == status
    assert find_case(engine, number, DEMO_CASES[1][1]) is None

    report = import_cases(engine, ["case_number,national_id,status,updated_at", "LAB-2026-000001,XY1234,lost,2026-01-01"])
    assert report.errors and find_case(engine, "LAB-2026-000001", "XY1234") is None

    policy = LockPolicy()
    now = dt.datetime.now(dt.timezone.utc)
    keys = AttemptKeys.of("pg-citizen", case_number="LAB-2099-000001")
    for i in range(policy.sender):
        at = now + dt.timedelta(seconds=i)
        finish_attempt(engine, begin_attempt(engine, keys, policy, now=at), keys, policy, succeeded=False, now=at)
    assert locked_until(engine, keys, policy, now=now + dt.timedelta(minutes=1)) is not None

    ticket = open_ticket(engine, "pg-citizen", "whatsapp", "fr", [{"role": "citizen", "text": "bonjour"}])
    assert ticket.reference.startswith("HT-")


def test_two_replicas_see_the_same_failures_and_parallel_guesses_get_no_extra_tries(postgresql_url):
    """Two action servers are two engines on one database; 20 guesses at once from 20
    conversations against one case number: only the case's limit of them is checked."""
    init_store(get_engine(postgresql_url))
    replicas = [create_engine(postgresql_url, pool_size=10), create_engine(postgresql_url, pool_size=10)]
    policy = LockPolicy()
    case_number = "LAB-2099-000777"

    def guess(n: int) -> bool:
        engine = replicas[n % 2]
        keys = AttemptKeys.of(f"pg-guesser-{n}", case_number=case_number)
        started = begin_attempt(engine, keys, policy)
        if isinstance(started, Lock):
            return False
        finish_attempt(engine, started, keys, policy, succeeded=False)
        return True

    with ThreadPoolExecutor(max_workers=20) as pool:
        checked = sum(pool.map(guess, range(20)))
    assert checked == policy.case
    for engine in replicas:
        lock = locked_until(engine, AttemptKeys.of("pg-someone-new", case_number=case_number), policy)
        assert lock is not None and lock.scope == "case"
        engine.dispose()


def test_the_conversation_log_and_its_purge_on_postgresql(postgresql_url):
    from api.conversations import Period, count_refused, purge, record_turn
    from api.schemas import BotMessage

    engine = get_engine(postgresql_url)
    init_store(engine)
    now = dt.datetime.now(dt.timezone.utc)
    for days, sender in ((120, "pg-old"), (1, "pg-new")):
        record_turn(engine, sender=sender, channel="web", language="fr", question="LAB-2025-000123 ?",
                    items=[], replies=[], pseudonym_key=None, at=now - dt.timedelta(days=days))
    ticket = open_ticket(engine, "pg-old", "web", "fr", [])
    long_ago = now - dt.timedelta(days=120)
    with engine.begin() as connection:
        connection.execute(text("update handoff_tickets set status = 'closed', created_at = :at, closed_at = :at "
                                "where reference = :ref"), {"at": long_ago, "ref": ticket.reference})
    everything = Period(start=now - dt.timedelta(days=365), end=now + dt.timedelta(days=1))
    before = count_refused(engine, everything)  # no reply at all is a refusal (no_reply)
    deleted = purge(engine, 90)
    assert deleted["conversation_turns"] >= 1 and deleted["handoff_tickets"] >= 1
    assert count_refused(engine, everything) == before - deleted["conversation_turns"]
    assert count_refused(engine, Period(start=now - dt.timedelta(days=2), end=now + dt.timedelta(days=1))) >= 1
