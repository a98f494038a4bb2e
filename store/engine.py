"""Engines and schema set-up for the SQL store."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from store.models import DEMO_CASES, Base, Case


@lru_cache
def get_engine(database_url: str) -> Engine:
    """One pooled engine per URL and process; SQLite's folder is created if needed."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(database_url, pool_pre_ping=True)


def init_store(engine: Engine, seed_demo_cases: bool = True) -> None:
    """Create the tables and, on an empty store, insert the demo cases."""
    Base.metadata.create_all(engine)
    if not seed_demo_cases:
        return
    with Session(engine) as session, session.begin():
        if session.scalar(select(Case.case_number).limit(1)) is None:
            session.add_all(
                Case(case_number=n, national_id=i, status=s, updated_at=d)
                for n, i, s, d in DEMO_CASES
            )
