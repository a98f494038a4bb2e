"""Rankers applied after fusion: the current version of a text first.

- :class:`CurrencyRanker` puts the in-force, most recent version of a text
  above its older versions (the SMIG decree of December 2025 above those of
  2023 and early 2025), unless the question names the year it wants.

The optional cross-encoder (``RERANKER_MODEL``) is haystack's
``SentenceTransformersSimilarityRanker`` (``sentence-transformers-haystack``), added by
:func:`knowledge.pipelines.build_query_pipeline`.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import replace
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from knowledge.analysis import analyze
from knowledge.limiters import is_card
from knowledge.scoring import Signals

# Meta field CurrencyRanker sets on passages that are versions of one provision: the same value for all of them.
VERSION_GROUP = "version_group"
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
# Statuses that mean a text no longer applies.
_NOT_IN_FORCE = {"repealed", "abrogated", "abrogé", "superseded", "expired", "ملغى", "منسوخ"}


def _years(text: str) -> list[int]:
    latest = datetime.date.today().year + 2  # damaged digits give years like 2122
    return [y for y in map(int, _YEAR.findall(text or "")) if y <= latest]


def text_year(doc: Document) -> int | None:
    """The year a passage's text dates from: meta ``year``, else ``date``, else the latest year in its title."""
    meta = doc.meta
    for value in (meta.get("year"), str(meta.get("date") or "")[:4]):
        try:
            if value:
                return int(value)
        except (TypeError, ValueError):
            pass
    years = _years(str(meta.get("title") or ""))
    return max(years) if years else None


def effective_years(doc: Document) -> set[int]:
    """Years a passage speaks of: those in its content ("from 1 January 2026"), else its text's year."""
    years = set(_years(doc.content or ""))
    if not years and (year := text_year(doc)) is not None:
        years.add(year)
    return years


def in_force(doc: Document) -> bool:
    status = str(doc.meta.get("status") or "").strip().lower()
    title = str(doc.meta.get("title") or "")
    return status not in _NOT_IN_FORCE and "(نسخ)" not in title


# Index passages are a fixed set: analysing the same ones on every question was most of
# the query time after the embedding (bench/knowledge_query.py).
@functools.lru_cache(maxsize=8192)
def _content_signature(content: str) -> frozenset[str]:
    # numbers differ between versions of a text; the words stay
    return frozenset(t for t in analyze(content) if not t.isdigit())


def _signature(doc: Document) -> frozenset[str]:
    return _content_signature(doc.content or "")


# What a statute's title says besides its subject: its number, its date, and the repeal mark.
_TITLE_NOISE = frozenset(
    analyze(
        "رقم صادر في بتاريخ نسخ يناير فبراير مارس أبريل ماي يونيو يوليو غشت شتنبر أكتوبر نونبر دجنبر ديسمبر "
        "محرم صفر ربيع الأول الآخر جمادى الأولى الآخرة رجب شعبان رمضان شوال القعدة الحجة"
    )
)


@functools.lru_cache(maxsize=1024)
def _title_signature(title: str) -> frozenset[str]:
    return frozenset(t for t in analyze(title) if not t.isdigit()) - _TITLE_NOISE


def same_subject(a: Document, b: Document, overlap: float = 0.8) -> bool:
    """Whether two passages come from texts of one kind on one subject: the words of the shorter
    title (number and date left out) are at least ``overlap`` in the other. Successive SMIG
    decrees are titled alike, while their articles share a third of their words or less."""
    if a.meta.get("statute_kind") != b.meta.get("statute_kind"):
        return False
    x, y = _title_signature(str(a.meta.get("title") or "")), _title_signature(str(b.meta.get("title") or ""))
    return bool(x and y) and len(x & y) / min(len(x), len(y)) >= overlap


@component
class CurrencyRanker:
    """Among passages that are versions of the same provision, the current one ranks first.

    Two passages are versions of each other when they come from different texts (an
    authored card is never a version) and their words (numbers left out) overlap by at
    least ``similarity`` (Jaccard), or by at least ``related_similarity`` when the two
    texts are of one kind on one subject (:func:`same_subject`: the 2019 and 2025 SMIG
    decrees). Within such a group the positions the group holds are given, in order, to: the version whose content names a year the question asks about,
    in-force texts, then the most recent (meta ``year``/``date`` when the
    ingestion gives them, else the latest year in the content or title).
    Passages outside any group keep their position. A version placed above its own
    fused probability takes the place's (``meta["signals"]``), which the answer model reads.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.rankers import CurrencyRanker

    old = Document(content="From 1 September 2023 the minimum wage is 16.29 dirhams an hour.", meta={"doc_id": "a"})
    new = Document(content="From 1 January 2026 the minimum wage is 17.92 dirhams an hour.", meta={"doc_id": "b"})
    ranked = CurrencyRanker().run(query="minimum wage", documents=[old, new])["documents"]
    assert ranked[0].meta["doc_id"] == "b"
    ```
    """

    def __init__(self, similarity: float = 0.6, related_similarity: float = 0.3) -> None:
        """
        :param similarity: word-overlap (Jaccard) from which two passages are versions of one provision.
        :param related_similarity: the same, for passages of texts on one subject (:func:`same_subject`).
        """
        self.similarity = similarity
        self.related_similarity = related_similarity

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, similarity=self.similarity, related_similarity=self.related_similarity)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CurrencyRanker":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, query: str, documents: list[Document], top_k: int | None = None) -> dict[str, list[Document]]:
        """
        :param query: the question (a year in it selects that year's version).
        :param documents: ranked passages, best first (give it more than ``top_k``, so that a
            current version ranked lower can move up).
        :param top_k: passages kept after reordering (default: all).
        :returns: ``{"documents": [...]}``, the passages, versions reordered and marked with
            the same ``meta["version_group"]``.
        """
        asked_years = set(_years(query))
        signatures = [_signature(d) for d in documents]
        group_of = list(range(len(documents)))
        # a group is led by its best-placed version, and one led past top_k changes none of the kept places
        leaders = len(documents) if top_k is None else top_k
        cards = [is_card(d.meta) for d in documents]  # a card restates its article; it is no version of it
        lowest = min(self.similarity, self.related_similarity)
        for i in range(len(documents)):
            if cards[i]:
                continue
            for j in range(min(i, leaders)):
                if group_of[j] != j or cards[j] or documents[i].meta.get("doc_id") == documents[j].meta.get("doc_id"):
                    continue
                a, b = signatures[i], signatures[j]
                # Jaccard is at most the sizes' ratio: most pairs are ruled out without a set operation
                if not a or not b or min(len(a), len(b)) < lowest * max(len(a), len(b)):
                    continue
                shared = len(a & b)
                overlap = shared / (len(a) + len(b) - shared)
                if overlap >= self.similarity or (
                    overlap >= self.related_similarity and same_subject(documents[i], documents[j])
                ):
                    group_of[i] = j
                    break

        def preference(doc: Document) -> tuple:
            years = effective_years(doc)
            return (
                not (asked_years and asked_years & years),
                not in_force(doc),
                -(max(years) if years else 0),
            )

        groups: dict[int, list[int]] = {}
        for position, leader in enumerate(group_of):
            groups.setdefault(leader, []).append(position)
        ranked = list(documents)
        for leader, positions in groups.items():
            if len(positions) > 1:
                members = sorted((documents[i] for i in positions), key=preference)
                for position, doc in zip(positions, members):
                    # the position keeps its score, so the list stays ordered by score
                    meta = {**doc.meta, VERSION_GROUP: documents[leader].id}
                    held, signals = documents[position].meta.get("signals"), doc.meta.get("signals")
                    if signals and held and held.get("probability", 0.0) > signals.get("probability", 0.0):
                        # the current version answers with the evidence the group's place was won by:
                        # its own words may match the question less (the 2019 decree's "minimum wage"
                        # wording, where the 2025 one names "non-agricultural activities")
                        meta["signals"] = Signals(signals, probability=held["probability"])
                    ranked[position] = replace(doc, score=documents[position].score, meta=meta)
        return {"documents": ranked[:top_k] if top_k is not None else ranked}
