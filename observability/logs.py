"""Structured JSON logs with one request id per turn, and personal data masked.

Usage::

    from observability.logs import configure_logging, request_id
    configure_logging("api")
    request_id.set("3f2a...")  # the API sets it per request; actions read it from metadata
    logging.getLogger(__name__).info("case %s looked up for %s", "LAB-2025-000123", "AB123456")
    # {"ts": "...", "level": "INFO", "service": "api", "request_id": "3f2a...",
    #  "logger": "...", "message": "case LAB-****-***123 looked up for AB****56"}
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
from contextvars import ContextVar
from datetime import datetime, timezone

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

_DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
_CASE_NUMBER = re.compile(rf"\bLAB[\s\-_]*([{_DIGITS}]{{4}})[\s\-_]*([{_DIGITS}]{{3}})([{_DIGITS}]{{3}})\b", re.I)
# Moroccan numbers: +212 / 00212 / 0, then 5, 6 or 7 and eight more digits, spaced or not;
# WhatsApp sender ids carry them as 2126xxxxxxxx.
_PHONE = re.compile(rf"(?<![{_DIGITS}])(?:\+|00)?(?:212|0)[\s.\-]?[5-7](?:[\s.\-]?[{_DIGITS}]){{8}}(?![{_DIGITS}])")
_NATIONAL_ID = re.compile(rf"\b([A-Z]{{1,2}})[{_DIGITS}]{{2,6}}([{_DIGITS}]{{2}})\b", re.I)


def bind_request_id(metadata: dict | None) -> None:
    """Log under the request id that the API put in a message's metadata (Rasa, actions)."""
    request_id.set(str((metadata or {}).get("request_id") or "") or None)


def mask_personal_data(text: str) -> str:
    """Hide case numbers, phone numbers and national ID numbers (CIN), keeping a hint to debug."""
    text = _CASE_NUMBER.sub(lambda m: f"LAB-****-***{m[3]}", text)
    text = _PHONE.sub(lambda m: "*" * (len(m[0]) - 2) + m[0][-2:], text)
    return _NATIONAL_ID.sub(lambda m: f"{m[1]}****{m[2]}", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the service, the request id, and masked text."""

    def __init__(self, service: str | None = None) -> None:
        super().__init__()
        # One logging file serves every process; each names itself in LOG_SERVICE.
        self.service = service or os.environ.get("LOG_SERVICE", "assistant")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "request_id": getattr(record, "request_id", None) or request_id.get(),
            "logger": record.name,
            "message": mask_personal_data(record.getMessage()),
        }
        if record.exc_info:
            entry["error"] = mask_personal_data(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(service: str, level: int | str = logging.INFO) -> None:
    """Send every logger's records to stderr as masked JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def configure_logging_from_environment(service: str) -> None:
    """JSON logs when ``LOG_FORMAT=json`` (the Procfile sets it); otherwise leave logging alone.

    Called when the bot's and the actions' packages are imported: Rasa installs
    coloured console logging after reading any logging file, and rasa-sdk serves
    from Sanic worker processes that never see its logging file.
    """
    if os.environ.get("LOG_FORMAT") == "json":
        configure_logging(service)

