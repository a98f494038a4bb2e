"""Checks on the NLU training data in bot/data/nlu: every intent is taught in every
form of the language, switch requests are ones the language detector acts on, and
the entity regexes accept the formats citizens type and nothing else."""
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from languages import identify, writing_form

REPO_ROOT = Path(__file__).resolve().parents[2]
FORMS = ("en", "fr", "ar (Arabic script)", "ar (Latin script)")


@pytest.fixture(scope="module")
def nlu_data():
    return load_data(str(REPO_ROOT / "bot" / "data" / "nlu"))


def test_every_intent_has_examples_in_every_form(nlu_data):
    counts = defaultdict(lambda: defaultdict(int))
    for example in nlu_data.intent_examples:
        counts[example.get("intent")][writing_form(example.get("text"))] += 1
    assert {"switch_language", "out_of_scope"} <= set(counts)
    for intent, by_form in counts.items():
        missing = [form for form in FORMS if by_form[form] < 3]
        assert not missing, f"{intent} has fewer than 3 examples in {missing}: {dict(by_form)}"


def test_every_switch_example_is_a_switch_request(nlu_data):
    examples = [e.get("text") for e in nlu_data.intent_examples if e.get("intent") == "switch_language"]
    assert len(examples) >= 20
    asked = set()
    for text in examples:
        guess = identify(text)
        assert guess.reason == "switch-request", f"{text!r}: {guess}"
        asked.add(guess.language)
    assert asked == {"ar", "fr", "en"}


def regex(nlu_data, name: str) -> re.Pattern:
    [pattern] = [r["pattern"] for r in nlu_data.regex_features if r["name"] == name]
    # as RegexEntityExtractor uses it (case_sensitive: false in config.yml)
    return re.compile(pattern, re.IGNORECASE)


@pytest.mark.parametrize(
    "text, value",
    [
        ("LAB-2025-000123", "LAB-2025-000123"),
        ("mon dossier lab-2024-000417 svp", "lab-2024-000417"),
        ("Lab 2025 000123", "Lab 2025 000123"),
        ("LAB2025000123", "LAB2025000123"),
        ("رقم الملف LAB-٢٠٢٥-٠٠٠١٢٣", "LAB-٢٠٢٥-٠٠٠١٢٣"),
    ],
)
def test_case_number_regex_accepts(nlu_data, text, value):
    assert regex(nlu_data, "case_number").search(text).group() == value


@pytest.mark.parametrize("text", ["LAB-25-000123", "LAB-2025-00012", "LABO-2025-000123", "2025-000123"])
def test_case_number_regex_rejects(nlu_data, text):
    assert regex(nlu_data, "case_number").search(text) is None


@pytest.mark.parametrize(
    "text, value",
    [("AB123456", "AB123456"), ("ma CIN est k987654", "k987654"), ("البطاقة AB١٢٣٤٥٦", "AB١٢٣٤٥٦")],
)
def test_national_id_regex_accepts(nlu_data, text, value):
    assert regex(nlu_data, "national_id").search(text).group() == value


@pytest.mark.parametrize("text", ["LAB-2025-000123", "LAB2025000123", "Smig f 2025 ch7al?", "ABC123456"])
def test_national_id_regex_rejects(nlu_data, text):
    assert regex(nlu_data, "national_id").search(text) is None


@pytest.mark.parametrize(
    "text, value",
    [
        ("call me on 0612345678", "0612345678"),
        ("appelez-moi au 06 12 34 56 78", "06 12 34 56 78"),
        ("+212 661 23 45 67", "+212 661 23 45 67"),
        ("+212612345678", "+212612345678"),
        ("00212 7 12 34 56 78", "00212 7 12 34 56 78"),
        ("عيطو ليا ف ٠٦١٢٣٤٥٦٧٨", "٠٦١٢٣٤٥٦٧٨"),
        ("fixe 05.22.12.34.56", "05.22.12.34.56"),
    ],
)
def test_phone_number_regex_accepts(nlu_data, text, value):
    assert regex(nlu_data, "phone_number").search(text).group() == value


@pytest.mark.parametrize("text", ["0812345678", "061234567", "06123456789", "LAB-2025-000123", "+33612345678"])
def test_phone_number_regex_rejects(nlu_data, text):
    assert regex(nlu_data, "phone_number").search(text) is None
