"""The loopback servers' processes can be found by their port (the load bench counts their memory)."""
import os
import socket

from stack.services import free_port, listening_pid


def test_the_process_listening_on_a_port_is_found_and_a_closed_port_has_none():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert listening_pid(server.getsockname()[1]) == os.getpid()
    assert listening_pid(free_port()) is None


def test_postgresql_and_redis_are_found_by_their_ports(postgresql, redis_url):
    port, _ = postgresql
    postmaster = listening_pid(port)
    assert postmaster and open(f"/proc/{postmaster}/comm").read().strip() == "postgres"
    redis = listening_pid(int(redis_url.rsplit(":", 1)[1].split("/")[0]))
    assert redis and open(f"/proc/{redis}/comm").read().strip() == "redis-server"


def test_the_production_environment_names_databases_that_exist(postgresql, redis_url):
    import psycopg
    import pytest

    from stack.services import production_environment

    port, _ = postgresql
    in_redis = production_environment(port, redis_url, "redis", name="_env_redis")
    in_postgresql = production_environment(port, redis_url, "postgresql", name="_env_pg")
    base = redis_url.rsplit("/", 1)[0]
    assert in_redis["TRACKER_STORE_URL"] == f"{base}/2" and in_redis["LOCK_STORE_URL"] == f"{base}/1"
    assert in_postgresql["TRACKER_STORE_URL"].endswith("/rasa_conversations_env_pg")
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres") as connection:
        names = {row[0] for row in connection.execute("SELECT datname FROM pg_database")}
    assert {"ministry_env_redis", "ministry_env_pg", "rasa_conversations_env_pg"} <= names
    assert "rasa_conversations_env_redis" not in names  # conversations in Redis need no database
    with pytest.raises(ValueError, match="tracker store 'mongo'"):
        production_environment(port, redis_url, "mongo")
