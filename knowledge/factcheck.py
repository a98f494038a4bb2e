"""Whether a reply carries a fact: matching that forgives how numbers and letters are written.

The answer-level evaluation (``bench/eval_answers.py``) and the fit of the answer model
(:mod:`knowledge.fitting`) both ask whether a text holds an expected fact, given as short
alternative forms (``["14", "أربعة عشر", "quatorze"]``).

>>> carries_facts("Le congé dure 14 semaines.", [["14", "quatorze"]])
True
>>> carries("ثلاثة ملايين و892 ألف", "892")
True
>>> carries("يحدد سن التقاعد في خمس وخمسين سنة", "55")
True
"""
from __future__ import annotations

import re
import unicodedata

from knowledge.keyfact import NUMBER, quantities

_ARABIC_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")} | {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
# 3.892.668, 3 892 668, 3,892,668, 3 892 668 (narrow no-break space): one number.
_THOUSANDS = re.compile(r"(?<=\d)[.,\s\u00a0\u202f](?=\d{3}(?!\d))")


def normalise(text: str) -> str:
    """Lower case, ASCII digits, no diacritics or tatweel, Arabic letter variants folded,
    thousands separators removed, whitespace collapsed.

    >>> normalise("3.892.668 Salariés ٣٠ يوماً")
    '3892668 salaries 30 يوما'
    """
    text = unicodedata.normalize("NFKC", text or "").translate(_ARABIC_DIGITS)
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLDS)
    decomposed = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in decomposed if not (unicodedata.category(c) == "Mn" and ord(c) < 0x0600))
    text = unicodedata.normalize("NFC", text)
    previous = None
    while previous != text:  # 1.234.567 needs two passes of the look-ahead
        previous, text = text, _THOUSANDS.sub("", text)
    return " ".join(text.split())


def carries(text: str, form: str) -> bool:
    """Whether ``text`` holds ``form`` after normalising both; digits match whole numbers only
    (``18`` is not found in ``180``), and also an Arabic number in words followed by its unit."""
    needle, haystack = normalise(form), normalise(text)
    if not needle:
        return False
    pattern = re.escape(needle)
    if needle[0].isdigit():
        pattern = r"(?<!\d)" + pattern
    if needle[-1].isdigit():
        pattern += r"(?!\d)"
    if re.search(pattern, haystack) is not None:
        return True
    # the statutes write quantities in words ("مائة وثمانين يوما" is 180 days)
    return NUMBER.fullmatch(needle) is not None and any(normalise(number) == needle for number, _ in quantities(text))


def carries_facts(text: str, facts: list[list[str]]) -> bool:
    """Every fact has at least one of its forms in ``text``."""
    return all(any(carries(text, form) for form in fact) for fact in facts)
