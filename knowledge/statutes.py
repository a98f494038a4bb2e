"""What a statute says about itself and about the texts it repeals.

Read from the statute's (repaired) title and articles:

- its number (``مرسوم رقم 2.25.983``) and date: the Gregorian date in its
  title (``(29 ديسمبر 2025)``), else the date it was signed (``وحرر بالرباط في
  ... (29 ديسمبر 2025)``), else the date of the Official Bulletin that
  published it (its first footnote);
- whether it is repealed: ``(نسخ)`` in its title;
- the texts it repeals (``ينسخ المرسوم رقم 2.24.1122 الصادر في 2 رجب 1446 (3
  يناير 2025) ...``), by number and date.

:class:`StatuteStatusResolver` then marks every statute that another one
repeals as ``repealed``, across all the statutes of the index.

>>> parse_date("(29 ديسمبر 2025)")
'2025-12-29'
>>> statute_number("مرسوم رقم 2.25.983 صادر في 8 رجب 1447")
'2.25.983'
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from haystack import Document, component

from knowledge.arabic import normalize_arabic

IN_FORCE = "in_force"
REPEALED = "repealed"

_MONTH_NUMBERS = {
    normalize_arabic(name): number
    for number, names in enumerate(
        [
            ("يناير",),
            ("فبراير", "يبراير"),
            ("مارس",),
            ("أبريل", "ابريل"),
            ("ماي", "مايو"),
            ("يونيو", "يونيه"),
            ("يوليو", "يوليوز"),
            ("غشت", "أغسطس"),
            ("شتنبر", "سبتمبر"),
            ("أكتوبر", "اكتوبر"),
            ("نونبر", "نوفمبر"),
            ("دجنبر", "ديسمبر"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))
# "(29 ديسمبر 2025)", "(فاتح يوليوز 2011)": a Gregorian date in parentheses, on normalised text.
_DATE = re.compile(rf"\(\s*(فاتح|\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\s*\)")
# The statute's own number opens its title ("مرسوم رقم ..."); a later "رقم" names another text.
_NUMBER = re.compile(r"^\s*(?:مرسوم|ظهير|قرار|مقرر|قانون)(?:\s+(?:ملكي|شريف|مشترك))?\s+رقم\s+(\d+(?:\.\d+){1,3})")
_SIGNED = re.compile(rf"حرر\s+ب\S+\s+في\s+[^()]{{0,40}}?({_DATE.pattern})")
_COUNCIL = re.compile(rf"مجلس\s+الحكومه\s+المنعقد\s+بتاريخ\s+[^()]{{0,40}}?({_DATE.pattern})")
_BULLETIN = re.compile(rf"الجريده\s+الرسميه\s+عدد\s+\S+\s+بتاريخ\s+[^()]{{0,40}}?({_DATE.pattern})")
_REPEALED_MARK = re.compile(r"\(\s*نسخ\s*\)|منسوخ")
# "ينسخ المرسوم رقم X الصادر في ... (date)", "تنسخ ... مقتضيات المرسوم رقم X", "يلغى القرار ... الصادر في ... (date)"
_REPEAL = re.compile(r"(?:ينسخ|تنسخ|يلغي|تلغي)\s(?:[^.]|\.(?=\d)){0,300}")  # to the end of the sentence
_REFERENCE = re.compile(
    rf"(مرسوم|ظهير|قرار|مقرر|قانون)[^()]{{0,60}}?(?:رقم\s+(\d+(?:\.\d+){{1,3}})\s+)?(?:الصادر|المؤرخ|بتاريخ)"
    rf"(?:\s+في)?[^()]{{0,40}}?{_DATE.pattern}([^.؛]{{0,160}})"
)
# A repeal names a text by date and subject; this share of the target title's words must be in that subject.
SUBJECT_OVERLAP = 0.6
_SUBJECT_WORD = re.compile(r"[\u0621-\u064a]{3,}")
_KINDS = ("مرسوم", "ظهير", "قرار", "مقرر", "قانون")


def parse_date(text: str) -> str:
    """The first plausible Gregorian date in parentheses in ``text``, as ISO ``YYYY-MM-DD`` (``""`` when none)."""
    for match in _DATE.finditer(normalize_arabic(text)):
        if _iso(*match.groups()):
            return _iso(*match.groups())
    return ""


def _iso(day: str, month: str, year: str) -> str:
    """ISO date, or ``""`` when the digits are damaged beyond a real date (year 2122, day 45)."""
    day_number = 1 if day == "فاتح" else int(day)
    if not 1900 <= int(year) <= 2100:
        return ""
    try:  # "(31 فبراير 2025)" is no date either
        return dt.date(int(year), _MONTH_NUMBERS[month], day_number).isoformat()
    except ValueError:
        return ""


def statute_number(title: str) -> str:
    """The number of a statute from its title (``""`` when the title does not give it)."""
    match = _NUMBER.search(title)
    return match.group(1) if match else ""


def statute_kind(title: str) -> str:
    """``مرسوم``, ``ظهير``, ``قرار``, ``مقرر`` or ``قانون``: the first of these words in the title."""
    norm = normalize_arabic(title)
    found = [(norm.find(k), k) for k in _KINDS if k in norm]
    return min(found)[1] if found else ""


def statute_date(title: str, articles: list[str]) -> tuple[str, str]:
    """The statute's own date and where it was read: in its ``title``, else where it was ``signed``, else its
    Official ``bulletin`` footnote, else the government ``council`` that adopted it (weeks before signing)."""
    date = parse_date(title)
    if date:
        return date, "title"
    text = normalize_arabic("\n".join(articles))
    for source, pattern in (("signed", _SIGNED), ("bulletin", _BULLETIN), ("council", _COUNCIL)):
        for match in pattern.finditer(text):
            if _iso(*match.groups()[1:4]):
                return _iso(*match.groups()[1:4]), source
    return "", ""


def repealed_references(articles: list[str]) -> list[dict[str, str]]:
    """The texts that ``articles`` repeal: ``[{"kind", "number", "date", "subject"}]`` (number or date may be ``""``)."""
    refs = []
    for article in articles:
        for clause in _REPEAL.finditer(normalize_arabic(article)):
            for ref in _REFERENCE.finditer(clause.group(0)):
                kind, number = ref.group(1), ref.group(2) or ""
                subject = ref.group(6).strip()
                refs.append({"kind": kind, "number": number, "date": _iso(*ref.groups()[2:5]), "subject": subject})
    return refs


def statute_facts(title: str, articles: list[str]) -> dict[str, Any]:
    """Metadata of a statute read from its repaired title and articles (see the module docstring)."""
    date, date_source = statute_date(title, articles)
    return {
        "statute_number": statute_number(title),
        "statute_kind": statute_kind(title),
        "date": date,
        "year": int(date[:4]) if date else None,
        "date_source": date_source,
        "status": REPEALED if _REPEALED_MARK.search(normalize_arabic(title)) else IN_FORCE,
        "status_reason": "title" if _REPEALED_MARK.search(normalize_arabic(title)) else "",
        "repeals": repealed_references(articles),
    }


@component
class StatuteStatusResolver:
    """Marks statutes repealed by another statute of the same set.

    A statute is repealed when another one's ``repeals`` (see
    :func:`repealed_references`) names its number, or names a text of its kind
    with its date. The repealed Documents get ``status="repealed"``,
    ``status_reason="repealed by <doc_id>"`` and ``repealed_by``. Documents
    without ``repeals`` metadata pass unchanged.

    Usage example:
    ```python
    from knowledge.statutes import StatuteStatusResolver

    documents = StatuteStatusResolver().run(documents=statute_articles)["documents"]
    ```
    """

    @component.output_types(documents=list[Document], repealed=dict[str, str])
    def run(self, documents: list[Document]) -> dict[str, Any]:
        """
        :param documents: statute articles (and any other Documents).
        :returns: ``{"documents": [...], "repealed": {doc_id: repealing doc_id}}``; the Documents
            are updated in place.
        """
        statutes: dict[str, dict[str, Any]] = {}
        for doc in documents:
            if "repeals" in doc.meta:
                statutes.setdefault(doc.meta["doc_id"], doc.meta)
        repealed: dict[str, str] = {}
        for repealer, meta in statutes.items():
            for ref in meta["repeals"]:
                target = self._target(ref, {k: v for k, v in statutes.items() if k != repealer})
                if target:
                    repealed.setdefault(target, repealer)
        for doc in documents:
            by = repealed.get(doc.meta.get("doc_id", ""))
            if by and "repeals" in doc.meta:
                doc.meta.update(status=REPEALED, status_reason=f"repealed by {by}", repealed_by=by)
        return {"documents": documents, "repealed": repealed}

    @staticmethod
    def _target(ref: dict[str, str], statutes: dict[str, dict[str, Any]]) -> str:
        """The statute ``ref`` names: same number; else same kind and date (same year when the statute's
        date is only its council's) whose title is best covered by the reference's subject."""
        for doc_id, meta in statutes.items():
            if ref["number"] and ref["number"] == meta.get("statute_number"):
                return doc_id
        subject = set(_SUBJECT_WORD.findall(ref.get("subject", "")))
        best, best_overlap = "", SUBJECT_OVERLAP
        for doc_id, meta in statutes.items():
            date = meta.get("date") or ""
            if not ref["date"] or not date or ref["kind"] != meta.get("statute_kind"):
                continue
            if date != ref["date"] and not (meta.get("date_source") == "council" and date[:4] == ref["date"][:4]):
                continue
            words = set(_SUBJECT_WORD.findall(normalize_arabic(meta.get("title", "")))) - set(_KINDS)
            overlap = len(words & subject) / len(words) if words else 0.0
            if overlap >= best_overlap:
                best, best_overlap = doc_id, overlap
        return best
