"""Limiters applied after fusion: which passages keep the first places.

- :class:`CardLimiter` keeps the best-ranked authored card of a list in its place, in the
  user's language (the same topic's card), and moves the others (the same summary in
  another language, a neighbouring topic) to the end, so that the ministry's own texts
  come first.
- :class:`SourceLimiter` keeps one passage of each source text in the first places, so that
  the parts of one long article do not fill the results.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from knowledge.analysis import query_language
from knowledge.settings import AUTHORED_LABEL
from languages import LANGUAGES


def is_card(meta: dict[str, Any], label: str = AUTHORED_LABEL) -> bool:
    """Whether a passage is an authored card: its ``doc_id`` is ``<label>/<language>/<name>``.

    >>> is_card({"doc_id": "cards/en/annual-leave"}), is_card({"doc_id": "ma-adala-labor-428"})
    (True, False)
    """
    return str(meta.get("doc_id") or "").startswith(f"{label}/")


def _append_last(ranked: list[Document], moved: list[Document]) -> list[Document]:
    """``ranked`` followed by ``moved``, whose scores are capped so that the list stays non-increasing."""
    ranked = list(ranked)
    for doc in moved:
        floor = ranked[-1].score if ranked else None
        score = doc.score if floor is None or doc.score is None else min(floor, doc.score)
        ranked.append(replace(doc, score=score))
    return ranked


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
    from knowledge.limiters import CardLimiter

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
    from knowledge.limiters import SourceLimiter

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
