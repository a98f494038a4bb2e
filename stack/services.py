"""Real PostgreSQL and Redis servers from Debian's packages, started on loopback (tests, benchmarks).

`make test-deps` installs the packages; a test that needs a server skips with the
reason when its package is missing (and fails under `make test`, which installs it).
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening_pid(port: int) -> int | None:
    """The process that listens on this TCP port of this machine (a server started here), or None."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if any(os.readlink(f"/proc/{entry}/fd/{fd}") in inodes for fd in os.listdir(f"/proc/{entry}/fd")):
                return int(entry)
        except OSError:
            continue  # gone, or not ours to read
    return None


class ServiceMissing(Exception):
    """The Debian package that provides a server is not installed."""


def _run_as_postgres(*command: str) -> None:
    # initdb and the server refuse to run as root.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


@contextmanager
def postgresql_server() -> Iterator[tuple[int, str]]:
    """A throw-away PostgreSQL cluster; yields (port, SQLAlchemy URL of database `postgres`)."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not binaries:
        raise ServiceMissing("PostgreSQL is not installed (`make test-deps` installs Debian's postgresql package)")
    bin_dir = binaries[-1]
    home = tempfile.mkdtemp(prefix="pg-tests-")
    os.chmod(home, 0o777)
    data = os.path.join(home, "data")
    port = free_port()
    _run_as_postgres(f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
    _run_as_postgres(
        f"{bin_dir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(home, "server.log"),
        "-o", f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start",
    )
    try:
        yield port, f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        _run_as_postgres(f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


def create_database(port: int, name: str) -> None:
    """A fresh database in a cluster started by `postgresql_server` (Rasa wants its own)."""
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


TRACKER_STORES = ("redis", "postgresql")


def production_environment(postgresql_port: int, redis_url: str, tracker_store: str = "redis", name: str = "") -> dict[str, str]:
    """The production profile's environment on servers from `postgresql_server` and `redis_server`:
    the ministry's store in PostgreSQL, Rasa's locks in Redis (database 1), its conversations in
    Redis (database 2) or PostgreSQL. Creates the databases it names; ``name`` tells apart two
    profiles on one cluster."""
    if tracker_store not in TRACKER_STORES:
        raise ValueError(f"tracker store {tracker_store!r}: use one of {', '.join(TRACKER_STORES)}")
    postgresql = f"postgresql://postgres@127.0.0.1:{postgresql_port}"
    redis = redis_url.rsplit("/", 1)[0]
    create_database(postgresql_port, f"ministry{name}")
    environment = {
        "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{postgresql_port}/ministry{name}",
        "LOCK_STORE_URL": f"{redis}/1",
        "TRACKER_STORE_URL": f"{redis}/2",
    }
    if tracker_store == "postgresql":
        create_database(postgresql_port, f"rasa_conversations{name}")
        environment["TRACKER_STORE_URL"] = f"{postgresql}/rasa_conversations{name}"
    return environment


@contextmanager
def redis_server() -> Iterator[tuple[int, str]]:
    """A throw-away Redis with no persistence; yields (port, redis:// URL)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServiceMissing("Redis is not installed (`make test-deps` installs Debian's redis-server package)")
    home = tempfile.mkdtemp(prefix="redis-tests-")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", home],
        stdout=open(os.path.join(home, "server.log"), "ab"), stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start; see {home}/server.log")
            time.sleep(0.1)
        yield port, f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)
