"""The key fact of an Arabic sentence, said in French or English: "14 weeks", "3 jours".

When only an Arabic text answers a French or English question, the reply first states the
quantity it gives (an amount, a duration, an age, a count) in the citizen's language, then
quotes the Arabic sentence. No translation model can be installed here, so this covers
what citizens ask most: a number (in digits, or in Arabic words as the statutes write it)
followed by its unit.

>>> key_fact("تستفيد الأجيرة من إجازة ولادة مدتها أربعة عشر أسبوعا.", "en")
'14 weeks'
>>> key_fact("يحدد الحد الأدنى في 17,92 درهما للساعة", "fr", question="combien par heure ?")
'17,92 dirhams'
>>> key_fact("نص بدون عدد", "en") is None
True
"""

from __future__ import annotations

import re

_UNITS: dict[str, tuple[str, str, str, str]] = {
    # Arabic stem -> English singular, plural; French singular, plural
    "يوم": ("day", "days", "jour", "jours"),
    "أيام": ("day", "days", "jour", "jours"),
    "أسبوع": ("week", "weeks", "semaine", "semaines"),
    "أسابيع": ("week", "weeks", "semaine", "semaines"),
    "شهر": ("month", "months", "mois", "mois"),
    "أشهر": ("month", "months", "mois", "mois"),
    "شهور": ("month", "months", "mois", "mois"),
    "سنة": ("year", "years", "an", "ans"),
    "سنوات": ("year", "years", "an", "ans"),
    "سنين": ("year", "years", "an", "ans"),
    "عاما": ("year", "years", "an", "ans"),
    "ساعة": ("hour", "hours", "heure", "heures"),
    "ساعات": ("hour", "hours", "heure", "heures"),
    "دقيقة": ("minute", "minutes", "minute", "minutes"),
    "دقائق": ("minute", "minutes", "minute", "minutes"),
    "درهم": ("dirham", "dirhams", "dirham", "dirhams"),
    "دراهم": ("dirham", "dirhams", "dirham", "dirhams"),
    "أجير": ("employee", "employees", "salarié", "salariés"),
    "أجراء": ("employee", "employees", "salarié", "salariés"),
}
# What a question says about the unit it wants, in English and French.
_ASKED_UNIT = {
    "day": r"\b(days?|jours?)\b",
    "week": r"\b(weeks?|semaines?)\b",
    "month": r"\b(months?|mois)\b",
    "year": r"\b(years?|ans?|années?|age|âge|old)\b",
    "hour": r"\b(hours?|heures?|hourly|horaire)\b",
    "dirham": r"\b(dirhams?|dh|mad|wage|salaire|smig|smag|amount|montant|paid|payé)\b",
}

_ONES = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثة": 3, "أربع": 4,
    "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8, "ثمانية": 8,
    "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10,
}
_TENS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "أربعون": 40, "أربعين": 40, "خمسون": 50, "خمسين": 50,
    "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70, "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
}
_HUNDREDS = {"مائة": 100, "مئة": 100, "مائتان": 200, "مائتين": 200}
_DUAL_UNITS = {"يومان": 2, "يومين": 2, "أسبوعان": 2, "أسبوعين": 2, "شهران": 2, "شهرين": 2, "سنتان": 2, "سنتين": 2}

# a number in digits, with its decimals (17,92)
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[\u0621-\u064a\u0660-\u0669]+|\d+(?:[.,]\d+)?")


def _unit_of(word: str) -> tuple[str, str, str, str] | None:
    """The unit a word names, with its article, ending (accusative alef, ta marbuta) or clitic off."""
    for candidate in (word, word.removeprefix("ال"), word.removeprefix("لل"), word.removeprefix("ب")):
        for end in ("", "ا", "اً"):
            stem = candidate[: len(candidate) - len(end)] if end and candidate.endswith(end) else candidate
            if stem in _UNITS:
                return _UNITS[stem]
    return None


def _word_number(words: list[str], start: int) -> tuple[int, int] | None:
    """An Arabic number written in words from ``words[start]``: (value, words used)."""
    total, used, i = 0, 0, start
    while i < len(words):
        word = words[i].removeprefix("و") if used else words[i]
        if word in _HUNDREDS:
            total += _HUNDREDS[word]
        elif word.endswith("مائة") and word[:-4] in _ONES:  # ثلاثمائة
            total += _ONES[word[:-4]] * 100
        elif word in _TENS:
            total += _TENS[word]
        elif word in _ONES:
            value = _ONES[word]
            # أربعة عشر: a one then ten makes a teen
            if i + 1 < len(words) and words[i + 1] in ("عشر", "عشرة") and value < 10:
                total += value + 10
                i += 1
                used += 1
            else:
                total += value
        elif word in ("ألف", "آلاف") and total:
            total *= 1000
        else:
            break
        used += 1
        i += 1
    return (total, used) if used and total else None


def quantities(text: str) -> list[tuple[str, tuple[str, str, str, str]]]:
    """Every number followed by a unit in ``text``: (the number as digits, the unit)."""
    words = _WORD.findall(text or "")
    found: list[tuple[str, tuple[str, str, str, str]]] = []
    i = 0
    while i < len(words):
        word = words[i]
        if i + 1 < len(words) and words[i + 1] == "ونصف" and _unit_of(word) is not None:  # يوم ونصف
            found.append(("1.5", _unit_of(word)))
            i += 2
            continue
        if word in _DUAL_UNITS:
            unit = _unit_of(word.removesuffix("ان").removesuffix("ين").removesuffix("ت") or word)
            found.append(("2", unit or _UNITS["يوم"]))
            i += 1
            continue
        if NUMBER.fullmatch(word):
            number, used = word, 1
        else:
            parsed = _word_number(words, i)
            if parsed is None:
                i += 1
                continue
            number, used = str(parsed[0]), parsed[1]
        if i + used < len(words):
            unit = _unit_of(words[i + used])
            if unit is not None:
                cents = _centimes(words, i + used + 1) if unit[0] == "dirham" else None
                if cents is not None:  # سبعة عشر درهما واثنان وتسعون سنتيما: 17,92
                    number, used = f"{number},{cents[0]:02d}", used + 1 + cents[1]
                found.append((number, unit))
        i += used
    return found


def _centimes(words: list[str], start: int) -> tuple[int, int] | None:
    """``و`` and a number of centimes in words at ``words[start]``: (centimes, words used)."""
    if start >= len(words) or not words[start].startswith("و"):
        return None
    parsed = _word_number([words[start].removeprefix("و"), *words[start + 1 :]], 0)
    if parsed is None or parsed[0] >= 100 or start + parsed[1] >= len(words):
        return None
    return (parsed[0], parsed[1] + 1) if words[start + parsed[1]].startswith("سنتيم") else None


def key_fact(text: str, language: str, question: str = "") -> str | None:
    """The first quantity of ``text`` (the one whose unit the question names, if any), worded in
    ``language`` (``en`` or ``fr``); None when there is none, when the text gives several values
    in that unit (a scale by seniority: which one applies is the quoted text's to say), or when
    the language is another."""
    if language not in ("en", "fr"):
        return None
    found = quantities(text)
    if not found:
        return None
    asked = [unit for unit, pattern in _ASKED_UNIT.items() if re.search(pattern, question or "", re.IGNORECASE)]
    number, unit = next((q for q in found if q[1][0] in asked), found[0])
    if len({n for n, u in found if u[0] == unit[0]}) > 1:
        return None
    singular, plural = (unit[0], unit[1]) if language == "en" else (unit[2], unit[3])
    return f"{number} {singular if number in ('1', '1,0') else plural}"
