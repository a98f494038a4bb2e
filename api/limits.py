"""Limits for the whole API: request-body size, and request rates on citizens' endpoints.

Rates are counted over a sliding one-minute window (the `limits` package's sliding
window counter: this minute's count plus the last minute's, weighted by how much of it
is still in the window), in this process's memory by default. Several API replicas
share one count when RATE_LIMIT_STORAGE_URL names a Redis: a citizen then has one
budget whichever replica answers.

Not `limits`' moving window: it keeps every hit and, in memory, hops to a thread for
each key of every citizen on every request (py-spy put a quarter of the API's CPU there
at 20 citizens).
"""

import logging
import math
import time

from fastapi import Request
from limits import RateLimitItemPerMinute
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ApiError, error_response

logger = logging.getLogger(__name__)

RATE_LIMITED = "Too many requests. Please wait {seconds} seconds and try again."
TOO_LARGE = "The request body is larger than the {limit} bytes this server accepts."

# A Redis that hangs must not hold citizens' requests for long: it then fails open.
REDIS_TIMEOUT_S = 1.0


class RateLimiter:
    """Per-sender and per-client-IP request budgets over any 60 seconds.

    Usage::

        limiter = RateLimiter(30, 60, "redis://redis:6379/0")
        await limiter.check_sender("web-1")  # raises ApiError(429) over the budget
    """

    def __init__(self, per_sender_per_minute: int, per_ip_per_minute: int, storage_url: str = "memory://") -> None:
        # limits' asyncio storages ("async+redis://..." over redis-py's asyncio client), so
        # a count in Redis never blocks the event loop. Options in the URL win over these.
        options = {} if storage_url.startswith("memory:") else {
            "implementation": "redispy",
            "socket_connect_timeout": REDIS_TIMEOUT_S,
            "socket_timeout": REDIS_TIMEOUT_S,
        }
        storage = storage_from_string(f"async+{storage_url}", wrap_exceptions=True, **options)
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self._per_sender = RateLimitItemPerMinute(per_sender_per_minute)
        self._per_ip = RateLimitItemPerMinute(per_ip_per_minute)
        self._storage_failing = False

    async def check_ip(self, ip: str) -> None:
        await self._hit(self._per_ip, "ip", ip)

    async def check_sender(self, sender: str) -> None:
        await self._hit(self._per_sender, "sender", sender)

    async def _hit(self, item: RateLimitItemPerMinute, kind: str, key: str) -> None:
        try:
            if await self._limiter.hit(item, kind, key):
                self._storage_recovered()
                return
            reset_at = (await self._limiter.get_window_stats(item, kind, key)).reset_time
        except StorageError as exc:
            # Fail open: citizens keep being answered while the shared counter is down.
            self._storage_failed(exc)
            return
        self._storage_recovered()
        seconds = max(1, math.ceil(reset_at - time.time()))
        logger.warning("Rate limit reached for %s %s", kind, key)
        raise ApiError(
            429, "rate_limited", RATE_LIMITED.format(seconds=seconds), headers={"Retry-After": str(seconds)}
        )

    def _storage_failed(self, exc: StorageError) -> None:
        # One error line per outage, not one per request; the URL may hold a password, so it stays out.
        if not self._storage_failing:
            self._storage_failing = True
            logger.error("Rate-limit storage unavailable, requests are not limited until it is back: %r",
                         exc.storage_error)

    def _storage_recovered(self) -> None:
        if self._storage_failing:
            self._storage_failing = False
            logger.info("Rate-limit storage is back; requests are limited again")


def client_host(request: Request) -> str:
    """The citizen's address as uvicorn sees it (behind a balancer: --forwarded-allow-ips)."""
    return request.client.host if request.client else "unknown"


async def limit_citizen_requests(request: Request) -> None:
    """Route dependency of the citizens' endpoints: one budget per client IP, one per sender.

    The sender is the `{sender}` path parameter or the JSON body's `sender`
    (FastAPI has already read and cached the body when dependencies run).
    """
    limiter: RateLimiter = request.app.state.rate_limiter
    await limiter.check_ip(client_host(request))
    sender = request.path_params.get("sender")
    if sender is None and request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            body = None  # the route answers the malformed body itself
        if isinstance(body, dict) and isinstance(body.get("sender"), str):
            sender = body["sender"]
    if sender:
        await limiter.check_sender(sender)


class BodySizeLimit:
    """ASGI middleware: refuse bodies over `max_body_bytes` with 413, before anything parses them.

    The declared Content-Length is checked first; the bytes actually received
    are counted too, since a chunked body has no length and a client may lie.
    A body within the limit is buffered and handed on unchanged.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        received: list[Message] = []
        size = 0
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request":
                break  # the client went away; let the app see it
            size += len(message.get("body", b""))
            if size > self.max_body_bytes:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return received.pop(0) if received else await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, "request_too_large", TOO_LARGE.format(limit=self.max_body_bytes))
        await response(scope, receive, send)
