"""The Alembic migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from store import DEMO_CASES, Base, Case, get_engine, init_store


def test_migrations_match_the_models(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'store.db'}")
    init_store(engine, seed_demo_cases=False)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == [], "a model changed without a migration: run alembic revision --autogenerate"


def test_a_second_start_is_a_no_op_and_seeds_once(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'store.db'}")
    init_store(engine)
    init_store(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"cases", "handoff_tickets", "whatsapp_inbox", "alembic_version"} <= tables
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == len(DEMO_CASES)
