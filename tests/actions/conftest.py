import pytest

from actions.settings import get_settings, open_store


@pytest.fixture
def store_in_tmp(tmp_path, monkeypatch):
    """The action server's store, configured through DATABASE_URL, in a fresh SQLite file."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    get_settings.cache_clear()
    open_store.cache_clear()
    yield
    get_settings.cache_clear()
    open_store.cache_clear()
