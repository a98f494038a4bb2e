"""Properties of the case-number and CIN validators and of the CSV case import (hypothesis)."""
import csv
import io
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.cases import CSV_COLUMNS, import_cases, normalise_case_number, normalise_national_id
from store import CASE_STATUSES, Case, get_engine, init_store

PROPERTIES = settings(max_examples=200, deadline=None)
CASE_NUMBER = re.compile(r"LAB-[0-9]{4}-[0-9]{6}")
NATIONAL_ID = re.compile(r"[A-Z]{1,2}[0-9]{4,8}")

# Each ASCII digit as a citizen may type it: Latin, Arabic-Indic, Eastern Arabic-Indic (Persian).
DIGIT_FORMS = {str(d): (str(d), chr(0x0660 + d), chr(0x06F0 + d)) for d in range(10)}
SEPARATORS = st.text(alphabet=" -_./", max_size=3)


@st.composite
def typed_digits(draw, digits: str) -> str:
    """`digits` as typed, each one in any of the three digit forms."""
    return "".join(draw(st.sampled_from(DIGIT_FORMS[d])) for d in digits)


@st.composite
def typed_case_numbers(draw) -> tuple[str, str]:
    """(the case number as a citizen might type it, its canonical form)."""
    year = draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    serial = draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    prefix = "".join(draw(st.sampled_from((c, c.lower()))) for c in "LAB")
    typed = (
        draw(st.sampled_from(("", " ", "  ")))
        + prefix + draw(SEPARATORS) + draw(typed_digits(year)) + draw(SEPARATORS) + draw(typed_digits(serial))
        + draw(st.sampled_from(("", " ", "\t")))
    )
    return typed, f"LAB-{year}-{serial}"


@st.composite
def typed_national_ids(draw) -> tuple[str, str]:
    letters = draw(st.from_regex(r"[A-Z]{1,2}", fullmatch=True))
    digits = draw(st.from_regex(r"[0-9]{4,8}", fullmatch=True))
    typed = "".join(draw(st.sampled_from((c, c.lower()))) for c in letters) + draw(SEPARATORS) + draw(typed_digits(digits))
    return typed, letters + digits


@PROPERTIES
@given(typed_case_numbers())
def test_any_typed_case_number_is_normalised_to_its_canonical_form(typed_and_canonical):
    typed, canonical = typed_and_canonical
    assert normalise_case_number(typed) == canonical


@PROPERTIES
@given(typed_national_ids())
def test_any_typed_national_id_is_normalised_to_its_canonical_form(typed_and_canonical):
    typed, canonical = typed_and_canonical
    assert normalise_national_id(typed) == canonical


# Arbitrary text, with the characters of case numbers and CINs over-represented, and
# digits of every script (Devanagari, full-width...) that Python's `\d` would take.
NOISY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from("LABlab0123456789٠١٢٣٤٥٦٧٨٩۱۲३४५２３ -_./'\";=ßı")),
    st.builds(lambda a, b: "LAB" + a + b, st.text(max_size=6), st.text(max_size=8)),
)


@PROPERTIES
@given(NOISY_TEXT)
def test_random_text_never_yields_an_invalid_case_number(text):
    result = normalise_case_number(text)
    assert result is None or CASE_NUMBER.fullmatch(result), result
    if result is not None:
        assert normalise_case_number(result) == result  # idempotent


@PROPERTIES
@given(NOISY_TEXT)
def test_random_text_never_yields_an_invalid_national_id(text):
    result = normalise_national_id(text)
    assert result is None or NATIONAL_ID.fullmatch(result), result
    if result is not None:
        assert normalise_national_id(result) == result


@pytest.mark.parametrize("typed", ["LAB२०२५०००१२३", "LAB-２０２５-０００１２３", "AB१२३४५६"])
def test_digits_of_other_scripts_are_not_accepted(typed):
    # Found by the properties above: `\d` used to let these through unchanged.
    assert normalise_case_number(typed) is None
    assert normalise_national_id(typed) is None


# --- CSV import: all or nothing ---

GOOD_ROWS = st.fixed_dictionaries({
    "case_number": typed_case_numbers().map(lambda pair: pair[0].strip()),
    "national_id": typed_national_ids().map(lambda pair: pair[0]),
    "status": st.sampled_from(CASE_STATUSES),
    "updated_at": st.dates().map(lambda d: d.isoformat()),
})
BAD_FIELDS = {
    "case_number": st.sampled_from(["", "LAB-25-1", "' OR 1=1 --", "LAB-2026-000001'; DROP TABLE cases;--"]),
    "national_id": st.sampled_from(["", "123456", "ABC123456", "AB12"]),
    # (no control or line-separator characters: those are the arbitrary-lines test's business)
    "status": st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12).filter(lambda s: s.strip().lower() not in CASE_STATUSES),
    "updated_at": st.sampled_from(["", "02/01/2026", "2026-13-01", "2026-02-30", "demain"]),
}


@st.composite
def csv_rows(draw) -> tuple[list[dict[str, str]], set[int]]:
    """Rows, some of them with one bad field; and the CSV line numbers of the bad ones."""
    rows, bad_lines = [], set()
    for index in range(draw(st.integers(1, 8))):
        row = draw(GOOD_ROWS)
        if draw(st.booleans()) and draw(st.booleans()):
            field = draw(st.sampled_from(CSV_COLUMNS))
            row[field] = draw(BAD_FIELDS[field])
            bad_lines.add(index + 2)  # line 1 is the header
        rows.append(row)
    return rows, bad_lines


def as_csv_lines(rows: list[dict[str, str]]) -> list[str]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().splitlines()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('cases') / 'cases.db'}")
    init_store(engine)
    return engine


def snapshot(engine) -> dict[str, tuple]:
    with Session(engine) as session:
        return {c.case_number: (c.national_id, c.status, c.updated_at) for c in session.scalars(select(Case))}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(csv_rows())
def test_csv_import_writes_every_row_or_none(engine, rows_and_bad_lines):
    rows, bad_lines = rows_and_bad_lines
    before = snapshot(engine)
    report = import_cases(engine, as_csv_lines(rows))
    after = snapshot(engine)
    if bad_lines:
        assert {int(re.match(r"line (\d+):", e)[1]) for e in report.errors} == bad_lines, report.errors
        assert after == before
        assert (report.inserted, report.updated) == (0, 0)
    else:
        assert report.errors == []
        expected = {normalise_case_number(r["case_number"]): r for r in rows}  # a later row wins
        for number, row in expected.items():
            assert after[number][:2] == (normalise_national_id(row["national_id"]), row["status"])
            assert after[number][2].isoformat() == row["updated_at"]
        assert set(after) == set(before) | set(expected)
        assert report.inserted + report.updated == len(expected)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(), max_size=6))
def test_csv_import_of_arbitrary_lines_never_raises_nor_half_writes(engine, lines):
    assume(lines[:1] != [",".join(CSV_COLUMNS)])
    before = snapshot(engine)
    report = import_cases(engine, [",".join(CSV_COLUMNS), *lines])
    after = snapshot(engine)
    if report.errors:
        assert after == before
    else:
        assert set(before) <= set(after)


def test_csv_import_of_an_unreadable_row_reports_it_and_writes_nothing(engine):
    # Found by the property above: csv.Error used to escape (a traceback from the CLI).
    before = snapshot(engine)
    lines = [",".join(CSV_COLUMNS), "LAB-2026-000010,XY123456,received,2026-02-01", '"' + "x" * 200_000 + '",a,b,c']
    report = import_cases(engine, lines)
    assert len(report.errors) == 1 and report.errors[0].startswith("line 3: not readable as CSV"), report.errors
    assert snapshot(engine) == before


def test_csv_import_of_an_unreadable_header_reports_it_and_writes_nothing(engine):
    before = snapshot(engine)
    report = import_cases(engine, ['"' + "x" * 200_000 + '",a,b,c', "LAB-2026-000010,XY123456,received,2026-02-01"])
    assert len(report.errors) == 1 and report.errors[0].startswith("line 1: not readable as CSV"), report.errors
    assert snapshot(engine) == before
