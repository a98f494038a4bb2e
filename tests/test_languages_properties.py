"""Properties of the message language identifier and of the NLU's case-number regex (hypothesis)."""
import re
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from languages import LANGUAGES, identify, writing_form

PROPERTIES = settings(max_examples=100, deadline=None)
NLU_CASE_STATUS = Path(__file__).resolve().parents[1] / "bot" / "data" / "nlu" / "case_status.yml"

# Arbitrary text, and text made of what chat messages are made of: words of each language,
# Arabizi, emoji, right-to-left and zero-width controls, case numbers, links.
PIECES = st.sampled_from([
    "salam", "bghit", "n3ref", "ch7al", "dyali", "bonjour", "je", "voudrais", "le", "salaire", "hello",
    "I", "want", "my", "case", "ما", "هو", "الأجر", "شحال", "ok", "👍", "🇲🇦", "\u200f", "\u202e", "\u2066",
    "\u200d", "\ufeff", "LAB-2025-000123", "AB123456", "https://emploi.gov.ma", "in English please",
    "بالعربية", "en français", "123", "٣٤٥", " ", "\n", "?", "!",
])
MESSAGES = st.one_of(st.text(max_size=80), st.lists(PIECES, max_size=10).map(" ".join))
FORMS = {"en", "fr", "ar (Arabic script)", "ar (Latin script)", "unsure"}


@PROPERTIES
@given(MESSAGES)
def test_identify_never_raises_and_returns_a_known_label(text):
    guess = identify(text)
    assert guess.language is None or guess.language in LANGUAGES
    assert 0.0 <= guess.probability <= 1.0
    assert isinstance(guess.reason, str) and guess.reason
    if guess.confident:
        assert guess.language in LANGUAGES


@PROPERTIES
@given(MESSAGES)
def test_writing_form_is_one_of_the_report_labels(text):
    assert writing_form(text) in FORMS


@PROPERTIES
@given(st.lists(st.sampled_from(["👍", "🙏", "😀", "🇲🇦", "\u200f", "\u202e", "\u2066", "\u2069", "\u200d", " "]),
                min_size=1, max_size=12).map("".join))
def test_emoji_and_direction_marks_alone_never_switch_the_language(text):
    assert not identify(text).confident


def case_number_regex() -> re.Pattern:
    """The `case_number` regex of the NLU data, as Rasa's RegexEntityExtractor uses it (case-insensitive)."""
    data = yaml.safe_load(NLU_CASE_STATUS.read_text(encoding="utf-8"))
    (entry,) = [item for item in data["nlu"] if item.get("regex") == "case_number"]
    (pattern,) = [line[2:].strip() for line in entry["examples"].splitlines() if line.startswith("- ")]
    return re.compile(pattern, re.IGNORECASE)


DIGIT_FORMS = {str(d): (str(d), chr(0x0660 + d), chr(0x06F0 + d)) for d in range(10)}


@st.composite
def typed_case_numbers(draw) -> str:
    digits = draw(st.from_regex(r"[0-9]{10}", fullmatch=True))
    typed = [draw(st.sampled_from(DIGIT_FORMS[d])) for d in digits]
    separator = st.sampled_from(["", "-", " ", "_", ".", "/"])
    return (draw(st.sampled_from(["LAB", "lab", "Lab"])) + draw(separator) + "".join(typed[:4])
            + draw(separator) + "".join(typed[4:]))


# What may stand around a case number in a message: anything that ends (or starts) with a
# non-word character, since the regex wants word boundaries.
AROUND = st.text(max_size=30).map(lambda s: s + " ")


@PROPERTIES
@given(AROUND, typed_case_numbers(), AROUND.map(lambda s: " " + s[:-1]))
def test_a_case_number_inside_any_message_is_found(before, number, after):
    found = case_number_regex().search(before + number + after)
    assert found is not None
    assert found.group(0) == number
