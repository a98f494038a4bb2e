"""Answer extraction: the one to three sentences of the best passage that answer the question, with a confidence.

The confidence (:func:`confidence_of`) mixes how well the retrievers agree on the
best passage (its fused score), how close it is to the question in the embedding
space (its dense similarity, rescaled, set by :class:`DenseSimilarity` also for a
passage that only BM25 found) and how far it leads the next passage. Below
``min_confidence`` no answer is given: the caller says so and offers a human
agent. The default threshold (``knowledge.settings.DEFAULT_MIN_CONFIDENCE``) was
tuned with ``python -m knowledge eval``, which prints the best one (see ``knowledge/README.md``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import numpy as np

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.dataclasses import ExtractedAnswer

from knowledge.analysis import analyze, arabic_gloss
from knowledge.rerank import VERSION_GROUP
from knowledge.settings import DEFAULT_MIN_CONFIDENCE
from knowledge.store import LabourDocumentStore

MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 450
MAX_SOURCES = 3
# A passage in the user's language wins over a better-ranked one in another
# language when its fused score is at least this share of the best.
SAME_LANGUAGE_MARGIN = 0.9
# Dense similarities of multilingual-e5 between these bounds map to 0..1.
DENSE_FLOOR, DENSE_CEILING = 0.78, 0.90
# A lead of this much fused score over the next passage counts as a clear lead (1.0).
CLEAR_LEAD = 0.3
# Weights of the fused score, the dense similarity and the lead in the confidence.
CONFIDENCE_WEIGHTS = (1.0, 1.0, 0.5)

_SENTENCE_END = re.compile(r"(?<=[.!?؟;؛])\s+|\n+")


def split_sentences(text: str) -> list[str]:
    """Sentences (or lines) of ``text``, stripped, without fragments of one character."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if len(s.strip()) > 1]


def extract_sentences(question: str, content: str, max_sentences: int = MAX_SENTENCES) -> str:
    """The sentence of ``content`` sharing most stems with the question (and its Arabic gloss), with what follows.

    >>> extract_sentences("How long is maternity leave?", "Intro. The maternity leave lasts fourteen weeks. Other.")
    'The maternity leave lasts fourteen weeks. Other.'
    """
    sentences = split_sentences(content)
    if not sentences:
        return content.strip()[:MAX_ANSWER_CHARS]
    asked = set(analyze(f"{question} {arabic_gloss(question)}"))
    overlap = [len(asked & set(analyze(s))) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (overlap[i], -i))
    chosen: list[str] = []
    for sentence in sentences[best : best + max_sentences]:
        if chosen and len(" ".join(chosen)) + len(sentence) > MAX_ANSWER_CHARS:
            break
        chosen.append(sentence)
    text = " ".join(chosen)
    return text if len(text) <= MAX_ANSWER_CHARS else text[: MAX_ANSWER_CHARS - 1].rstrip() + "…"


def source_of(doc: Document) -> dict[str, Any]:
    """The citation of a passage: ``doc_id``, ``title``, ``ref`` (article), ``url``."""
    m = doc.meta
    return {
        "doc_id": str(m.get("doc_id") or ""),
        "title": str(m.get("title") or ""),
        "ref": str(m.get("ref") or ""),
        "url": str(m.get("url") or ""),
    }


def confidence_of(fused_score: float, dense_score: float | None, runner_up_score: float = 0.0) -> float:
    """Confidence in 0..1: the weighted mean (``CONFIDENCE_WEIGHTS``) of three signs that the best passage answers.

    - its fused score (0..1): how far up the retrievers' lists agree to put it;
    - its dense similarity to the question (``None``: unknown), scaled from
      ``DENSE_FLOOR``..``DENSE_CEILING``: off-topic questions stay far from every passage;
    - its lead over the next passage that is not another version of it (``runner_up_score``,
      see :func:`runner_up`), scaled by ``CLEAR_LEAD``: when several passages score alike,
      the first one is often not the answer.

    On the dev set, with the weighted fusion, this decided answer or abstain better than the
    fused score and the similarity alone (``python -m knowledge eval``, checked on held-out).
    """
    dense = 0.0 if dense_score is None else (dense_score - DENSE_FLOOR) / (DENSE_CEILING - DENSE_FLOOR)
    lead = (fused_score - runner_up_score) / CLEAR_LEAD
    parts = [min(1.0, max(0.0, p)) for p in (fused_score, dense, lead)]
    value = sum(w * p for w, p in zip(CONFIDENCE_WEIGHTS, parts)) / sum(CONFIDENCE_WEIGHTS)
    return round(value, 4)


def _fused(doc: Document | None) -> float:
    return 0.0 if doc is None else float(doc.meta.get("fused_score", doc.score) or 0.0)


def runner_up(documents: list[Document]) -> Document | None:
    """The best passage after the first that is not another version of it: an older SMIG decree
    (``meta["version_group"]``, set by :class:`knowledge.rerank.CurrencyRanker`) does not make
    the current one less certain."""
    if not documents:
        return None
    group = documents[0].meta.get(VERSION_GROUP)
    return next((d for d in documents[1:] if group is None or d.meta.get(VERSION_GROUP) != group), None)


@component
class DenseSimilarity:
    """Puts ``meta["dense_score"]`` on each passage: its embedding's similarity to the question's.

    Dense retrieval scores only the passages it ranks high; a passage found by BM25
    alone (a statute reached through the Arabic gloss) gets its similarity here, so
    that the answer's confidence does not count it as unrelated to the question.

    Usage example:
    ```python
    import numpy as np
    from haystack import Document
    from knowledge.answers import DenseSimilarity
    from knowledge.store import LabourDocumentStore

    store = LabourDocumentStore()
    store.write_documents([Document(id="a", content="x", embedding=[0.6, 0.8])])
    docs = DenseSimilarity(store).run(query_vector=np.array([1.0, 0.0]), documents=[Document(id="a", content="x")])["documents"]
    assert abs(docs[0].meta["dense_score"] - 0.6) < 1e-6
    ```
    """

    def __init__(self, document_store: LabourDocumentStore) -> None:
        """:param document_store: the store holding the passages' embeddings."""
        self.document_store = document_store

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, document_store=self.document_store.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DenseSimilarity":
        """Deserializes the component from a dictionary."""
        data["init_parameters"]["document_store"] = LabourDocumentStore.from_dict(data["init_parameters"]["document_store"])
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, query_vector: np.ndarray, documents: list[Document]) -> dict[str, list[Document]]:
        """
        :param query_vector: the question's embedding (:class:`knowledge.embedders.E5TextEmbedder`'s ``vector``).
        :param documents: passages of the store.
        :returns: ``{"documents": [...]}``, the same passages, ``meta["dense_score"]`` set where the store has an embedding.
        """
        scores = self.document_store.similarities(query_vector, [d.id for d in documents])
        return {
            "documents": [
                replace(d, meta={**d.meta, "dense_score": scores[d.id]}) if d.id in scores else d for d in documents
            ]
        }


@component
class AnswerExtractor:
    """Picks the passage to answer from, extracts one to three sentences, cites it, and scores the answer.

    The passage is the best-ranked one, unless a passage in the user's language
    among the first three is nearly as good (``SAME_LANGUAGE_MARGIN``). The
    answer is a haystack ``ExtractedAnswer``: ``data`` the sentences, ``score``
    the confidence, ``document`` the passage, ``meta`` with ``language`` (of the
    source), ``same_language``, ``sources`` (up to three citations, the used
    one first). ``answers`` is empty when the confidence is below
    ``min_confidence``; ``confidence`` is always returned.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.answers import AnswerExtractor

    doc = Document(content="Intro. Annual leave is 1.5 days per month.", score=1.0,
                   meta={"language": "en", "doc_id": "card", "title": "Leave", "ref": "231", "url": "https://x"})
    out = AnswerExtractor(min_confidence=0.0).run(query="annual leave days", documents=[doc], language="en")
    print(out["answers"][0].data, out["confidence"])
    ```
    """

    def __init__(self, min_confidence: float = DEFAULT_MIN_CONFIDENCE, max_sentences: int = MAX_SENTENCES) -> None:
        """
        :param min_confidence: below this confidence no answer is returned.
        :param max_sentences: most sentences in an answer.
        """
        self.min_confidence = min_confidence
        self.max_sentences = max_sentences

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, min_confidence=self.min_confidence, max_sentences=self.max_sentences)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "AnswerExtractor":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(answers=list[ExtractedAnswer], confidence=float)
    def run(
        self,
        query: str,
        documents: list[Document],
        language: str = "",
        min_confidence: float | None = None,
    ) -> dict[str, Any]:
        """
        :param query: the question.
        :param documents: ranked passages, best first (``score``: fused score, 0..1; the
            confidence reads the first two).
        :param language: the user's language (``ar``, ``fr``, ``en``); Darija is ``ar``.
        :param min_confidence: overrides the init value.
        :returns: ``{"answers": [ExtractedAnswer] or [], "confidence": float}``.
        """
        if not documents:
            return {"answers": [], "confidence": 0.0}
        threshold = self.min_confidence if min_confidence is None else min_confidence
        best = documents[0]
        chosen = best
        for doc in documents[:MAX_SOURCES]:
            if language and doc.meta.get("language") == language:
                if (doc.score or 0.0) >= SAME_LANGUAGE_MARGIN * (best.score or 0.0):
                    chosen = doc
                break
        confidence = confidence_of(_fused(best), best.meta.get("dense_score"), _fused(runner_up(documents)))
        if confidence < threshold:
            return {"answers": [], "confidence": confidence}
        sources = [source_of(chosen)]
        for doc in documents:
            if len(sources) >= MAX_SOURCES:
                break
            candidate = source_of(doc)
            if all((s["doc_id"], s["ref"]) != (candidate["doc_id"], candidate["ref"]) for s in sources):
                sources.append(candidate)
        source_language = str(chosen.meta.get("language") or "")
        answer = ExtractedAnswer(
            query=query,
            score=confidence,
            data=extract_sentences(query, chosen.content or "", self.max_sentences),
            document=chosen,
            meta={
                "language": source_language,
                "same_language": not language or source_language == language,
                "sources": sources,
            },
        )
        return {"answers": [answer], "confidence": confidence}
