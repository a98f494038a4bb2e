"""The store, the case look-up and the lock-out on a real PostgreSQL server."""
import datetime as dt

from sqlalchemy import text

from actions.cases import find_case, import_cases
from actions.handoff import open_ticket
from actions.lockout import MAX_FAILED_ATTEMPTS, locked_until, record_attempt
from store import DEMO_CASES, get_engine, init_store


def test_cases_tickets_and_lockout_on_postgresql(postgresql_url):
    engine = get_engine(postgresql_url)
    init_store(engine)
    init_store(engine)  # a second process starting: migrations and seeding are no-ops
    with engine.connect() as connection:
        assert connection.scalar(text("select count(*) from cases")) == len(DEMO_CASES)
        assert connection.scalar(text("select version_num from alembic_version")) == "0001"

    number, national_id, status, _ = DEMO_CASES[0]
    assert find_case(engine, number, national_id).status == status
    assert find_case(engine, number, DEMO_CASES[1][1]) is None

    report = import_cases(engine, ["case_number,national_id,status,updated_at", "LAB-2026-000001,XY1234,lost,2026-01-01"])
    assert report.errors and find_case(engine, "LAB-2026-000001", "XY1234") is None

    now = dt.datetime.now(dt.timezone.utc)
    for i in range(MAX_FAILED_ATTEMPTS):
        record_attempt(engine, "pg-citizen", succeeded=False, now=now + dt.timedelta(seconds=i))
    assert locked_until(engine, "pg-citizen", now=now + dt.timedelta(minutes=1)) is not None

    ticket = open_ticket(engine, "pg-citizen", "whatsapp", "fr", [{"role": "citizen", "text": "bonjour"}])
    assert ticket.reference.startswith("HT-")
