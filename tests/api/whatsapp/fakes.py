"""A fake Graph API on loopback, and webhook bodies in Meta's documented format, signed as Meta signs them.

Test modules take the fake through a fixture: ``graph = pytest.fixture(fake_graph)``.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PHONE_NUMBER_ID = "106540352242922"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "EAAG-test-access-token"
GRAPH_VERSION = "v21.0"
MESSAGES_PATH = f"/{GRAPH_VERSION}/{PHONE_NUMBER_ID}/messages"


def whatsapp_env(graph_url: str) -> dict[str, str]:
    """The API's WhatsApp settings for a stack that talks to the fake Graph server at ``graph_url``."""
    return {
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_GRAPH_URL": graph_url,
        "WHATSAPP_GRAPH_VERSION": GRAPH_VERSION,
    }


@dataclass
class GraphRequest:
    path: str
    headers: dict[str, str]
    body: Any
    at: float


@dataclass
class FakeMedia:
    """A file a citizen sent, as the Graph API keeps it."""

    content: bytes
    mime_type: str
    info_status: int = 200  # answer to GET /{version}/{media-id} (404: unknown id)
    download_status: int = 200  # answer to GET of its URL (404: the URL expired)
    declared_size: int | None = None  # file_size in the media info; None: len(content)
    send_length: bool = True  # whether the download carries Content-Length


@dataclass
class FakeGraph:
    """Records what is posted to it; answers the scripted replies first, then 200."""

    url: str = ""
    requests: list[GraphRequest] = field(default_factory=list)
    # (status, JSON body, headers), consumed in order.
    script: list[tuple[int, Any, dict[str, str]]] = field(default_factory=list)
    # Answer every request with this once the script is used up (None: success).
    always: tuple[int, Any, dict[str, str]] | None = None
    # Media by id, answered on GET /{version}/{media-id} and at the URL that gives.
    media: dict[str, FakeMedia] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            if self.script:
                return self.script.pop(0)
            if self.always:
                return self.always
            return 200, {
                "messaging_product": "whatsapp",
                "contacts": [{"input": "x", "wa_id": "x"}],
                "messages": [{"id": f"wamid.out.{next(self._ids)}"}],
            }, {}

    def media_requests(self) -> list[GraphRequest]:
        return [r for r in self.requests if r.path != MESSAGES_PATH]

    def sent(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.path == MESSAGES_PATH]

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_s
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.requests) >= count, f"expected {count} Graph requests, got {len(self.requests)}"
        return self.sent()


def fake_graph() -> Iterator[FakeGraph]:
    """Serve a FakeGraph on a free loopback port for the duration of a test."""
    state = FakeGraph()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            state.requests.append(GraphRequest(
                self.path, {k.lower(): v for k, v in self.headers.items()}, json.loads(raw), time.monotonic()
            ))
            status, body, headers = state.answer()
            data = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {"content-type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.requests.append(GraphRequest(self.path, headers, None, time.monotonic()))
            if headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
                return self._reply(401, json.dumps(GRAPH_ERROR_AUTH).encode(), "application/json")
            path = self.path.split("?", 1)[0]
            if path.startswith(f"/{GRAPH_VERSION}/"):
                media_id = path.removeprefix(f"/{GRAPH_VERSION}/")
                media = state.media.get(media_id)
                if media is None or media.info_status != 200:
                    status = media.info_status if media else 404
                    return self._reply(status, json.dumps(GRAPH_ERROR_NO_MEDIA).encode(), "application/json")
                info = {
                    "messaging_product": "whatsapp",
                    "url": f"{state.url}/whatsapp_business/attachments/?mid={media_id}&ext=1750857384",
                    "mime_type": media.mime_type,
                    "sha256": hashlib.sha256(media.content).hexdigest(),
                    "file_size": media.declared_size if media.declared_size is not None else len(media.content),
                    "id": media_id,
                }
                return self._reply(200, json.dumps(info).encode(), "application/json")
            media_id = self.path.partition("mid=")[2].partition("&")[0]
            media = state.media.get(media_id)
            if path != "/whatsapp_business/attachments/" or media is None or media.download_status != 200:
                return self._reply(media.download_status if media else 404, b"URL signature expired", "text/plain")
            self._reply(200, media.content, media.mime_type, length=media.send_length)

        def _reply(self, status: int, data: bytes, content_type: str, length: bool = True) -> None:
            self.send_response(status)
            self.send_header("content-type", content_type)
            if length:
                self.send_header("content-length", str(len(data)))
            else:
                self.send_header("connection", "close")
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (over its size cap)
            if not length:
                self.close_connection = True

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


GRAPH_ERROR_500 = {"error": {"message": "An unknown error occurred", "type": "OAuthException", "code": 1}}
GRAPH_ERROR_NO_MEDIA = {"error": {"message": "Unsupported get request. Object with ID does not exist",
                                  "type": "GraphMethodException", "code": 100, "error_subcode": 33}}
GRAPH_ERROR_AUTH = {"error": {"message": "Invalid OAuth access token", "type": "OAuthException", "code": 190}}
GRAPH_ERROR_429 = {"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429}}


# --- webhook bodies (entry[].changes[].value, as Meta documents them) ---

def webhook(value: dict[str, Any], phone_number_id: str = PHONE_NUMBER_ID) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "212522000000", "phone_number_id": phone_number_id},
                    **value,
                },
            }],
        }],
    }


def contacts(wa_id: str) -> list[dict[str, Any]]:
    return [{"profile": {"name": "Citoyen"}, "wa_id": wa_id}]


def text_message(wa_id: str, message_id: str, body: str) -> dict[str, Any]:
    return webhook({
        "contacts": contacts(wa_id),
        "messages": [{"from": wa_id, "id": message_id, "timestamp": "1750857384", "type": "text", "text": {"body": body}}],
    })


def reply_message(wa_id: str, message_id: str, kind: str, reply_id: str, title: str) -> dict[str, Any]:
    """A tap on a reply button (kind "button_reply") or a list row ("list_reply")."""
    return webhook({
        "contacts": contacts(wa_id),
        "messages": [{
            "context": {"from": "212522000000", "id": "wamid.out.0"},
            "from": wa_id,
            "id": message_id,
            "timestamp": "1750857390",
            "type": "interactive",
            "interactive": {"type": kind, kind: {"id": reply_id, "title": title}},
        }],
    })


def media_message(wa_id: str, message_id: str, kind: str, media_id: str, mime_type: str, **extra: Any) -> dict[str, Any]:
    """An audio (voice note: ``voice=True``), image, video, document or sticker message."""
    return webhook({
        "contacts": contacts(wa_id),
        "messages": [{
            "from": wa_id, "id": message_id, "timestamp": "1750857400", "type": kind,
            kind: {"id": media_id, "mime_type": mime_type, "sha256": "x", **extra},
        }],
    })


def voice_note(wa_id: str, message_id: str, media_id: str, mime_type: str = "audio/ogg; codecs=opus") -> dict[str, Any]:
    return media_message(wa_id, message_id, "audio", media_id, mime_type, voice=True)


def location_message(wa_id: str, message_id: str) -> dict[str, Any]:
    return webhook({
        "contacts": contacts(wa_id),
        "messages": [{
            "from": wa_id, "id": message_id, "timestamp": "1750857400", "type": "location",
            "location": {"latitude": 34.020882, "longitude": -6.84165, "name": "Rabat"},
        }],
    })


def contacts_message(wa_id: str, message_id: str) -> dict[str, Any]:
    return webhook({
        "contacts": contacts(wa_id),
        "messages": [{
            "from": wa_id, "id": message_id, "timestamp": "1750857400", "type": "contacts",
            "contacts": [{"name": {"formatted_name": "Ahmed"}, "phones": [{"phone": "+212600000009"}]}],
        }],
    })


def reaction_message(wa_id: str, message_id: str) -> dict[str, Any]:
    return webhook({
        "contacts": contacts(wa_id),
        "messages": [{
            "from": wa_id, "id": message_id, "timestamp": "1750857400", "type": "reaction",
            "reaction": {"message_id": "wamid.out.0", "emoji": "👍"},
        }],
    })


def status_callback(wa_id: str, message_id: str) -> dict[str, Any]:
    return webhook({
        "statuses": [{
            "id": message_id,
            "status": "delivered",
            "timestamp": "1750857384",
            "recipient_id": wa_id,
            "conversation": {"id": "a75d17ad06104c51166f948319b03c6a", "origin": {"type": "service"}},
            "pricing": {"billable": True, "pricing_model": "CBP", "category": "service"},
        }],
    })


def meta_signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed(payload: dict[str, Any], secret: str = APP_SECRET) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of a webhook POST as Meta sends it."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    return body, {"content-type": "application/json", "x-hub-signature-256": meta_signature(body, secret)}

