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
