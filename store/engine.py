"""Engines and schema set-up for the SQL store."""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from knowledge.settings import REPO_ROOT
from store.models import DEMO_CASES, Case

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# DATABASE_URL when unset, for the action server and the API alike: SQLite under var/.
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'cases.db'}"


@lru_cache
def get_engine(database_url: str) -> Engine:
    """One pooled engine per URL and process; SQLite's folder is created if needed."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(database_url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _write_ahead_log)
    return engine


def _write_ahead_log(connection, _record) -> None:
    """SQLite in write-ahead-log mode, synced at checkpoints rather than at every commit.

    The API writes a conversation turn per message while the action server reads cases: in
    the default rollback-journal mode every commit waits for several disk syncs, which was
    half of the API's time under the load bench, and a writer blocks the readers. A crash of
    a process loses nothing; a power cut may lose the last turns, never the file.
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision.

    The API and the action server may both start on a new database at once;
    the loser of that race sees the winner's tables on its second try.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    for attempt in range(3):
        try:
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            return
        except DBAPIError:
            if attempt == 2:
                raise
            logger.info("schema migration raced with another process; retrying")


def init_store(engine: Engine, seed_demo_cases: bool = True) -> None:
    """Migrate the schema and, on an empty store, insert the demo cases."""
    migrate(engine)
    if not seed_demo_cases:
        return
    with Session(engine) as session, session.begin():
        if session.scalar(select(Case.case_number).limit(1)) is None:
            session.add_all(
                Case(case_number=n, national_id=i, status=s, updated_at=d)
                for n, i, s, d in DEMO_CASES
            )
