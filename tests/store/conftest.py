"""A real PostgreSQL server from Debian's packages, started on loopback for the tests."""
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import free_port


def _run_as_postgres(*command: str) -> None:
    # initdb and the server refuse to run as root.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not binaries:
        pytest.skip("PostgreSQL is not installed (`make test` installs Debian's postgresql package)")
    bin_dir = binaries[-1]
    home = tempfile.mkdtemp(prefix="pg-tests-")
    os.chmod(home, 0o777)
    data = os.path.join(home, "data")
    port = free_port()
    _run_as_postgres(f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
    _run_as_postgres(
        f"{bin_dir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(home, "server.log"),
        "-o", f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off", "start",
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        _run_as_postgres(f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)
