"""Clients of the Cloud API: the messages endpoint (``POST {graph}/{version}/{phone_number_id}/messages``)
and the media endpoint (``GET {graph}/{version}/{media_id}``, then the file's URL)."""

import datetime as dt
import logging
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

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


class MediaUnavailable(Exception):
    """A citizen's media file could not be had: its reason says why, `code` sorts it.

    Codes: ``not_found`` (Graph answers 404 for the id, or the file's URL has expired),
    ``too_large`` (over the size cap), ``not_audio`` (a MIME type that is not audio),
    ``unreachable`` (the Graph API failed or could not be reached).
    """

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class Media:
    content: bytes
    mime_type: str


class GraphMedia:
    """Downloads the files citizens send: ``GET {graph}/{version}/{media-id}`` gives a short-lived
    URL, its MIME type and size; the URL is then fetched with the same bearer token.

    The size is checked against `max_bytes` three times: the size Graph declares, the
    download's Content-Length, and the bytes actually read (the download stops there).

    Usage::

        media = GraphMedia(http, "https://graph.facebook.com", "v21.0", token, max_bytes=16 * 2**20)
        voice = await media.fetch("1037543291543636", accept="audio/")
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        graph_url: str,
        version: str,
        access_token: str,
        *,
        max_bytes: int,
        timeout_s: float = 30.0,
    ) -> None:
        self._http = http
        self._base = f"{graph_url.rstrip('/')}/{version}"
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self.max_bytes = max_bytes
        self._timeout_s = timeout_s

    async def fetch(self, media_id: str, *, accept: str = "audio/") -> Media:
        """The file's bytes and MIME type; raises MediaUnavailable."""
        info = await self._info(media_id)
        mime_type = str(info.get("mime_type") or "")
        if not mime_type.lower().startswith(accept):
            raise MediaUnavailable("not_audio", f"media {media_id} is {mime_type or 'of no declared type'!s}, not {accept}*")
        declared = info.get("file_size")
        if isinstance(declared, int | str) and str(declared).isdigit() and int(declared) > self.max_bytes:
            raise MediaUnavailable("too_large", f"media {media_id} has {int(declared)} bytes, over the cap of {self.max_bytes}")
        url = info.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise MediaUnavailable("unreachable", f"Graph gave no usable URL for media {media_id}")
        return Media(await self._download(media_id, url), mime_type)

    async def _info(self, media_id: str) -> dict[str, Any]:
        url = f"{self._base}/{quote(media_id, safe='')}"
        try:
            response = await self._http.get(url, headers=self._headers, timeout=self._timeout_s)
        except httpx.TransportError as exc:
            raise MediaUnavailable("unreachable", f"cannot reach the Graph API for media {media_id}: {exc!r}") from exc
        if response.status_code in (400, 404):
            # Graph answers 400 (code 100) or 404 for an id that does not exist or is no longer kept.
            raise MediaUnavailable("not_found", f"Graph answered HTTP {response.status_code} for media {media_id}: "
                                                f"{_graph_error(response).get('message') or response.text[:200]!r}")
        if not response.is_success:
            raise MediaUnavailable("unreachable", f"Graph answered HTTP {response.status_code} for media {media_id}")
        try:
            info = response.json()
        except ValueError as exc:
            raise MediaUnavailable("unreachable", f"Graph answered a body that is not JSON for media {media_id}") from exc
        if not isinstance(info, dict):
            raise MediaUnavailable("unreachable", f"Graph answered {type(info).__name__} for media {media_id}")
        return info

    async def _download(self, media_id: str, url: str) -> bytes:
        try:
            async with self._http.stream("GET", url, headers=self._headers, timeout=self._timeout_s) as response:
                if response.status_code in (401, 403, 404, 410):
                    # The URL lives 5 minutes; after that the CDN refuses it.
                    raise MediaUnavailable("not_found", f"the URL of media {media_id} answered HTTP "
                                                        f"{response.status_code} (expired?)")
                if not response.is_success:
                    raise MediaUnavailable("unreachable", f"the URL of media {media_id} answered HTTP {response.status_code}")
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > self.max_bytes:
                    raise MediaUnavailable("too_large", f"media {media_id} has {length} bytes, over the cap of {self.max_bytes}")
                content = bytearray()
                async for chunk in response.aiter_bytes():
                    content += chunk
                    if len(content) > self.max_bytes:
                        raise MediaUnavailable("too_large", f"media {media_id} is over the cap of {self.max_bytes} bytes")
                return bytes(content)
        except httpx.TransportError as exc:
            raise MediaUnavailable("unreachable", f"cannot download media {media_id}: {exc!r}") from exc
