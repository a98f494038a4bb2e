"""Client of the Cloud API's messages endpoint: ``POST {graph}/{version}/{phone_number_id}/messages``."""

import datetime as dt
import logging
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

logger = logging.getLogger(__name__)

# Graph error codes that mean "slow down" even when the HTTP status is not 429:
# the number's throughput (130429) and the per-citizen pair rate (131056).
THROTTLING_CODES = frozenset({130429, 131056})


class GraphSendFailed(Exception):
    """The Graph API refused the message, or kept failing until the tries ran out."""

    def __init__(self, reason: str, status_code: int | None = None) -> None:
        super().__init__(reason)
        self.status_code = status_code


class _Retryable(Exception):
    def __init__(
        self, reason: str, status_code: int | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.retry_after_s = retry_after_s


class GraphClient:
    """Sends messages from the ministry's WhatsApp number.

    429, 5xx, throttling errors and network failures are tried again, waiting
    what Retry-After asks (capped at `max_wait_s`) or an exponential backoff,
    at most `attempts` times in all.

    Usage::

        graph = GraphClient(http, "https://graph.facebook.com", "v21.0", "106540352242922", token)
        await graph.send({"messaging_product": "whatsapp", "to": "212600000001",
                          "type": "text", "text": {"body": "Bonjour"}})
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        graph_url: str,
        version: str,
        phone_number_id: str,
        access_token: str,
        *,
        attempts: int = 5,
        max_wait_s: float = 30.0,
        first_wait_s: float = 0.5,
        timeout_s: float = 10.0,
    ) -> None:
        self._http = http
        self.url = f"{graph_url.rstrip('/')}/{version}/{phone_number_id}/messages"
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._attempts = attempts
        self._max_wait_s = max_wait_s
        self._backoff = wait_exponential_jitter(multiplier=first_wait_s, max=max_wait_s, jitter=first_wait_s)
        self._timeout_s = timeout_s

    async def send(self, payload: dict[str, Any]) -> str | None:
        """Send one message; return the id WhatsApp gave it. Raises GraphSendFailed."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            return await retrying(self._post, payload)
        except _Retryable as exc:
            raise GraphSendFailed(f"{exc} (gave up after {self._attempts} tries)", exc.status_code) from exc

    async def _post(self, payload: dict[str, Any]) -> str | None:
        try:
            response = await self._http.post(
                self.url, json=payload, headers=self._headers, timeout=self._timeout_s
            )
        except httpx.TransportError as exc:
            raise _Retryable(f"cannot reach the Graph API: {exc!r}") from exc
        if response.is_success:
            try:
                return response.json()["messages"][0]["id"]
            except (ValueError, LookupError, TypeError):
                return None
        error = _graph_error(response)
        status = response.status_code
        reason = f"Graph API answered HTTP {status}: {error.get('message') or response.text[:300]!r}"
        if status == 429 or status >= 500 or error.get("code") in THROTTLING_CODES:
            raise _Retryable(reason, status, _retry_after_s(response.headers.get("retry-after")))
        raise GraphSendFailed(reason, status)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after_s is not None:
            return min(exc.retry_after_s, self._max_wait_s)
        return self._backoff(state)

    @staticmethod
    def _log_retry(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0
        logger.warning(
            "WhatsApp send try %d failed (%s); trying again in %.1fs", state.attempt_number, exc, wait
        )


def _graph_error(response: httpx.Response) -> dict[str, Any]:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}


def _retry_after_s(value: str | None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
