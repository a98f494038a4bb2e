"""Text analysis for BM25: per-script, per-language stemming, and an Arabic gloss of queries.

- Arabic-script words: :func:`knowledge.arabic.normalize_arabic`, Arabic light
  stemming (common prefixes و ف ب ك ل ال وال بال كال فال لل and suffixes ها ان
  ات ون ين يه ية ه ة ي), then the Snowball Arabic stemmer.
- Latin words: French or English Snowball stemmer, chosen per text by its
  function words; accents are folded first so ``conges payes`` matches ``congés payés``.
- :func:`arabic_gloss`: the Arabic legal terms for the labour words of an
  English, French or Darija (Arabic script or Arabizi) question, from
  ``glossary.tsv``. Added to the BM25 query (and to the dense query), it lets a
  question in any of the assistant's languages reach statutes that exist only
  in Arabic.

>>> analyze("والأجراء بالعطلة")
['اجراء', 'عطل']
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

import snowballstemmer
from haystack import component, default_from_dict, default_to_dict

from knowledge.arabic import normalize_arabic

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


def _stemmer(language: str):
    # Snowball stemmers are not thread-safe: one per thread and language.
    cache = getattr(_stemmers, "cache", None)
    if cache is None:
        cache = _stemmers.cache = {}
    if language not in cache:
        cache[language] = snowballstemmer.stemmer(language)
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


@functools.lru_cache(maxsize=200_000)
def _arabic_token(word: str) -> str:
    stem = _stemmer("arabic").stemWord(light_stem_arabic(word))
    return stem if len(stem) >= _MIN_AR_STEM else word


@functools.lru_cache(maxsize=200_000)
def _latin_token(word: str, language: str) -> str:
    return _stemmer(language).stemWord(fold_accents(word))


def latin_language(words: list[str]) -> str:
    """``french`` or ``english``: whichever has more function words in ``words`` (French on a tie)."""
    fr = sum(w in _FRENCH_MARKERS for w in words)
    en = sum(w in _ENGLISH_MARKERS for w in words)
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


def arabic_gloss(query: str) -> str:
    """The Arabic legal terms for the glossary terms in ``query`` (longest match first), or ``""``."""
    entries, longest = load_glossary()
    words = _gloss_key(query)
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
            # Darija glues و ف ب ل ك to the next word (فالسيمانة): try it without them
            word = words[i]
            arabic = next(
                (entries.get((word[len(p) :],)) for p in _CLITICS if word.startswith(p) and (word[len(p) :],) in entries),
                None,
            )
            if arabic is not None and arabic not in found:
                found.append(arabic)
            i += 1
    return " ".join(found)


@component
class QueryExpander:
    """Adds the Arabic gloss of a question for retrieval (see :func:`arabic_gloss`).

    Outputs ``query`` (the question), ``gloss_query`` (the Arabic gloss, or the
    question when it has none: BM25 over the Arabic-only statutes) and
    ``dense_query`` (question + gloss, for the multilingual embedder).

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
        return {
            "query": query,
            "gloss_query": gloss or query,
            "dense_query": f"{query}\n{gloss}" if gloss else query,
        }
