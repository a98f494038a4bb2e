"""Rankers applied after fusion: the current version of a text first, and an optional cross-encoder.

- :class:`CurrencyRanker` puts the in-force, most recent version of a text
  above its older versions (the SMIG decree of December 2025 above those of
  2023 and early 2025), unless the question names the year it wants.
- :class:`CardLimiter` keeps the best-ranked authored card of a list in its place, in the
  user's language (the same topic's card), and moves the others (the same summary in
  another language, a neighbouring topic) to the end, so that the ministry's own texts
  come first.
- :class:`SourceLimiter` keeps one passage of each source text in the first places, so that
  the parts of one long article do not fill the results.
- :class:`CrossEncoderRanker` reorders passages with a transformers
  sequence-classification model (``RERANKER_MODEL``), when one is configured.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import replace
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from knowledge.analysis import analyze, query_language
from knowledge.settings import AUTHORED_LABEL
from languages import LANGUAGES


def is_card(meta: dict[str, Any], label: str = AUTHORED_LABEL) -> bool:
    """Whether a passage is an authored card: its ``doc_id`` is ``<label>/<language>/<name>``.

    >>> is_card({"doc_id": "cards/en/annual-leave"}), is_card({"doc_id": "ma-adala-labor-428"})
    (True, False)
    """
    return str(meta.get("doc_id") or "").startswith(f"{label}/")

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


@component
class CurrencyRanker:
    """Among passages that are versions of the same provision, the current one ranks first.

    Two passages are versions of each other when their words (numbers left out)
    overlap by at least ``similarity`` (Jaccard) and they come from different
    texts. Within such a group the positions the group holds are given, in
    order, to: the version whose content names a year the question asks about,
    in-force texts, then the most recent (meta ``year``/``date`` when the
    ingestion gives them, else the latest year in the content or title).
    Passages outside any group keep their position.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.rerank import CurrencyRanker

    old = Document(content="From 1 September 2023 the minimum wage is 16.29 dirhams an hour.", meta={"doc_id": "a"})
    new = Document(content="From 1 January 2026 the minimum wage is 17.92 dirhams an hour.", meta={"doc_id": "b"})
    ranked = CurrencyRanker().run(query="minimum wage", documents=[old, new])["documents"]
    assert ranked[0].meta["doc_id"] == "b"
    ```
    """

    def __init__(self, similarity: float = 0.6) -> None:
        """:param similarity: word-overlap (Jaccard) from which two passages are versions of one provision."""
        self.similarity = similarity

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, similarity=self.similarity)

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
        for i in range(len(documents)):
            for j in range(i):
                if group_of[j] != j or documents[i].meta.get("doc_id") == documents[j].meta.get("doc_id"):
                    continue
                a, b = signatures[i], signatures[j]
                if a and b and len(a & b) / len(a | b) >= self.similarity:
                    group_of[i] = j
                    break

        def preference(doc: Document) -> tuple:
            years = effective_years(doc)
            return (
                not (asked_years and asked_years & years),
                not in_force(doc),
                -(max(years) if years else 0),
            )

        ranked = list(documents)
        for leader in set(group_of):
            positions = [i for i, g in enumerate(group_of) if g == leader]
            if len(positions) > 1:
                members = sorted((documents[i] for i in positions), key=preference)
                for position, doc in zip(positions, members):
                    # the position keeps its score, so the list stays ordered by score
                    meta = {**doc.meta, VERSION_GROUP: documents[leader].id}
                    ranked[position] = replace(doc, score=documents[position].score, meta=meta)
        return {"documents": ranked[:top_k] if top_k is not None else ranked}


@component
class CardLimiter:
    """Keeps at most ``max_cards`` authored cards among the ranked passages, each in the user's language.

    The cards are short summaries of one topic in each language of the assistant (the
    ``topic`` of their front matter is the same in every language), written to lead a
    question to the ministry's texts. Two of them (often one summary in two languages)
    would push the texts they summarise out of the first results. The best-ranked card of
    a topic keeps its place, and is replaced by the same topic's card in the user's
    language when there is one (in the list, else in ``document_store``): a card on
    another topic never takes its place just for its language. The other cards follow the
    last passage, so a list of cards alone keeps its length.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.rerank import CardLimiter

    docs = [Document(content="يستحق كل أجير...", meta={"doc_id": "cards/ar/leave", "topic": "leave", "language": "ar"}),
            Document(content="Congé payé...", meta={"doc_id": "cards/fr/conge", "topic": "leave", "language": "fr"}),
            Document(content="يستحق كل أجير...", meta={"doc_id": "ma-adala-labor-428", "ref": "231"})]
    ranked = CardLimiter().run(query="Combien de jours de congé payé ?", documents=docs, language="fr")["documents"]
    assert [d.meta["doc_id"] for d in ranked] == ["cards/fr/conge", "ma-adala-labor-428", "cards/ar/leave"]
    ```
    """

    def __init__(self, document_store: Any = None, max_cards: int = 1, label: str = AUTHORED_LABEL) -> None:
        """
        :param document_store: where a topic's card in the user's language is looked up when the
            list lacks it (None: only the list).
        :param max_cards: cards kept per list.
        :param label: the ``doc_id`` prefix (before ``/``) of the cards.
        """
        self.document_store = document_store
        self.max_cards = max_cards
        self.label = label
        self._cards_by_topic: dict[tuple[str, str], Document] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        store = None if self.document_store is None else self.document_store.to_dict()
        return default_to_dict(self, document_store=store, max_cards=self.max_cards, label=self.label)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CardLimiter":
        """Deserializes the component from a dictionary."""
        from knowledge.document_store import LabourDocumentStore

        params = data.get("init_parameters", {})
        if params.get("document_store") is not None:
            params["document_store"] = LabourDocumentStore.from_dict(params["document_store"])
        return default_from_dict(cls, data)

    def _stored_card(self, topic: str, language: str) -> Document | None:
        if self.document_store is None:
            return None
        if self._cards_by_topic is None:  # the index is read-only once loaded
            self._cards_by_topic = {
                (str(d.meta["topic"]), str(d.meta.get("language"))): d
                for d in self.document_store.filter_documents()
                if is_card(d.meta, self.label) and d.meta.get("topic")
            }
        return self._cards_by_topic.get((topic, language))

    def _in_language(self, card: Document, cards: list[Document], language: str) -> Document:
        topic = card.meta.get("topic")
        if card.meta.get("language") == language or not topic:
            return card
        found = next((c for c in cards if c.meta.get("topic") == topic and c.meta.get("language") == language), None)
        if found is not None:
            return found  # with its own signals: how it matched the question
        found = self._stored_card(str(topic), language)
        if found is None:
            return card
        # not a candidate: the place's signals say how its topic matched the question
        signals = card.meta.get("signals")
        meta = {**found.meta, **({"signals": {**signals, "same_language": 1.0}} if signals else {})}
        return replace(found, meta=meta, embedding=None)

    @component.output_types(documents=list[Document])
    def run(self, query: str, documents: list[Document], language: str = "") -> dict[str, list[Document]]:
        """
        :param query: the question (its language, when ``language`` is not given: :func:`query_language`).
        :param documents: ranked passages, best first.
        :param language: the user's language (``en``, ``fr``, ``ar``).
        :returns: ``{"documents": [...]}``, the passages in their order, the best card of each of
            the first ``max_cards`` topics in its place (in the user's language), then the other
            cards, those of the shown topics last (scores kept non-increasing).
        """
        language = language if language in LANGUAGES else query_language(query)
        places = [i for i, d in enumerate(documents) if is_card(d.meta, self.label)]
        cards = [documents[i] for i in places]
        kept: dict[int, Document] = {}
        topics: set[Any] = set()
        for place, card in zip(places, cards):
            topic = card.meta.get("topic") or card.id
            if len(kept) < self.max_cards and topic not in topics:
                topics.add(topic)
                kept[place] = self._in_language(card, cards, language)
        shown = {card.id for card in kept.values()}
        ranked = [
            replace(kept[i], score=doc.score) if i in kept else doc  # the place keeps its score
            for i, doc in enumerate(documents)
            if i in kept or i not in places
        ]
        # a shown topic in another language says nothing new: other topics first
        moved = sorted((c for c in cards if c.id not in shown), key=lambda c: (c.meta.get("topic") or c.id) in topics)
        return {"documents": _append_last(ranked, moved)}


def _append_last(ranked: list[Document], moved: list[Document]) -> list[Document]:
    """``ranked`` followed by ``moved``, whose scores are capped so that the list stays non-increasing."""
    ranked = list(ranked)
    for doc in moved:
        floor = ranked[-1].score if ranked else None
        score = doc.score if floor is None or doc.score is None else min(floor, doc.score)
        ranked.append(replace(doc, score=score))
    return ranked


@component
class SourceLimiter:
    """Keeps the best-ranked passage of each source text in its place; its other passages go last.

    A long text (a press article, a long statute article) is split into several passages,
    and two of them in the first results show one story twice and push other sources out.
    Passages share a source when they share ``meta["source_id"]``, which haystack's
    ``DocumentSplitter`` sets to the id of the text they were cut from.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.rerank import SourceLimiter

    docs = [Document(content="first part", meta={"source_id": "a"}),
            Document(content="second part", meta={"source_id": "a"}),
            Document(content="another text", meta={"source_id": "b"})]
    ranked = SourceLimiter().run(documents=docs)["documents"]
    assert [d.content for d in ranked] == ["first part", "another text", "second part"]
    ```
    """

    def __init__(self, max_per_source: int = 1) -> None:
        """:param max_per_source: passages of one source kept in their places."""
        self.max_per_source = max_per_source

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, max_per_source=self.max_per_source)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SourceLimiter":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        """
        :param documents: ranked passages, best first.
        :returns: ``{"documents": [...]}``, the first ``max_per_source`` passages of each source
            in their order, then the others (scores kept non-increasing). Passages without a
            ``source_id`` are each their own source.
        """
        seen: dict[Any, int] = {}
        kept, moved = [], []
        for doc in documents:
            source = doc.meta.get("source_id") or doc.id
            seen[source] = seen.get(source, 0) + 1
            (kept if seen[source] <= self.max_per_source else moved).append(doc)
        return {"documents": _append_last(kept, moved)}


@component
class CrossEncoderRanker:
    """Reorders passages by a transformers cross-encoder's relevance score for (query, passage).

    The score is the sigmoid of the single logit (or the softmax probability of
    the last label for a two-label model); the fused score stays in
    ``meta["fused_score"]``.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.rerank import CrossEncoderRanker

    ranker = CrossEncoderRanker(model="cross-encoder/mmarco-mMiniLMv2-L12-H384-v1")  # a folder or hub name
    ranker.warm_up()
    docs = ranker.run(query="paid leave", documents=[Document(content="Annual leave is paid.")])["documents"]
    ```
    """

    def __init__(self, model: str, top_k: int | None = None, max_length: int = 512, batch_size: int = 16) -> None:
        """
        :param model: a transformers sequence-classification model folder or hub name.
        :param top_k: passages kept (default: all).
        :param max_length: longest (query, passage) pair in tokens.
        :param batch_size: pairs per forward pass.
        """
        self.model = model
        self.top_k = top_k
        self.max_length = max_length
        self.batch_size = batch_size
        self._tokenizer = None
        self._model = None

    def warm_up(self) -> None:
        """Load the tokenizer and the model."""
        if self._model is None:
            from transformers import AutoModelForSequenceClassification, AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(self.model)
            self._model = AutoModelForSequenceClassification.from_pretrained(self.model)
            self._model.eval()

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(
            self, model=self.model, top_k=self.top_k, max_length=self.max_length, batch_size=self.batch_size
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CrossEncoderRanker":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, query: str, documents: list[Document], top_k: int | None = None) -> dict[str, list[Document]]:
        """
        :param query: the question.
        :param documents: passages to reorder.
        :param top_k: passages kept (overrides the init value).
        :returns: ``{"documents": [...]}``, best first, ``score`` set to the cross-encoder's.
        """
        import torch

        self.warm_up()
        top_k = top_k if top_k is not None else self.top_k
        scores: list[float] = []
        for start in range(0, len(documents), self.batch_size):
            batch = documents[start : start + self.batch_size]
            inputs = self._tokenizer(
                [query] * len(batch),
                [d.content or "" for d in batch],
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
            with torch.inference_mode():
                logits = self._model(**inputs).logits
            probs = torch.sigmoid(logits[:, 0]) if logits.shape[-1] == 1 else torch.softmax(logits, dim=-1)[:, -1]
            scores.extend(float(p) for p in probs)
        ranked = []
        for doc, score in sorted(zip(documents, scores), key=lambda pair: pair[1], reverse=True):
            meta = {**doc.meta, "fused_score": doc.score}
            ranked.append(Document(id=doc.id, content=doc.content, meta=meta, score=score, embedding=doc.embedding))
        return {"documents": ranked[:top_k] if top_k is not None else ranked}
