"""Start the real assistant (Rasa server, action server, API) for end-to-end tests.

Nothing is mocked: the index is built from ``../shared/corpus`` with the real
CLI, Rasa loads ``models/current.tar.gz``, and every process gets its own free
loopback port so a running ``make run`` is left alone.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO_ROOT

MODEL = REPO_ROOT / "models" / "current.tar.gz"
PROCFILE = REPO_ROOT / "Procfile"
APP_PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
RASA = REPO_ROOT / ".venv-rasa" / "bin" / "rasa"
STARTUP_TIMEOUT_S = 240
E2E_AGENT_KEY = "e2e-agent-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require(condition: bool, reason: str) -> None:
    """Skip when a prerequisite is missing, but fail under `make test`, which builds it."""
    if condition:
        return
    if os.environ.get("E2E_REQUIRED"):
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self) -> None:
        """Start (or start again); the log is appended to, so earlier lines stay readable."""
        self.popen = subprocess.Popen(
            self.command, cwd=REPO_ROOT, env=self.env, stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return f"--- {self.name} ({self.log}) ---\n" + "\n".join(text[-lines:])

    def stop(self, sig_kill: bool = False) -> None:
        """Signal the whole process group: Sanic (Rasa, rasa-sdk) serves from worker children."""
        if self.popen.poll() is None:
            self._signal_group(signal.SIGKILL if sig_kill else signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.popen.wait()
        self._signal_group(signal.SIGKILL)  # orphaned workers, if any

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass


@dataclass
class Assistant:
    api_url: str
    processes: dict[str, Process]

    def logs(self) -> str:
        return "\n".join(p.tail() for p in self.processes.values())

    def restart(self, name: str) -> None:
        """Bring a stopped or killed process back and wait until the stack is healthy again."""
        self.processes[name].stop()
        self.processes[name].start()
        wait_until_healthy(self)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, shared_corpus) -> Assistant:
    require(MODEL.is_file(), f"no trained model at {MODEL}: run `make model` (make test does)")
    require(APP_PYTHON.is_file() and RASA.is_file(), "the virtual environments are missing: run `make setup`")
    workdir = tmp_path_factory.mktemp("assistant")
    ports = {"rasa": free_port(), "actions": free_port(), "api": free_port()}
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "KNOWLEDGE_SOURCES": str(shared_corpus),
        "INDEX_DIR": str(workdir / "index"),
        "DATABASE_URL": f"sqlite:///{workdir / 'cases.db'}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['actions']}",
        "RASA_URL": f"http://127.0.0.1:{ports['rasa']}",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        # The agent console is closed without a key; tests/e2e/test_agent_assist.py uses this one.
        "ASSIST_API_KEY": E2E_AGENT_KEY,
        # Every test talks from 127.0.0.1: one address, many citizens.
        "RATE_LIMIT_PER_IP_PER_MINUTE": "100000",
    }
    build = subprocess.run(
        [str(APP_PYTHON), "-m", "knowledge", "build"], cwd=REPO_ROOT, env=env,
        capture_output=True, text=True, timeout=1200,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]

    # The very commands `make run` starts, from the Procfile, on this test's ports.
    env.update(RASA_PORT=str(ports["rasa"]), ACTIONS_PORT=str(ports["actions"]), API_PORT=str(ports["api"]))
    commands = {
        name: ["/bin/sh", "-c", command]
        for name, command in (line.split(": ", 1) for line in PROCFILE.read_text().splitlines() if line.strip())
    }
    processes = {name: Process(name, command, env, workdir / f"{name}.log") for name, command in commands.items()}
    for process in processes.values():
        process.start()
    stack = Assistant(f"http://127.0.0.1:{ports['api']}", processes)
    try:
        wait_until_healthy(stack)
        yield stack
    finally:
        for process in processes.values():
            process.stop()


def wait_until_healthy(stack: Assistant) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last = None
    while time.monotonic() < deadline:
        for process in stack.processes.values():
            if process.popen.poll() is not None:
                pytest.fail(f"{process.name} exited with {process.popen.returncode}\n{stack.logs()}")
        try:
            last = httpx.get(f"{stack.api_url}/health", timeout=5)
            if last.status_code == 200:
                return
        except httpx.HTTPError as error:
            last = error
        time.sleep(2)
    pytest.fail(f"the assistant was not healthy after {STARTUP_TIMEOUT_S}s: {last!r}\n{stack.logs()}")
