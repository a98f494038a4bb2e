"""Text analysis for BM25: per-script, per-language stemming, and an Arabic gloss of queries.

- Arabic-script words: :func:`knowledge.arabic.normalize_arabic`, Arabic light
  stemming (common prefixes و ف ب ك ل ال وال بال كال فال لل and suffixes ها ان
  ات ون ين يه ية ه ة ي), then the Snowball Arabic stemmer (PyStemmer: Snowball in C).
- Latin words: French or English Snowball stemmer, chosen per text by its
  function words; accents are folded first so ``conges payes`` matches ``congés payés``.
- :func:`arabic_gloss`: the Arabic legal terms for the labour words of an
  English, French or Darija (Arabic script or Arabizi) question, from
  ``glossary.tsv``. Added to the BM25 query (and to the dense query), it lets a
  question in any of the assistant's languages reach statutes that exist only
  in Arabic.

>>> analyze("والأجراء بالعطلة")
['اجير', 'عطل']
>>> analyze("Les congés payés")[-2:]
['cong', 'pay']
>>> arabic_gloss("smig daba?")
'الحد الأدنى القانوني للأجر في النشاطات غير الفلاحية'
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from pathlib import Path
from typing import Any

import Stemmer
from haystack import component, default_from_dict, default_to_dict

from knowledge.arabic import normalize_arabic
from languages import ENGLISH, identify

GLOSSARY_FILE = Path(__file__).resolve().parent / "glossary.tsv"

_TOKEN = re.compile(r"\w+", re.UNICODE)
_ARABIC_WORD = re.compile(r"^[\u0621-\u064a\u0671-\u06d3]+$")
# Longest first, so وال is tried before و.
_AR_PREFIXES = sorted(["و", "ف", "ب", "ك", "ل", "ال", "وال", "بال", "كال", "فال", "لل"], key=len, reverse=True)
_AR_SUFFIXES = sorted(["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"], key=len, reverse=True)
_CLITICS = ("و", "ف", "ب", "ل", "ك")
# normalize_arabic folds ة to ه and ى to ي, so ية/ة appear here as يه/ه.
_MIN_AR_STEM = 2

_FRENCH_MARKERS = frozenset(
    "le la les des du de un une et est pour dans sur au aux par pas que qui quel quelle ce cette mon ma mes je il elle "
    "combien peut avec son sa ses leur en ou".split()
)
_ENGLISH_MARKERS = frozenset(
    "the a an and is are of to for in on at by what which who how my i me can do does with his her their or if "
    "much many".split()
)

_stemmers = threading.local()


def _stemmer(language: str) -> Stemmer.Stemmer:
    # PyStemmer's Snowball stemmers (C) are not thread-safe: one per thread and language.
    cache = getattr(_stemmers, "cache", None)
    if cache is None:
        cache = _stemmers.cache = {}
    if language not in cache:
        cache[language] = Stemmer.Stemmer(language)
    return cache[language]


def fold_accents(text: str) -> str:
    """``congé`` -> ``conge`` (drops combining marks after NFKD)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def light_stem_arabic(word: str) -> str:
    """Strip one common prefix and one common suffix, keeping at least two letters.

    >>> light_stem_arabic("والمشغلين")
    'مشغل'
    """
    for prefix in _AR_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_AR_STEM + 1:
            word = word[len(prefix) :]
            break
    for suffix in _AR_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_AR_STEM + 1:
            word = word[: -len(suffix)]
            break
    return word


# Broken plurals of labour terms, which no affix stripping relates to their singular (أجير/أجراء):
# both index to the singular's token, so "الأحداث" in an article matches "الحدث" in a question.
# Also words whose first letter light stemming would take for a clitic (ليلا is not ل + يلا).
_PLURAL_TO_SINGULAR = {
    "أجراء": "أجير", "أحداث": "حدث", "أعياد": "عيد", "أشهر": "شهر", "شهور": "شهر", "أسابيع": "أسبوع",
    "أيام": "يوم", "أجور": "أجر", "عمال": "عامل", "نساء": "المرأة", "أطفال": "طفل", "حقوق": "حق",
    "عقود": "عقد", "مبالغ": "مبلغ", "أجانب": "أجنبي", "أسباب": "سبب", "أخطاء": "خطأ", "وثائق": "وثيقة",
    "أمراض": "مرض", "حوادث": "حادثة", "شروط": "شرط", "مهام": "مهمة", "سنين": "سنة", "ليلا": "ليل",
    "ليالي": "ليل", "مناصب": "منصب", "أشغال": "شغل", "أعمال": "عمل", "أطباء": "طبيب", "مفتشين": "مفتش",
}


def _stem_arabic(word: str) -> str:
    stem = _stemmer("arabic").stemWord(light_stem_arabic(word))
    return stem if len(stem) >= _MIN_AR_STEM else word


@functools.lru_cache(maxsize=1)
def _plural_tokens() -> dict[str, str]:
    """Normalised plural, and its light stem (الأجراء, للأجراء) -> the singular's token."""
    tokens = {}
    for plural, singular in _PLURAL_TO_SINGULAR.items():
        plural, token = normalize_arabic(plural), _stem_arabic(normalize_arabic(singular))
        tokens[plural] = tokens[light_stem_arabic(plural)] = token
    return tokens


@functools.lru_cache(maxsize=200_000)
def _arabic_token(word: str) -> str:
    plurals = _plural_tokens()
    for prefix in ("", *_AR_PREFIXES):
        if word.startswith(prefix) and (token := plurals.get(word[len(prefix) :])) is not None:
            return token
    return _stem_arabic(word)


@functools.lru_cache(maxsize=200_000)
def _latin_token(word: str, language: str) -> str:
    return _stemmer(language).stemWord(fold_accents(word))


def _function_word_counts(words: list[str]) -> tuple[int, int]:
    """How many of ``words`` are French and English function words."""
    return sum(w in _FRENCH_MARKERS for w in words), sum(w in _ENGLISH_MARKERS for w in words)


def latin_language(words: list[str]) -> str:
    """``french`` or ``english``: whichever has more function words in ``words`` (French on a tie)."""
    fr, en = _function_word_counts(words)
    return "english" if en > fr else "french"


def analyze(text: str) -> list[str]:
    """BM25 tokens of ``text``: lower-cased, Arabic-normalised and stemmed, accents folded."""
    words = _TOKEN.findall(normalize_arabic(text.lower()))
    latin = [w for w in words if not _ARABIC_WORD.match(w)]
    language = latin_language(latin) if latin else "english"
    tokens = []
    for word in words:
        if _ARABIC_WORD.match(word):
            tokens.append(_arabic_token(word))
        elif word.isdigit():
            tokens.append(word)
        else:
            tokens.append(_latin_token(word, language))
    return tokens


def analyze_passage(text: str) -> list[str]:
    """:func:`analyze` for indexing: each Arabic word with an alef-lam inside also
    indexes its lam-alef reading, so a damaged article still matches the intact word.

    >>> analyze_passage("بإجازة والدة")
    ['اجاز', 'الد', 'لاد']
    """
    tokens = analyze(text)
    for word in _TOKEN.findall(normalize_arabic(text.lower())):
        # the PDF extraction reversed some lam-alef ligatures that the repair could not tell
        # from a genuine word (والدة / ولادة): an alef-lam after the word's first letter, or after its article
        start = 2 if word.startswith("ال") else 1
        if _ARABIC_WORD.match(word) and "ال" in word[start:]:
            tokens.append(_arabic_token(word[:start] + word[start:].replace("ال", "لا")))
    return tokens


def _gloss_key(text: str) -> tuple[str, ...]:
    # Arabizi keeps its digits (3, 7, 9 are letters); apostrophes split words (l'heure).
    return tuple(_TOKEN.findall(normalize_arabic(fold_accents(text.lower()).replace("'", " "))))


@functools.lru_cache(maxsize=1)
def load_glossary(path: Path = GLOSSARY_FILE) -> tuple[dict[tuple[str, ...], str], int]:
    """The glossary as ``{term words: Arabic}`` and the longest term length in words."""
    entries: dict[tuple[str, ...], str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, _, arabic = line.partition("\t")
        key = _gloss_key(term)
        if key and arabic.strip():
            entries[key] = arabic.strip()
    return entries, max((len(k) for k in entries), default=0)


def arabizi_skeleton(word: str) -> str:
    """What stays the same across Arabizi spellings of a word: consonants, ``5`` read ``kh``,
    ``7`` read ``h``, ``q`` read ``9``, ``sh`` read ``ch``, no vowels, no doubled letters.

    >>> arabizi_skeleton("khddam"), arabizi_skeleton("5dam"), arabizi_skeleton("ch7al"), arabizi_skeleton("chhal")
    ('khdm', 'khdm', 'chl', 'chl')
    """
    word = word.lower().replace("5", "kh").replace("7", "h").replace("q", "9").replace("sh", "ch")
    consonants = [c for c in word if c not in "aeiouy"]
    return "".join(c for i, c in enumerate(consonants) if i == 0 or c != consonants[i - 1])


# Skeletons shorter than this match too many words to be trusted; one shared by more terms
# with different Arabic than this is too ambiguous.
_MIN_SKELETON = 3
_MAX_SKELETON_SENSES = 2


@functools.lru_cache(maxsize=1)
def _skeleton_index() -> dict[str, str]:
    """Arabizi skeleton of each one-word Latin glossary term -> its Arabic. Terms that differ only
    by vowels (chhar month, chhor months; khdma work, khddam worker) give both glosses."""
    senses: dict[str, list[str]] = {}
    for key, arabic in load_glossary()[0].items():
        if len(key) == 1 and key[0].isascii() and len(skeleton := arabizi_skeleton(key[0])) >= _MIN_SKELETON:
            if arabic not in (glosses := senses.setdefault(skeleton, [])):
                glosses.append(arabic)
    return {k: " ".join(v) for k, v in senses.items() if len(v) <= _MAX_SKELETON_SENSES}


# Darija verbs carry their person, tense and negation as affixes (كنخلص, كيخلصو, ماخلصنيش,
# kantkhlas, y3tiwni); the glossary lists the bare verb (خلص, khlas), as the MSA glosses do.
_DARIJA_PREFIXES = ("كن", "كي", "كت", "كا", "تن", "غا", "ن", "ت", "ي")
_DARIJA_SUFFIXES = ("ليا", "ليه", "ليها", "ليهم", "ني", "نا", "هم", "ها", "كم", "و", "ت", "ش")
_ARABIZI_PREFIXES = ("kant", "kayt", "kan", "kay", "kat", "ka", "ta", "nt", "n", "t", "y")
_ARABIZI_SUFFIXES = ("wni", "wna", "ni", "na", "hom", "ha", "ou", "o", "w", "t")
_MIN_DARIJA_STEM = 3


def _strip_affixes(word: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> list[str]:
    """``word`` without one of ``suffixes``, one of ``prefixes``, then both, each leaving at least
    :data:`_MIN_DARIJA_STEM` letters."""
    unsuffixed = [word[: -len(s)] for s in suffixes if word.endswith(s) and len(word) - len(s) >= _MIN_DARIJA_STEM]
    stems = []
    for form in [word, *unsuffixed]:
        stems += [form[len(p) :] for p in prefixes if form.startswith(p) and len(form) - len(p) >= _MIN_DARIJA_STEM]
    return unsuffixed + stems


def darija_bare_forms(word: str) -> list[str]:
    """Readings of an Arabic-script Darija word to look up in the glossary, most literal first.

    Darija glues و ف ب ل ك and the article to the next word (فالسيمانة, للمرا: ل before ال drops
    the alef), negates with ما…ش, and inflects verbs with the affixes above.

    >>> darija_bare_forms("فالعام")[:2]
    ['العام', 'عام']
    >>> "خلص" in darija_bare_forms("ماخلصنيش")
    True
    """
    bases = [word[len(p) :] for p in _CLITICS if word.startswith(p)]
    if word.startswith("لل"):
        bases.append("ال" + word[2:])
    forms = list(bases)
    forms += [b[2:] for b in [word, *bases] if b.startswith("ال") and len(b) - 2 >= _MIN_DARIJA_STEM]
    if word.startswith("ما") and word.endswith("ش") and len(word) - 3 >= _MIN_DARIJA_STEM:
        forms.append(word[2:-1])
    for form in [word, *forms]:
        forms += _strip_affixes(form, _DARIJA_PREFIXES, _DARIJA_SUFFIXES)
    return list(dict.fromkeys(f for f in forms if f != word))


def _arabizi_lookup(word: str) -> str | None:
    """The gloss of an Arabizi word the glossary lacks, by its :func:`arabizi_skeleton`: the word
    as written, without Darija's article (lkhedma is l + khedma), then without a verb's affixes;
    a reading the glossary holds as written comes before a reading by skeleton."""
    entries, skeletons = load_glossary()[0], _skeleton_index()
    candidates = [word] + ([word[1:]] if word.startswith("l") else [])
    candidates += _strip_affixes(word, _ARABIZI_PREFIXES, _ARABIZI_SUFFIXES)
    exact = (entries[(c,)] for c in candidates[1:] if (c,) in entries)
    loose = (skeletons[s] for s in map(arabizi_skeleton, candidates) if s in skeletons)
    return next(exact, None) or next(loose, None)


def arabic_gloss(query: str) -> str:
    """The Arabic legal terms for the glossary terms in ``query`` (longest match first), or ``""``.

    An Arabic-script word the glossary lacks is looked up by its :func:`darija_bare_forms`
    (``ماخلصنيش`` finds ``خلص``). In an Arabizi question (:func:`query_script`), such a word is
    looked up without its article or a verb's affixes, and by its :func:`arabizi_skeleton`
    (``khdam`` finds the entry ``khddam``, ``kantkhlas`` the entry ``khlas``).
    """
    entries, longest = load_glossary()
    words = _gloss_key(query)
    arabizi = query_script(query) == "arabizi"
    found: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            arabic = entries.get(words[i : i + n])
            if arabic is not None:
                if arabic not in found:
                    found.append(arabic)
                i += n
                break
        else:
            word = words[i]
            if word.isascii():
                arabic = _arabizi_lookup(word) if arabizi else None
            else:
                arabic = next((entries[(b,)] for b in darija_bare_forms(word) if (b,) in entries), None)
            if arabic is not None and arabic not in found:
                found.append(arabic)
            i += 1
    return " ".join(found)


# A Latin letter next to one of the digits Arabizi writes Arabic letters with (3 ع, 7 ح, 9 ق, 5 خ, 2 ء).
_ARABIZI_WORD = re.compile(r"[a-z][23579]|[23579][a-z]")


def query_script(query: str) -> str:
    """``arabic`` (mostly Arabic letters: MSA or Darija), ``arabizi`` (Darija in Latin letters with
    its digit letters) or ``latin`` (English or French).

    >>> query_script("شحال السميك؟"), query_script("ch7al smig daba?"), query_script("What is the SMIG?")
    ('arabic', 'arabizi', 'latin')
    """
    letters = [c for c in query if c.isalpha()]
    if sum(bool(_ARABIC_WORD.match(c)) for c in letters) * 2 > len(letters):
        return "arabic"
    return "arabizi" if _ARABIZI_WORD.search(query.lower()) else "latin"


def query_language(query: str) -> str:
    """The language of the cards to show for ``query``, as chat reads a message
    (:func:`languages.identify`: Arabic letters and Arabizi are ``ar``); ``en`` when a
    Latin-script question has no reading at all.

    >>> query_language("ch7al smig?"), query_language("Quel est le SMIG ?"), query_language("maternity leave weeks")
    ('ar', 'fr', 'en')
    """
    return identify(query, switch_requests=False).language or ENGLISH


@component
class QueryExpander:
    """Adds the Arabic gloss of a question for retrieval (see :func:`arabic_gloss`).

    Outputs ``query`` (the question), ``gloss_query`` (for BM25 over the Arabic-only
    statutes) and ``dense_query`` (for the multilingual embedder), by the script of
    the question (:func:`query_script`):

    - Arabic letters: the question followed by its gloss, which turns Darija words
      into the statutes' wording without dropping the question's own words.
    - Arabizi: the gloss alone (the embedder does not read Arabizi), or the question
      when nothing is glossed.
    - English or French: BM25 over the gloss, dense over question + gloss.

    Usage example:
    ```python
    from knowledge.analysis import QueryExpander

    out = QueryExpander().run(query="What is the minimum wage?")
    assert "الحد الأدنى" in out["gloss_query"]
    ```
    """

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "QueryExpander":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(query=str, gloss_query=str, dense_query=str)
    def run(self, query: str) -> dict[str, str]:
        """
        :param query: the question, in any of the assistant's languages.
        :returns: ``{"query", "gloss_query", "dense_query"}``.
        """
        gloss = arabic_gloss(query)
        if not gloss:
            return {"query": query, "gloss_query": query, "dense_query": query}
        script = query_script(query)
        if script == "arabic":
            return {"query": query, "gloss_query": f"{query}\n{gloss}", "dense_query": f"{query}\n{gloss}"}
        if script == "arabizi":
            return {"query": query, "gloss_query": gloss, "dense_query": gloss}
        return {"query": query, "gloss_query": gloss, "dense_query": f"{query}\n{gloss}"}
