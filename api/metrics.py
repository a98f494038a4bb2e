"""Operations metrics of the API, for Prometheus (`GET /metrics`, api/routers/metrics.py).

Each app has its own registry (`app.state.metrics`), so several apps in one
process (the tests) never mix their counts. Labels are bounded sets (channel,
language, route template, status, the API's error codes, the bot's fallback
reasons): never a sender id, a phone number or a message text.

Usage::

    metrics = AssistantMetrics()
    metrics.record_turn("web", "fr", items, replies, seconds=0.8)
    metrics.record_error("whatsapp", "assistant_unavailable")
    text = generate_latest(metrics.registry)

The case look-up's locks (`assistant_lookup_locks_total`, `assistant_lookups_refused_total`)
are counted from the `lookup` marker of the action's reply, by the replica that relayed it.
"""

import json
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from prometheus_client import CollectorRegistry, Counter, GCCollector, Histogram, ProcessCollector
from prometheus_fastapi_instrumentator import Instrumentator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.schemas import LANGUAGES, BotMessage

# The bot's own reasons for giving up (docs/CONTRACTS.md, "Turn outcomes"), and the
# API's: Rasa answered nothing at all.
FALLBACK_REASONS = frozenset({"low_confidence", "knowledge_unavailable", "out_of_scope", "not_understood"})
NO_REPLY = "no_reply"
OTHER = "other"
# What a case look-up's lock holds (actions/lockout.py): one conversation, one client
# address, or one case number whoever asks.
LOOKUP_LOCK_SCOPES = frozenset({"sender", "client", "case"})
UNKNOWN_LANGUAGE = "unknown"

# The endpoints where a citizen's message comes in, by (method, path): their error
# answers count as the channel's errors, the 413s of the body-size limit included.
TURN_ENDPOINTS = {("POST", "/api/chat"): "web", ("POST", "/webhooks/whatsapp"): "whatsapp"}

# A turn runs NLU, the dialogue and often a retrieval: from a few tens of ms to the 30 s timeout.
TURN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)


class AssistantMetrics:
    """The assistant's counters and histograms, in one registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        # CPU, memory and open files of this process, and Python's garbage collector.
        ProcessCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.turns = Counter(
            "assistant_turns", "Citizens' messages the assistant answered.",
            ["channel", "language"], registry=self.registry,
        )
        self.turn_seconds = Histogram(
            "assistant_turn_seconds", "Time from a citizen's message to the assistant's reply.",
            ["channel"], buckets=TURN_BUCKETS, registry=self.registry,
        )
        self.errors = Counter(
            "assistant_errors",
            "Citizens' messages that got no answer, by the API's error code "
            "(assistant_unavailable, actions_unavailable, rate_limited, invalid_request...).",
            ["channel", "reason"], registry=self.registry,
        )
        self.fallbacks = Counter(
            "assistant_fallbacks",
            "Answered messages where the bot had no reliable answer "
            "(low_confidence, knowledge_unavailable, out_of_scope, not_understood, no_reply).",
            ["channel", "language", "reason"], registry=self.registry,
        )
        self.handoffs = Counter(
            "assistant_handoffs", "Handoff tickets opened for an agent.",
            ["channel", "language"], registry=self.registry,
        )
        self.lookup_locks = Counter(
            "assistant_lookup_locks",
            "Locks set on the case look-up by a failed identity check that reached the limit, "
            "by what is locked (scope: case, sender, client).",
            ["channel", "scope"], registry=self.registry,
        )
        self.lookups_refused = Counter(
            "assistant_lookups_refused",
            "Case look-ups refused because a lock held (scope: case, sender, client).",
            ["channel", "scope"], registry=self.registry,
        )

    def record_turn(
        self, channel: str, language: str | None, items: list[dict[str, Any]], replies: list[BotMessage],
        seconds: float,
    ) -> None:
        """Count one answered message: Rasa's raw `items` carry the bot's outcome, `replies` the handoff."""
        language = language if language in LANGUAGES else UNKNOWN_LANGUAGE
        self.turns.labels(channel, language).inc()
        self.turn_seconds.labels(channel).observe(seconds)
        reason = fallback_reason(items)
        if reason:
            self.fallbacks.labels(channel, language, reason).inc()
        if any(reply.handoff for reply in replies):
            self.handoffs.labels(channel, language).inc()
        locked, refused = lookup_locks(items)
        for scope in locked:
            self.lookup_locks.labels(channel, scope).inc()
        for scope in refused:
            self.lookups_refused.labels(channel, scope).inc()

    def record_error(self, channel: str, reason: str) -> None:
        self.errors.labels(channel, reason).inc()


REFUSED = "refused"
HANDOFF = "handoff"
ANSWERED = "answered"


def turn_outcome(items: list[dict[str, Any]], replies: list[BotMessage]) -> tuple[str, str | None]:
    """What became of a turn, as counted here: (`refused`, its fallback reason) when the bot gave up,
    (`handoff`, None) when the reply opened a ticket, else (`answered`, None). Kept with the turn
    for the operators' review (api/conversations.py)."""
    reason = fallback_reason(items)
    if reason:
        return REFUSED, reason
    if any(reply.handoff for reply in replies):
        return HANDOFF, None
    return ANSWERED, None


def fallback_reason(items: list[dict[str, Any]]) -> str | None:
    """Why the bot gave up on this turn, from the `outcome` marker of its custom payloads; None if it did not."""
    if not items:
        return NO_REPLY
    for item in items:
        custom = item.get("custom")
        if isinstance(custom, dict) and custom.get("outcome") == "fallback":
            reason = custom.get("reason")
            return reason if reason in FALLBACK_REASONS else OTHER
    return None


def lookup_locks(items: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The locks a case look-up set, and the lock that refused one, from the `lookup` marker
    of the bot's custom payloads (docs/CONTRACTS.md); an unknown scope counts as `other`."""
    locked: list[str] = []
    refused: list[str] = []
    for item in items:
        custom = item.get("custom")
        lookup = custom.get("lookup") if isinstance(custom, dict) else None
        if not isinstance(lookup, dict):
            continue
        scopes = lookup.get("locked")
        for scope in scopes if isinstance(scopes, list) else []:
            locked.append(scope if scope in LOOKUP_LOCK_SCOPES else OTHER)
        if "refused" in lookup:
            scope = lookup["refused"]
            refused.append(scope if scope in LOOKUP_LOCK_SCOPES else OTHER)
    return locked, refused


async def get_metrics(request: Request) -> AssistantMetrics:
    return request.app.state.metrics


AssistantMetricsDep = Annotated[AssistantMetrics, Depends(get_metrics)]


def instrument_http(app: FastAPI, metrics: AssistantMetrics) -> None:
    """Generic HTTP metrics from prometheus-fastapi-instrumentator, in the app's registry:
    `http_requests_total{handler, method, status}`, `http_request_duration_seconds{handler, method}`
    and the request and response sizes. `handler` is the route template (`none` when no route
    matched): /api/chat/{sender}/... must not make a series per citizen. Add it after the
    body-size limit, so that its 413s are counted too."""
    Instrumentator(should_group_status_codes=False, registry=metrics.registry).instrument(app)


class TurnErrorMetrics:
    """ASGI middleware: on the citizens' message endpoints, an error answer counts as an
    `assistant_errors_total` of the channel, with the `error.code` of its body."""

    def __init__(self, app: ASGIApp, metrics: AssistantMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        channel = TURN_ENDPOINTS.get((scope["method"], scope["path"])) if scope["type"] == "http" else None
        if channel is None:
            await self.app(scope, receive, send)
            return
        status = 500  # what the server answers when the app raises before answering
        error_body: list[bytes] = []

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and status >= 400:
                error_body.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            if status >= 400:
                self.metrics.record_error(channel, _error_code(b"".join(error_body), status))


def _error_code(body: bytes, status: int) -> str:
    """The `error.code` of an error body (docs/CONTRACTS.md), or `http_<status>` when it has none."""
    try:
        code = json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = None
    return code if isinstance(code, str) and code else f"http_{status}"
