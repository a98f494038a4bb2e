"""One request id per API request, carried to Rasa and the actions in the message metadata."""
import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observability.logs import request_id

HEADER = b"x-request-id"
# A caller's id is kept only if it is short and plain; anything else is replaced.
_ACCEPTED = re.compile(rb"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    """Takes `X-Request-ID` from the caller (or makes one), logs with it, and echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER, b"")
        value = given.decode() if _ACCEPTED.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(value)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((HEADER, value.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)
