"""The SQLite store that the API and the action server share."""
from sqlalchemy import text

from store import get_engine, init_store


def test_sqlite_runs_in_write_ahead_log_mode_synced_at_checkpoints(tmp_path):
    """A turn's commit must not wait for disk syncs (half the API's time under the load bench
    in rollback-journal mode), and the action server's reads must not wait for the API's writes."""
    engine = get_engine(f"sqlite:///{tmp_path / 'store.db'}")
    init_store(engine)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL; FULL is 2
