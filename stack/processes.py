"""Start the whole assistant from the Procfile's own commands, on free loopback ports.

The end-to-end tests and `make bench-load` use this, so they run exactly what
`make run` runs. With ``rasa_servers=2`` (what `make run` starts) the Procfile's
``rasa`` line is started twice on two ports and the API is given both
(``RASA_URLS``), keeping each conversation on one of them. They share the tracker
and lock stores named in the environment (``TRACKER_STORE_URL``, ``LOCK_STORE_URL``);
without them, each keeps its own conversations in memory.

    stack = Stack.from_procfile(workdir, env, rasa_servers=2)
    stack.start()
    stack.wait_until_healthy()
    ...
    stack.stop()
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from honcho.environ import parse_procfile

from knowledge.settings import REPO_ROOT
from stack.services import free_port

PROCFILE = REPO_ROOT / "Procfile"
STARTUP_TIMEOUT_S = 300


class StackFailed(RuntimeError):
    """A process exited, or the stack was not healthy in time; the message holds the logs."""


def procfile_commands(procfile: Path = PROCFILE) -> dict[str, str]:
    """Each process's command, read by honcho's own parser (what `make run` starts)."""
    return dict(parse_procfile(procfile.read_text()).processes)


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

    def wait_for(self, url: str, timeout_s: float = STARTUP_TIMEOUT_S) -> None:
        """Until `url` answers 200; StackFailed if this process exits or time runs out."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.running:
                raise StackFailed(f"{self.name} exited with {self.popen.returncode}\n{self.tail()}")
            try:
                if httpx.get(url, timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise StackFailed(f"{self.name} did not answer {url} within {timeout_s:g}s\n{self.tail()}")

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return f"--- {self.name} ({self.log}) ---\n" + "\n".join(text[-lines:])

    def stop(self, sig_kill: bool = False) -> None:
        """Signal the whole process group: Sanic (Rasa, rasa-sdk) serves from worker children."""
        if self.popen is None:
            return
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
class Stack:
    api_url: str
    rasa_urls: list[str]
    processes: dict[str, Process] = field(default_factory=dict)

    @classmethod
    def from_procfile(cls, workdir: Path, env: dict[str, str], rasa_servers: int = 1) -> Stack:
        """Processes `rasa` (or `rasa-1`, `rasa-2`, …), `actions` and `api`, each on a free port."""
        commands = procfile_commands()
        rasa_names = ["rasa"] if rasa_servers == 1 else [f"rasa-{n}" for n in range(1, rasa_servers + 1)]
        ports = {name: free_port() for name in [*rasa_names, "actions", "api"]}
        rasa_urls = [f"http://127.0.0.1:{ports[name]}" for name in rasa_names]
        shared = {
            **env,
            "PYTHONPATH": str(REPO_ROOT),
            "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['actions']}",
            "ACTIONS_PORT": str(ports["actions"]),
            "API_PORT": str(ports["api"]),
            "RASA_URLS": ",".join(rasa_urls),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            # each Rasa server's endpoints file beside the logs, not one more file in var/ per run
            "ENDPOINTS_DIR": str(workdir),
            "RASA_TELEMETRY_ENABLED": "false",
        }
        shared.pop("RASA_URL", None)
        stack = cls(api_url=f"http://127.0.0.1:{ports['api']}", rasa_urls=rasa_urls)
        for name in [*rasa_names, "actions", "api"]:
            command = commands["rasa" if name.startswith("rasa") else name]
            process_env = {**shared, "RASA_PORT": str(ports[name])} if name.startswith("rasa") else shared
            stack.processes[name] = Process(name, ["/bin/sh", "-c", command], process_env, workdir / f"{name}.log")
        return stack

    def start(self) -> None:
        """The action server first, then the rest.

        Sanic gives the action server's worker 30 s to come up (a constant in Sanic),
        which a machine busy loading several Rasa models at once may not leave it.
        """
        actions = self.processes["actions"]
        actions.start()
        actions.wait_for(f"{actions.env['ACTION_SERVER_URL']}/health")
        for name, process in self.processes.items():
            if name != "actions":
                process.start()

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()

    def logs(self) -> str:
        return "\n".join(p.tail() for p in self.processes.values())

    def restart(self, name: str) -> None:
        """Bring a stopped or killed process back and wait until the stack is healthy again."""
        self.processes[name].stop()
        self.processes[name].start()
        self.wait_until_healthy()

    def wait_until_healthy(self, timeout_s: float = STARTUP_TIMEOUT_S) -> None:
        """Until the API's /health is 200 and every running Rasa server has its model loaded."""
        deadline = time.monotonic() + timeout_s
        last: object = None
        while time.monotonic() < deadline:
            for process in self.processes.values():
                if process.popen is not None and process.popen.poll() is not None:
                    raise StackFailed(f"{process.name} exited with {process.popen.returncode}\n{self.logs()}")
            try:
                last = httpx.get(f"{self.api_url}/health", timeout=5)
                if last.status_code == 200 and all(self._model_loaded(url) for url in self.rasa_urls):
                    return
            except httpx.HTTPError as error:
                last = error
            time.sleep(1)
        raise StackFailed(f"the assistant was not healthy after {timeout_s:g}s: {last!r}\n{self.logs()}")

    @staticmethod
    def _model_loaded(rasa_url: str) -> bool:
        response = httpx.get(f"{rasa_url}/status", timeout=5)
        return response.status_code == 200 and bool(response.json().get("model_file"))
