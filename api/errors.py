"""One error shape for every failure: {"error": {"code", "message", "details"?}}."""

import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.schemas import ErrorBody, ErrorInfo, FieldProblem

logger = logging.getLogger(__name__)


class ApiError(HTTPException):
    """An error with a stable code, answered as ErrorBody.

    It subclasses HTTPException so FastAPI lets it through untouched when it is
    raised while the body is being read (see Utf8JSONRequest).
    """

    def __init__(
        self, status_code: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status_code=status_code, detail=message, headers=headers)
        self.code = code
        self.message = message


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(error=ErrorInfo(code=code, message=message, details=details))
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status_code, headers=headers)


# Error documentation for `responses=` on routes, so clients see the shape.
def error_responses(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in status_codes}


class Utf8JSONRequest(Request):
    """A request whose JSON body must be UTF-8.

    Starlette's json.loads(bytes) silently accepts UTF-16/32; JSON exchanged
    between systems must be UTF-8 (RFC 8259), and a clear 400 beats a guess.
    """

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ApiError(
                    400, "invalid_encoding", "The request body must be UTF-8 encoded JSON."
                ) from exc
            self._json = json.loads(text)
        return self._json


class Utf8JSONRoute(APIRoute):
    """Route class that reads bodies with Utf8JSONRequest."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def utf8_json_handler(request: Request) -> Response:
            return await handler(Utf8JSONRequest(request.scope, request.receive))

        return utf8_json_handler


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
}


def _field_name(loc: tuple[Any, ...]) -> str:
    # loc starts with where the value came from ("body", "query", ...).
    if loc and loc[0] in ("body", "query", "path", "header"):
        loc = loc[1:]
    return ".".join(str(part) for part in loc) or "body"


def _problem(error: dict[str, Any]) -> str:
    """A readable sentence for one pydantic error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "string_type":
        return "must be a string"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "must not be empty"
        return f"must be at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return "may only contain letters, digits and the characters _ . : @ + -"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be a JSON object"
    if kind == "value_error":
        return str(ctx.get("error") or error.get("msg", "is invalid"))
    return str(error.get("msg", "is invalid"))


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(400, "invalid_json", "The request body is not valid JSON.")
    details = [FieldProblem(field=_field_name(tuple(e.get("loc", ()))), problem=_problem(e)) for e in errors]
    if any(d.field == "body" for d in details):
        # The body as a whole was wrong: not sent as JSON, absent, or not an object.
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            message = "Send the request body as JSON (Content-Type: application/json)."
            return error_response(415, "unsupported_media_type", message)
        return error_response(422, "invalid_request", "The request body must be a JSON object.", details)
    summary = "; ".join(f"{d.field} {d.problem}" for d in details)
    return error_response(422, "invalid_request", f"Invalid request: {summary}.", details)


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc.status_code, exc.code, exc.message, headers=exc.headers)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return error_response(exc.status_code, code, message, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("Unhandled error on %s %s", request.method, request.url.path)
    return error_response(
        500, "internal_error", "Something went wrong on our side. Please try again later."
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)
