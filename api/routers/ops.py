"""The operators' review: what the assistant could not answer, for a period, by channel and language.

`GET /ops` is the page (static; it asks for the key and sends it with each call). The data
needs `Authorization: Bearer <OPS_API_KEY>`; the agents' key does not open it. Read-only:
nothing here changes the store.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response

from api import conversations
from api.auth import OpsDep
from api.deps import SettingsDep, StoreEngineDep
from api.errors import ApiError, Utf8JSONRoute, error_responses
from api.question_groups import default_embedder, group_questions
from api.routers.web import STATIC_DIR
from api.settings import Settings

router = APIRouter(tags=["operators"], route_class=Utf8JSONRoute, dependencies=[OpsDep])
page_router = APIRouter(tags=["operators"])

# Rows shown on the page per list (the CSV export has them all, up to OPS_EXPORT_MAX_ROWS).
PAGE_ROWS = 200
# Questions read for the grouping, newest first.
GROUP_ROWS = 2000
DEFAULT_DAYS = 7

Channel = Annotated[Literal["web", "whatsapp"] | None, Query(description="Only this channel.")]
Language = Annotated[
    Literal["ar", "fr", "en", "unknown"] | None, Query(description="Only this language (`unknown`: not detected).")
]
From = Annotated[str | None, Query(alias="from", max_length=32, description="First day, YYYY-MM-DD (UTC).")]
To = Annotated[str | None, Query(alias="to", max_length=32, description="Last day, included, YYYY-MM-DD (UTC).")]

BAD_DATE = "'{name}' must be a day written YYYY-MM-DD (e.g. 2026-11-27); got {value!r}."
BACKWARDS = "The period is impossible: 'from' ({start}) is after 'to' ({end})."
TOO_LARGE = (
    "This export would hold {rows} rows, more than the {limit} allowed (OPS_EXPORT_MAX_ROWS). "
    "Choose a shorter period, one channel or one language."
)
NO_GROUP = "There is no group {group} in this period (the groups change with the period and filters)."


def _day(name: str, value: str | None, default: dt.date) -> dt.date:
    if value is None or not value.strip():
        return default
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ApiError(422, "invalid_period", BAD_DATE.format(name=name, value=value)) from None


def _period(start: str | None, end: str | None, channel: str | None, language: str | None) -> conversations.Period:
    today = dt.datetime.now(dt.timezone.utc).date()
    last = _day("to", end, today)
    first = _day("from", start, last - dt.timedelta(days=DEFAULT_DAYS - 1))
    if first > last:
        raise ApiError(422, "invalid_period", BACKWARDS.format(start=first, end=last))
    midnight = dt.time(tzinfo=dt.timezone.utc)
    return conversations.Period(
        start=dt.datetime.combine(first, midnight),
        end=dt.datetime.combine(last + dt.timedelta(days=1), midnight),  # 'to' is included whole
        channel=channel, language=language,
    )


def _public(period: conversations.Period) -> dict[str, Any]:
    return {
        "from": period.start.date().isoformat(),
        "to": (period.end.date() - dt.timedelta(days=1)).isoformat(),
        "channel": period.channel,
        "language": period.language,
    }


def _groups(engine, period: conversations.Period, settings: Settings) -> tuple[list[dict[str, Any]], str, bool]:
    rows = conversations.unanswered_questions(engine, period, GROUP_ROWS, settings.pseudonym_secret)
    groups, method = group_questions(rows, default_embedder())
    return groups, method, len(rows) >= GROUP_ROWS


def _report(engine, period: conversations.Period, settings: Settings) -> dict[str, Any]:
    groups, method, truncated = _groups(engine, period, settings)
    return {
        "period": _public(period),
        "breakdown": conversations.breakdown(engine, period),
        "refused": {
            "total": conversations.count_refused(engine, period),
            "rows": conversations.refused_turns(engine, period, PAGE_ROWS),
        },
        "thumbs_down": {
            "total": conversations.count_thumbs_down(engine, period),
            "rows": conversations.thumbs_down(engine, period, PAGE_ROWS, settings.pseudonym_secret),
        },
        "groups": {
            "method": method,
            "truncated": truncated,
            "groups": [{key: value for key, value in group.items() if key != "members"} for group in groups],
        },
    }


@router.get(
    "/api/ops/report",
    responses=error_responses(401, 422, 503),
    summary="What the assistant could not answer in a period: refused turns, answers rated down, grouped questions",
)
async def report(
    engine: StoreEngineDep,
    settings: SettingsDep,
    start: From = None,
    end: To = None,
    channel: Channel = None,
    language: Language = None,
) -> dict[str, Any]:
    """Days are UTC and both included; by default the last 7 days. Texts are masked as in the logs."""
    period = _period(start, end, channel, language)
    return await anyio.to_thread.run_sync(_report, engine, period, settings)


def _cell(value: Any) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, dt.datetime) else str(value)
    # A spreadsheet must not run a cell as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    return "\ufeff" + out.getvalue()  # the BOM lets spreadsheets read the Arabic as UTF-8


def _too_large(rows: int, settings: Settings) -> None:
    if rows > settings.ops_export_max_rows:
        raise ApiError(413, "export_too_large", TOO_LARGE.format(rows=rows, limit=settings.ops_export_max_rows))


def _export(
    engine, period: conversations.Period, settings: Settings, section: str, group: str | None
) -> tuple[str, str]:
    limit = settings.ops_export_max_rows
    if section == "refused":
        _too_large(conversations.count_refused(engine, period), settings)
        rows = conversations.refused_turns(engine, period, limit)
        return _csv(
            ["at", "channel", "language", "reason", "question", "answer"],
            [[r["at"], r["channel"], r["language"], r["reason"], r["question"], r["answer"]] for r in rows],
        ), "refused"
    if section == "thumbs_down":
        _too_large(conversations.count_thumbs_down(engine, period), settings)
        rows = conversations.thumbs_down(engine, period, limit, settings.pseudonym_secret)
        return _csv(
            ["at", "channel", "language", "question", "answer", "sources", "comment"],
            [[r["at"], r["channel"], r["language"], r["question"], r["answer"],
              "; ".join(", ".join(p for p in (s["title"], s["ref"], s["url"]) if p) for s in r["sources"]),
              r["comment"]] for r in rows],
        ), "thumbs-down"
    groups, _, _ = _groups(engine, period, settings)
    if group is None:
        _too_large(len(groups), settings)
        return _csv(
            ["group", "count", "question", "channels", "languages", "reasons", "examples"],
            [[g["id"], g["count"], g["question"], " ".join(g["channels"]), " ".join(g["languages"]),
              " ".join(g["reasons"]), " | ".join(g["examples"])] for g in groups],
        ), "groups"
    found = next((g for g in groups if g["id"] == group), None)
    if found is None:
        raise ApiError(404, "group_not_found", NO_GROUP.format(group=group))
    _too_large(len(found["members"]), settings)
    return _csv(
        ["at", "channel", "language", "outcome", "reason", "question"],
        [[m["at"], m["channel"], m["language"], m["outcome"], m["reason"], m["question"]] for m in found["members"]],
    ), f"group-{group}"


@router.get(
    "/api/ops/export",
    response_class=Response,
    responses={**error_responses(401, 404, 413, 422, 503), 200: {"content": {"text/csv": {}}}},
    summary="One list of the report as CSV: refused turns, answers rated down, the groups, or one group's questions",
)
async def export(
    engine: StoreEngineDep,
    settings: SettingsDep,
    section: Annotated[Literal["refused", "thumbs_down", "groups"], Query(description="Which list.")],
    group: Annotated[
        str | None, Query(pattern=r"^[0-9a-f]{12}$", description="With section=groups: that group's questions.")
    ] = None,
    start: From = None,
    end: To = None,
    channel: Channel = None,
    language: Language = None,
) -> Response:
    """At most OPS_EXPORT_MAX_ROWS rows; a bigger export is refused with 413 (narrow the period)."""
    period = _period(start, end, channel, language)
    body, name = await anyio.to_thread.run_sync(_export, engine, period, settings, section, group)
    filename = f"ops-{name}-{_public(period)['from']}-{_public(period)['to']}.csv"
    return Response(
        body, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@page_router.get("/ops", include_in_schema=False)
async def ops_page() -> FileResponse:
    """The page is static; it asks the operator for the key and sends it with each call."""
    return FileResponse(STATIC_DIR / "ops.html", media_type="text/html; charset=utf-8")
