"""Talking to the Rasa server: its REST channel, its tracker, and its replies."""

import hashlib
import logging
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from api.schemas import LANGUAGES, BotMessage, Button, Handoff, Source
from observability.logs import request_id

logger = logging.getLogger(__name__)


class AssistantUnreachable(Exception):
    """Rasa refused the connection or did not answer in time."""


class AssistantFailed(Exception):
    """Rasa answered, but not with a usable reply (5xx, 4xx, or a malformed body)."""

    def __init__(self, reason: str, status_code: int | None = None) -> None:
        super().__init__(reason)
        self.status_code = status_code


class RasaClient:
    """Client of the Rasa servers (REST channel plus HTTP API).

    Several servers share one tracker store and one lock store, so any of them
    can take any turn. Each conversation still goes to one preferred server
    (rendezvous hashing: adding or losing a server moves only its own
    conversations), and to the next one only when that server refuses the
    connection — then no turn can have been half-handled. A server that dies
    during a turn is not retried: Rasa may have stored the turn, and its lock
    holds the conversation, so the citizen gets a 503 and sends again.
    """

    def __init__(self, http: httpx.AsyncClient, servers: list[str], timeout_s: float) -> None:
        if not servers:
            raise ValueError("at least one Rasa server URL is needed")
        self._http = http
        self._servers = list(servers)
        self._timeout_s = timeout_s

    def servers_for(self, sender: str | None) -> list[str]:
        """The servers in the order this conversation tries them (all servers, preferred first)."""
        if sender is None or len(self._servers) == 1:
            return list(self._servers)
        return sorted(self._servers, key=lambda url: hashlib.sha256(f"{url}|{sender}".encode()).digest())

    async def send_message(
        self, sender: str, message: str, metadata: dict[str, Any] | None
    ) -> list[dict[str, Any]]:
        """Post a citizen's message to the REST channel; return Rasa's raw reply items."""
        # The request id lets the logs of Rasa and the actions be joined to the API's.
        trace = request_id.get()
        metadata = {**(metadata or {}), **({"request_id": trace} if trace else {})}
        payload = {"sender": sender, "message": message, "metadata": metadata}
        items = await self._post_api(sender, "/webhooks/rest/webhook", payload)
        if not isinstance(items, list):
            raise AssistantFailed(f"Rasa answered {type(items).__name__}, expected a list of messages")
        return [item for item in items if isinstance(item, dict)]

    async def conversation_language(self, sender: str) -> str | None:
        """The `language` slot of the conversation, or None if it cannot be read.

        Only for a reply that takes no turn (a WhatsApp message the assistant cannot
        read): a turn's reply names its own language (api/turn.py).
        """
        path = f"/conversations/{conversation_path(sender)}/tracker"
        try:
            response = await self._request(sender, "GET", path, params={"include_events": "NONE"})
            response.raise_for_status()
            language = (response.json().get("slots") or {}).get("language")
        except (AssistantUnreachable, httpx.HTTPError, ValueError, AttributeError) as exc:
            # Needs `rasa run --enable-api`; without it the reply's own hint is used.
            logger.warning("Could not read the language slot of %s from Rasa's tracker: %r", sender, exc)
            return None
        return language if language in LANGUAGES else None

    async def parse(self, text: str) -> dict[str, Any]:
        """Rasa's NLU reading of a text (`POST /model/parse`), without touching any conversation.

        The answer has `intent` ({name, confidence}) and, from our NLU component,
        `language` and `language_confident`.
        """
        body = await self._post_api(None, "/model/parse", {"text": text})
        if not isinstance(body, dict):
            raise AssistantFailed(f"/model/parse answered {type(body).__name__}, expected an object")
        return body

    async def resume_conversation(self, sender: str) -> None:
        """Append Rasa's `resume` event, so the bot answers this sender again after a handoff."""
        await self._post_api(
            sender,
            f"/conversations/{conversation_path(sender)}/tracker/events",
            {"event": "resume"},
            params={"include_events": "NONE"},
        )

    async def _request(
        self, sender: str | None, method: str, path: str, **kwargs: Any
    ) -> httpx.Response:
        """One request to the conversation's server, or to the next when it refuses connections."""
        refused = []
        for base_url in self.servers_for(sender):
            url = f"{base_url}{path}"
            try:
                return await self._http.request(method, url, timeout=self._timeout_s, **kwargs)
            except httpx.ConnectError as exc:
                logger.warning("Rasa at %s refused the connection (%r); trying the next server", base_url, exc)
                refused.append(base_url)
            except httpx.TimeoutException as exc:
                raise AssistantUnreachable(f"no answer from Rasa at {url} within {self._timeout_s:g}s") from exc
            except httpx.TransportError as exc:
                raise AssistantUnreachable(f"Rasa at {url} dropped the request: {exc!r}") from exc
        raise AssistantUnreachable(f"cannot reach any Rasa server ({', '.join(refused)})")

    async def _post_api(
        self, sender: str | None, path: str, payload: Any, params: dict[str, str] | None = None
    ) -> Any:
        response = await self._request(sender, "POST", path, json=payload, params=params)
        if response.status_code != 200:
            raise AssistantFailed(
                f"Rasa answered HTTP {response.status_code} on {path}: {response.text[:300]!r}",
                status_code=response.status_code,
            )
        try:
            return response.json()
        except ValueError as exc:
            raise AssistantFailed(f"Rasa answered a body that is not JSON on {path}: {response.text[:300]!r}") from exc


def conversation_path(sender: str) -> str:
    """The sender as a path segment of Rasa's /conversations/<id>/ routes.

    Rasa 3.6 (Sanic) does not percent-decode that segment, so ``wa%3A2126…`` would be
    another, empty conversation: ``:``, ``@`` and ``+`` (legal in a path segment, and in
    senders: ``wa:2126…``, ``user@example.com``) are left as they are.
    """
    return quote(sender, safe=":@+")


def fold_reply(items: list[dict[str, Any]]) -> tuple[list[BotMessage], str | None]:
    """Turn the REST channel's items into messages, and the reply's language hint.

    Actions send sources with `json_message`, which the REST channel returns as a
    separate `{"custom": {"sources": [...], "language": "xx"}}` item right after
    the text; the sources (and a handoff's ticket reference) are folded into the
    message before them.
    """
    messages: list[BotMessage] = []
    language: str | None = None
    for item in items:
        custom = item.get("custom")
        if isinstance(custom, dict):
            if custom.get("language") in LANGUAGES:
                language = custom["language"]
            sources = _parse_all(Source, custom.get("sources"))
            handoff = _parse_handoff(custom.get("handoff"))
            if sources or handoff:
                if messages:
                    target = messages[-1]
                else:
                    # Sources with no text before them still deserve to be shown.
                    target = BotMessage(text="")
                    messages.append(target)
                if sources:
                    target.sources = (target.sources or []) + sources
                if handoff:
                    target.handoff = handoff
            continue
        text = item.get("text")
        buttons = _parse_all(Button, item.get("buttons"))
        if isinstance(text, str) or buttons:
            messages.append(BotMessage(text=text if isinstance(text, str) else "", buttons=buttons or None))
        else:
            # Images, attachments: the web chat has nothing to show for them yet.
            logger.debug("Dropped a Rasa reply item with no text: %s", sorted(item))
    return messages, language


def _parse_all(model: type[Button] | type[Source], raw: Any) -> list[Any]:
    """Validate a list of items, skipping (and logging) the malformed ones."""
    if not isinstance(raw, list):
        return []
    parsed = []
    for entry in raw:
        try:
            parsed.append(model.model_validate(entry))
        except ValidationError:
            logger.warning("Dropped a malformed %s from Rasa's reply: %r", model.__name__, entry)
    return parsed


def _parse_handoff(raw: Any) -> Handoff | None:
    """The handoff ticket of a reply, if it has a well-formed one."""
    if raw is None:
        return None
    try:
        return Handoff.model_validate(raw)
    except ValidationError:
        logger.warning("Dropped a malformed handoff from Rasa's reply: %r", raw)
        return None
