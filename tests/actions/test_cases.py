import datetime as dt

import pytest

from actions.cases import find_case, import_cases, main, normalise_case_number, normalise_national_id
from actions.settings import open_store
from store import DEMO_CASES, get_engine, init_store


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("LAB-2025-000123", "LAB-2025-000123"),
        ("lab-2025-000123", "LAB-2025-000123"),
        ("LAB 2025 000123", "LAB-2025-000123"),
        ("LAB2025000123", "LAB-2025-000123"),
        ("LAB-٢٠٢٥-٠٠٠١٢٣", "LAB-2025-000123"),
        (" lab_2024_000417 ", "LAB-2024-000417"),
    ],
)
def test_case_numbers_are_normalised(typed, expected):
    assert normalise_case_number(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", None, "LAB-25-000123", "LAB-2025-00123", "ABC-2025-000123", "LAB-2025-000123'; DROP TABLE cases;--"]
)
def test_non_case_numbers_are_rejected(typed):
    assert normalise_case_number(typed) is None


@pytest.mark.parametrize("typed, expected", [("AB123456", "AB123456"), ("ab 123456", "AB123456"), ("k987654", "K987654")])
def test_national_ids_are_normalised(typed, expected):
    assert normalise_national_id(typed) == expected


@pytest.mark.parametrize("typed", ["", "123456", "ABC123456", "AB12", "AB-12x456"])
def test_non_national_ids_are_rejected(typed):
    assert normalise_national_id(typed) is None


@pytest.fixture
def engine(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'cases.db'}")
    init_store(engine)
    return engine


def test_store_is_seeded_once(engine):
    init_store(engine)  # a second start must not duplicate the demo cases
    number, national_id, status, updated = DEMO_CASES[0]
    case = find_case(engine, number, national_id)
    assert case is not None
    assert (case.status, case.updated_at) == (status, updated)


def test_case_is_found_only_with_its_holders_id(engine):
    number, _, _, _ = DEMO_CASES[0]
    other_citizen = DEMO_CASES[1][1]
    assert find_case(engine, number, other_citizen) is None
    assert find_case(engine, "LAB-2099-000001", DEMO_CASES[0][1]) is None


def test_dates_are_dates(engine):
    case = find_case(engine, *DEMO_CASES[2][:2])
    assert isinstance(case.updated_at, dt.date)


def test_csv_import_adds_and_updates(engine, tmp_path):
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(
        "case_number,national_id,status,updated_at\n"
        "lab 2026 000001,xy 123456,received,2026-02-01\n"
        f"{DEMO_CASES[0][0]},{DEMO_CASES[0][1]},closed,2026-02-02\n",
        encoding="utf-8",
    )
    report = import_cases(engine, csv_file.read_text().splitlines())
    assert (report.inserted, report.updated, report.errors) == (1, 1, [])
    assert find_case(engine, "LAB-2026-000001", "XY123456").status == "received"
    assert find_case(engine, DEMO_CASES[0][0], DEMO_CASES[0][1]).status == "closed"


def test_csv_import_with_a_bad_row_imports_nothing(engine):
    lines = [
        "case_number,national_id,status,updated_at",
        "LAB-2026-000001,XY123456,received,2026-02-01",
        "LAB-2026-000002,XY123457,lost,2026-02-01",
        "LAB-2026-000003,XY123458,received,02/01/2026",
    ]
    report = import_cases(engine, lines)
    assert report.errors == [
        "line 3: status 'lost' is not one of received, in_review, awaiting_documents, decided, closed",
        "line 4: updated_at '02/01/2026' is not a date like 2025-11-03",
    ]
    assert find_case(engine, "LAB-2026-000001", "XY123456") is None


def test_csv_import_cli_reports_and_exits_non_zero(tmp_path, store_in_tmp, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("case_number,national_id\nLAB-2026-000001,XY123456\n", encoding="utf-8")
    assert main(["import", str(bad)]) == 1
    assert "missing column(s) status, updated_at" in capsys.readouterr().err


def test_csv_import_cli_loads_a_good_file(tmp_path, store_in_tmp, capsys):
    good = tmp_path / "good.csv"
    good.write_text("case_number,national_id,status,updated_at\nLAB-2026-000777,QA777777,decided,2026-03-01\n", encoding="utf-8")
    assert main(["import", str(good)]) == 0
    assert "1 case(s) added, 0 updated" in capsys.readouterr().out
    assert find_case(open_store(), "LAB-2026-000777", "QA777777").status == "decided"
