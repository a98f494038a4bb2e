"""Rasa's endpoints written from the environment: embedded defaults, PostgreSQL and Redis."""
import stat

import pytest
import yaml

from bot.endpoints import EndpointError, endpoints_from, main


def test_with_no_services_rasa_keeps_conversations_and_locks_in_memory():
    nlg = {"type": "bot.nlg.LanguageTaggingGenerator"}
    assert endpoints_from({}) == {"action_endpoint": {"url": "http://127.0.0.1:5055/webhook"}, "nlg": nlg}
    assert endpoints_from({"ACTION_SERVER_URL": "http://actions:5055/", "TRACKER_STORE_URL": " "}) == {
        "action_endpoint": {"url": "http://actions:5055/webhook"}, "nlg": nlg,
    }


def test_production_urls_become_rasas_sql_tracker_store_and_redis_lock_store():
    endpoints = endpoints_from({
        "TRACKER_STORE_URL": "postgresql+psycopg2://rasa:s%40cret@db.internal:5433/conversations?sslmode=require",
        "LOCK_STORE_URL": "rediss://:pw@cache.internal:6380/2",
    })
    assert endpoints["tracker_store"] == {
        "type": "SQL", "dialect": "postgresql", "url": "db.internal", "db": "conversations",
        "port": 5433, "username": "rasa", "password": "s@cret", "query": {"sslmode": "require"},
    }
    assert endpoints["lock_store"] == {
        "type": "redis", "url": "cache.internal", "port": 6380, "db": 2, "password": "pw", "use_ssl": True,
    }
    assert endpoints_from({"LOCK_STORE_URL": "redis://localhost"})["lock_store"] == {
        "type": "redis", "url": "localhost", "port": 6379,
    }
    assert endpoints_from({"TRACKER_STORE_URL": "sqlite:////var/lib/rasa/conversations.db"})["tracker_store"] == {
        "type": "SQL", "dialect": "sqlite", "db": "/var/lib/rasa/conversations.db",
    }


def test_a_redis_url_keeps_conversations_in_redis_beside_the_locks():
    endpoints = endpoints_from({
        "TRACKER_STORE_URL": "rediss://:s%40cret@cache.internal:6380/1", "LOCK_STORE_URL": "redis://cache.internal/0",
    })
    assert endpoints["tracker_store"] == {
        "type": "bot.tracker_store.ConversationStore", "url": "cache.internal", "port": 6380, "db": 1,
        "password": "s@cret", "use_ssl": True,
    }
    assert endpoints["lock_store"] == {"type": "redis", "url": "cache.internal", "port": 6379, "db": 0}


@pytest.mark.parametrize("variable, url, names", [
    ("TRACKER_STORE_URL", "mysql://db/rasa", "unsupported scheme"),
    ("TRACKER_STORE_URL", "postgresql://db.internal", "needs a host and a database"),
    ("TRACKER_STORE_URL", "sqlite://", "needs a file path"),
    ("LOCK_STORE_URL", "memcached://cache", "redis://"),
    ("LOCK_STORE_URL", "redis://cache/locks", "must be a number"),
    ("TRACKER_STORE_URL", "redis://cache/conversations", "must be a number"),
    ("TRACKER_STORE_URL", "redis:///1", "redis://"),
])
def test_unusable_urls_are_refused_naming_the_variable(variable, url, names):
    with pytest.raises(EndpointError, match=names) as refused:
        endpoints_from({variable: url})
    assert str(refused.value).startswith(variable)


def test_the_cli_writes_a_private_file_rasa_can_read(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_STORE_URL", "postgresql://rasa:pw@127.0.0.1:5432/rasa")
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    target = tmp_path / "var" / "endpoints.yml"
    assert main([str(target)]) == 0
    assert yaml.safe_load(target.read_text())["tracker_store"]["password"] == "pw"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # it may hold passwords
    assert "tracker store: postgresql" in capsys.readouterr().err
    assert list(target.parent.iterdir()) == [target]  # no partial file left behind

    monkeypatch.setenv("LOCK_STORE_URL", "http://cache")
    assert main([str(target)]) == 2
    assert "LOCK_STORE_URL" in capsys.readouterr().err
    assert main([]) == 2


def test_rasa_builds_its_stores_from_the_written_file(tmp_path, monkeypatch):
    # Rasa's own loader and factories: a key it does not know would fail here, not in production.
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    target = tmp_path / "endpoints.yml"
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    monkeypatch.setenv("LOCK_STORE_URL", "redis://127.0.0.1:6399/3")
    assert main([str(target)]) == 0
    tracker_store = TrackerStore.create(read_endpoint_config(str(target), "tracker_store"))
    assert isinstance(tracker_store, SQLTrackerStore)
    assert (tmp_path / "conversations.db").is_file()
    lock_store = LockStore.create(read_endpoint_config(str(target), "lock_store"))
    assert isinstance(lock_store, RedisLockStore)  # redis-py connects lazily
    assert lock_store.red.connection_pool.connection_kwargs["db"] == 3


def test_rasa_builds_a_redis_tracker_store_from_the_written_file(tmp_path, monkeypatch):
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    from bot.tracker_store import ConversationStore

    target = tmp_path / "endpoints.yml"
    monkeypatch.setenv("TRACKER_STORE_URL", "redis://:pw@127.0.0.1:6399/1")
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    assert main([str(target)]) == 0
    tracker_store = TrackerStore.create(read_endpoint_config(str(target), "tracker_store"))
    assert isinstance(tracker_store, ConversationStore)  # redis-py connects lazily
    assert tracker_store.red.connection_pool.connection_kwargs["db"] == 1
    assert tracker_store.red.connection_pool.connection_kwargs["password"] == "pw"
