"""Case numbers, national identity numbers (CIN) and the identity-checked look-up."""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from actions.settings import open_store
from store import CASE_STATUSES, Case

CSV_COLUMNS = ("case_number", "national_id", "status", "updated_at")

# Arabic-Indic and Eastern Arabic-Indic (Persian) digits, as typed on phones.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# ASCII digits only: `\d` would also take Devanagari or full-width digits and hand them on.
_CASE_NUMBER = re.compile(r"LAB([0-9]{4})([0-9]{6})")
_NATIONAL_ID = re.compile(r"[A-Z]{1,2}[0-9]{4,8}")


def _compact(text: str) -> str:
    return re.sub(r"[\s\-_./]", "", text.translate(_DIGITS)).upper()


def normalise_case_number(text: str | None) -> str | None:
    """``lab 2025 000123``, ``LAB2025000123`` or Arabic-Indic digits -> ``LAB-2025-000123``.

    Returns None when the text is not a case number.
    """
    if not text:
        return None
    match = _CASE_NUMBER.fullmatch(_compact(text))
    return f"LAB-{match[1]}-{match[2]}" if match else None


def normalise_national_id(text: str | None) -> str | None:
    """``ab 123456`` -> ``AB123456``; None when the text is not a CIN."""
    if not text:
        return None
    compact = _compact(text)
    return compact if _NATIONAL_ID.fullmatch(compact) else None


def find_case(engine: Engine, case_number: str, national_id: str) -> Case | None:
    """The case only when both the number and the holder's CIN match.

    A wrong CIN and an unknown number give the same answer (None), so the
    reply never tells whether a case number exists.
    """
    with Session(engine) as session:
        case = session.scalar(
            select(Case).where(
                Case.case_number == case_number, Case.national_id == national_id
            )
        )
        if case is not None:
            session.expunge(case)
        return case


@dataclass
class ImportReport:
    inserted: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _parse_row(row: dict[str, str | None]) -> tuple[Case | None, str | None]:
    case_number = normalise_case_number(row.get("case_number"))
    if case_number is None:
        return None, f"case_number {row.get('case_number')!r} is not like LAB-2025-000123"
    national_id = normalise_national_id(row.get("national_id"))
    if national_id is None:
        return None, f"national_id {row.get('national_id')!r} is not like AB123456"
    status = (row.get("status") or "").strip().lower()
    if status not in CASE_STATUSES:
        return None, f"status {row.get('status')!r} is not one of {', '.join(CASE_STATUSES)}"
    try:
        updated_at = dt.date.fromisoformat((row.get("updated_at") or "").strip())
    except ValueError:
        return None, f"updated_at {row.get('updated_at')!r} is not a date like 2025-11-03"
    return Case(case_number=case_number, national_id=national_id, status=status, updated_at=updated_at), None


def import_cases(engine: Engine, lines: Iterable[str]) -> ImportReport:
    """Load or update cases from CSV lines, all or nothing.

    Every bad row is reported with its line number; if there is one, nothing
    is written.
    """
    report = ImportReport()
    reader = csv.DictReader(lines)
    cases: dict[str, Case] = {}
    try:
        missing = set(CSV_COLUMNS) - set(reader.fieldnames or ())  # reads the header line
        if missing:
            report.errors.append(f"line 1: missing column(s) {', '.join(sorted(missing))}")
            return report
        for row in reader:
            case, error = _parse_row(row)
            if error:
                report.errors.append(f"line {reader.line_num}: {error}")
            else:
                cases[case.case_number] = case
    except csv.Error as error:  # a field over csv's size limit, a stray carriage return
        report.errors.append(f"line {reader.line_num + 1}: not readable as CSV ({error})")
    if report.errors:
        return report
    with Session(engine) as session, session.begin():
        existing = set(session.scalars(select(Case.case_number).where(Case.case_number.in_(cases))))
        for case in cases.values():
            session.merge(case)
    report.updated = len(existing)
    report.inserted = len(cases) - len(existing)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.cases", description="Manage the case store.")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("import", help=f"load or update cases from a CSV file ({','.join(CSV_COLUMNS)})")
    load.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    report = import_cases(open_store(), text.splitlines())
    if report.errors:
        print(f"{args.file}: nothing imported, {len(report.errors)} bad row(s):", file=sys.stderr)
        for error in report.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(f"{args.file}: {report.inserted} case(s) added, {report.updated} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
