"""Start the real assistant (Rasa server, action server, API) for end-to-end tests.

Nothing is mocked: the index is built from ``../shared/corpus`` with the real
CLI, Rasa loads ``models/current.tar.gz``, and every process is started from the
Procfile's own commands (`stack`) on its own free loopback port, so a running
``make run`` is left alone.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from stack.processes import Stack, StackFailed
from stack.services import production_environment


def running(stack: Stack) -> Iterator[Stack]:
    """Start the stack, hand it to the tests, and stop it whatever happens."""
    try:
        stack.start()
        stack.wait_until_healthy()
        yield stack
    except StackFailed as failure:
        pytest.fail(str(failure))
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, e2e_index) -> Iterator[Stack]:
    """The embedded profile, as `make run` starts it: two Rasa servers, each conversation kept in
    the memory of the one the API sends it to, the store in SQLite."""
    workdir = tmp_path_factory.mktemp("assistant")
    env = {**e2e_index, "DATABASE_URL": f"sqlite:///{workdir / 'cases.db'}"}
    for name in ("TRACKER_STORE_URL", "LOCK_STORE_URL"):
        env.pop(name, None)
    yield from running(Stack.from_procfile(workdir, env, rasa_servers=2))


@pytest.fixture(scope="module", params=["redis", "postgresql"])
def replicas(request, tmp_path_factory, e2e_index, postgresql, redis_url) -> Iterator[Stack]:
    """The production profile: two Rasa servers sharing conversations (in Redis, the default,
    or in PostgreSQL) and locks in Redis, the ministry's store in PostgreSQL, all configured
    by environment."""
    port, _ = postgresql
    workdir = tmp_path_factory.mktemp(f"replicas-{request.param}")
    env = {**e2e_index, **production_environment(port, redis_url, request.param, name=f"_{request.param}")}
    yield from running(Stack.from_procfile(workdir, env, rasa_servers=2))
