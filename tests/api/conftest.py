"""Stand-ins for the assistant's HTTP neighbours, and an app wired to them.

The stand-ins are real HTTP servers on loopback ports answering canned JSON in
Rasa's and rasa-sdk's wire format; they check the API's side of that format only.
"""
from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.main import create_app
from api.settings import Settings
from store import get_engine, init_store

Reply = tuple[int, Any]  # (status, JSON body); a str body is sent as-is


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    body: Any


@dataclass
class StandInServer:
    """An HTTP server that answers (method, path) with canned replies and records requests."""

    routes: dict[tuple[str, str], Reply | Callable[[Recorded], Reply]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""

    def on(self, method: str, path: str, status: int, body: Any) -> None:
        self.routes[(method, path)] = (status, body)

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]


def _serve(server_state: StandInServer) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            # Rasa (Sanic) routes on the decoded path, as this does.
            recorded = Recorded(method, unquote(parts.path), parts.query, json.loads(raw) if raw else None)
            server_state.requests.append(recorded)
            reply = server_state.routes.get((method, parts.path), (404, {"status": "failure"}))
            status, body = reply(recorded) if callable(reply) else reply
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the API gave up waiting, as the timeout tests intend

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return httpd, thread


@pytest.fixture
def stand_in_factory() -> Iterator[Callable[[], StandInServer]]:
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def make() -> StandInServer:
        state = StandInServer()
        servers.append(_serve(state))
        return state

    yield make
    for httpd, thread in servers:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def rasa(stand_in_factory) -> StandInServer:
    """A stand-in Rasa 3.6 server with a loaded model and the language slot at 'ar'."""
    server = stand_in_factory()
    server.on("GET", "/status", 200, {
        "model_file": "20250101-120000-labour.tar.gz",
        "model_id": "0a1b2c3d4e5f",
        "num_active_training_jobs": 0,
    })
    server.on("POST", "/webhooks/rest/webhook", 200, [])
    return server


@pytest.fixture
def actions(stand_in_factory) -> StandInServer:
    """A stand-in rasa-sdk action server that is up."""
    server = stand_in_factory()
    server.on("GET", "/health", 200, {"status": "ok"})
    return server


def closed_port_url() -> str:
    """A loopback URL nothing listens on: bind a free port, then let it go."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def write_manifest(index_dir: Path, documents: int) -> None:
    """A built index as the knowledge package leaves it: manifest plus document store.

    The store is an empty stand-in; read_manifest only checks that it exists.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    (index_dir / "document_store.json").write_text("{}")
    (index_dir / "manifest.json").write_text(json.dumps({
        "documents": documents,
        "sources": ["knowledge/corpus"],
        "built_at": "2025-01-01T12:00:00+00:00",
        "fingerprint": "0123456789abcdef",
    }))


@pytest.fixture
def database_url(tmp_path) -> str:
    """The store of one test: the SQLite file that make_settings points the app at."""
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def engine(database_url):
    """That store, migrated, without the demo cases."""
    engine = get_engine(database_url)
    init_store(engine, seed_demo_cases=False)
    return engine


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "rasa_url": closed_port_url(),
        "action_server_url": closed_port_url(),
        "index_dir": tmp_path / "index",
        # Chat turns are kept in the conversation log: never in the checkout's var/cases.db.
        "database_url": f"sqlite:///{tmp_path / 'store.db'}",
        "max_message_chars": 4000,
        "rasa_timeout_s": 5.0,
        "health_timeout_s": 2.0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def client_for(tmp_path) -> Iterator[Callable[..., TestClient]]:
    """Build a TestClient (lifespan running) for an app with the given settings overrides."""
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        client = TestClient(create_app(make_settings(tmp_path, **overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def metric(client: TestClient | httpx.Client, name: str, **labels: str) -> float:
    """One sample of the API's `GET /metrics` (0 when that series has not been counted yet):
    ``client`` is the app's test client, or an ``httpx.Client`` on a running stack's API."""
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0
