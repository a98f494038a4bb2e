"""Write Rasa's endpoints file from the environment, so one Procfile serves every profile.

    python -m bot.endpoints var/endpoints.yml

- ``ACTION_SERVER_URL`` (default ``http://127.0.0.1:5055``): the action server.
- The response generator is always ``bot.nlg.LanguageTaggingGenerator``.
- ``TRACKER_STORE_URL``: where conversations are kept. Unset: in Rasa's memory
  (fine for one server; lost when it stops). ``redis://[:password@]host:6379/0`` or
  ``postgresql://user:password@host:5432/rasa`` when several servers share them,
  ``sqlite:///path/rasa.db`` for a single machine. Redis costs a Rasa turn the least CPU
  (one read and one write of the conversation, :mod:`bot.tracker_store`;
  ``bench/load.py --tracker-store``), and
  PostgreSQL keeps every event as a row to query later.
- ``LOCK_STORE_URL``: conversation locks. Unset: in memory (one server only).
  ``redis://[:password@]host:6379/1`` when several Rasa servers share the trackers,
  so that two turns of one conversation are never handled at once.

Rasa's own ``${VAR}`` substitution cannot leave a store out when its variable is
unset, hence this small generator. The file may hold passwords: it is written
readable by its owner only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

DEFAULT_ACTION_SERVER_URL = "http://127.0.0.1:5055"
# The domain's responses carry their language (bot/nlg.py), so the API reads it from the reply.
NLG = {"type": "bot.nlg.LanguageTaggingGenerator"}
REDIS_SCHEMES = ("redis", "rediss")


class EndpointError(ValueError):
    """A store URL that Rasa cannot use; the message names the variable."""


def tracker_store(url: str) -> dict[str, Any]:
    """Rasa's tracker store settings for a Redis, PostgreSQL or SQLite URL."""
    parts = urlsplit(url)
    dialect = parts.scheme.split("+", 1)[0]
    if dialect in REDIS_SCHEMES:
        # Rasa's Redis store, saving a conversation it holds whole without reading it back
        return {**redis_store(url, "TRACKER_STORE_URL"), "type": "bot.tracker_store.ConversationStore"}
    if dialect == "sqlite":
        database = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not database:
            raise EndpointError("TRACKER_STORE_URL: sqlite:///path/to/rasa.db needs a file path")
        return {"type": "SQL", "dialect": "sqlite", "db": database}
    if dialect != "postgresql":
        raise EndpointError(
            f"TRACKER_STORE_URL: unsupported scheme {parts.scheme!r}; use redis://…, postgresql://… or sqlite:///…"
        )
    database = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not database:
        raise EndpointError("TRACKER_STORE_URL: postgresql://user:password@host:port/database needs a host and a database")
    store: dict[str, Any] = {"type": "SQL", "dialect": "postgresql", "url": parts.hostname, "db": database}
    if parts.port:
        store["port"] = parts.port
    if parts.username:
        store["username"] = unquote(parts.username)
    if parts.password:
        store["password"] = unquote(parts.password)
    if parts.query:
        store["query"] = dict(parse_qsl(parts.query))
    return store


def redis_store(url: str, variable: str) -> dict[str, Any]:
    """Rasa's Redis store settings (tracker or lock store) for a redis:// (or TLS rediss://) URL."""
    parts = urlsplit(url)
    if parts.scheme not in REDIS_SCHEMES or not parts.hostname:
        raise EndpointError(f"{variable}: use redis://[:password@]host:port/db")
    store: dict[str, Any] = {"type": "redis", "url": parts.hostname, "port": parts.port or 6379}
    number = parts.path.lstrip("/")
    if number:
        if not number.isdigit():
            raise EndpointError(f"{variable}: the database must be a number, not {number!r}")
        store["db"] = int(number)
    if parts.password:
        store["password"] = unquote(parts.password)
    if parts.scheme == "rediss":
        store["use_ssl"] = True
    return store


def endpoints_from(environ: dict[str, str]) -> dict[str, Any]:
    action_server = (environ.get("ACTION_SERVER_URL") or DEFAULT_ACTION_SERVER_URL).rstrip("/")
    endpoints: dict[str, Any] = {"action_endpoint": {"url": f"{action_server}/webhook"}, "nlg": dict(NLG)}
    if environ.get("TRACKER_STORE_URL", "").strip():
        endpoints["tracker_store"] = tracker_store(environ["TRACKER_STORE_URL"].strip())
    if environ.get("LOCK_STORE_URL", "").strip():
        endpoints["lock_store"] = redis_store(environ["LOCK_STORE_URL"].strip(), "LOCK_STORE_URL")
    return endpoints


def write_endpoints(path: Path, environ: dict[str, str]) -> dict[str, Any]:
    endpoints = endpoints_from(environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed, so a Rasa server starting beside us never reads half a file.
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        yaml.safe_dump(endpoints, handle, sort_keys=False)
    partial.replace(path)
    return endpoints


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bot.endpoints OUTPUT.yml", file=sys.stderr)
        return 2
    try:
        endpoints = write_endpoints(Path(argv[0]), dict(os.environ))
    except EndpointError as error:
        print(f"bot.endpoints: {error}", file=sys.stderr)
        return 2
    stores = [
        f"{name.replace('_', ' ')}: {endpoints[name].get('dialect', endpoints[name]['type'])}"
        for name in ("tracker_store", "lock_store")
        if name in endpoints
    ]
    print(f"bot.endpoints: wrote {argv[0]} ({', '.join(stores) or 'in-memory tracker and lock stores'})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
