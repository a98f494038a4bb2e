"""Fusion of the query pipeline's three ranked lists by a learnt model of which passage answers.

Reciprocal rank fusion (haystack's ``DocumentJoiner``) keeps only ranks: a statute that the
Arabic gloss ranks second and dense retrieval never reaches loses to passages that sit in the
middle of every list. :class:`WeightedScoreFusion` keeps the scores: each BM25 list is scaled
to 0..1 (min-max over the list), every candidate, whichever list found it, gets its dense
similarity to the question from the store, and a logistic regression fitted on the dev sets'
labels (:mod:`knowledge.scoring`) weighs these with what the passage is (a card, in the
citizen's language) into the probability that it answers. ``RETRIEVAL_FUSION=rrf`` brings
reciprocal rank fusion back.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from haystack import Document, component, default_from_dict, default_to_dict

from knowledge.document_store import LabourDocumentStore
from knowledge.scoring import LinearModel, Signals, load_scoring, passage_features


def min_max(scores: dict[str, float]) -> dict[str, float]:
    """``scores`` scaled to 0..1; when they are all equal, each is 1.0 (0.0 if they are not positive:
    a BM25 list of passages that match no word).

    >>> min_max({"a": 4.0, "b": 2.0, "c": 3.0})
    {'a': 1.0, 'b': 0.0, 'c': 0.5}
    """
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high <= low:
        return dict.fromkeys(scores, 1.0 if high > 0 else 0.0)
    return {key: (value - low) / (high - low) for key, value in scores.items()}


@component
class WeightedScoreFusion:
    """Fuses BM25 over the question, BM25 over its Arabic gloss and dense retrieval with a learnt model.

    Each candidate's score is the passage model's probability (0..1) that it answers
    (:data:`knowledge.scoring.PASSAGE_FEATURES`); its inputs are kept in ``meta["signals"]``
    for the answer's confidence. The dense part is read from the store for every candidate,
    so a statute reached through the gloss alone still counts its similarity to the question.

    Usage example:
    ```python
    import numpy as np
    from haystack import Document
    from knowledge.fusion import WeightedScoreFusion
    from knowledge.scoring import LinearModel
    from knowledge.document_store import LabourDocumentStore

    store = LabourDocumentStore()
    store.write_documents([Document(id="a", content="x", embedding=[0.6, 0.8]), Document(id="b", content="y", embedding=[1.0, 0.0])])
    fused = WeightedScoreFusion(store, model=LinearModel({"gloss": 1.0, "dense": 3.0})).run(
        question_documents=[], gloss_documents=[Document(id="a", content="x", score=2.0)],
        dense_documents=[Document(id="b", content="y", score=1.0)], query_vector=np.array([1.0, 0.0]),
    )["documents"]
    assert [d.id for d in fused] == ["b", "a"]
    ```
    """

    def __init__(self, document_store: LabourDocumentStore, model: LinearModel | None = None) -> None:
        """
        :param document_store: the store holding the passages' embeddings.
        :param model: the passage model (default: the fitted one, ``knowledge/scoring.json``).
        """
        self.document_store = document_store
        self.model = model or load_scoring().passage

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, document_store=self.document_store.to_dict(), model=self.model.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "WeightedScoreFusion":
        """Deserializes the component from a dictionary."""
        params = data["init_parameters"]
        params["document_store"] = LabourDocumentStore.from_dict(params["document_store"])
        params["model"] = LinearModel.from_dict(params["model"])
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(
        self,
        question_documents: list[Document],
        gloss_documents: list[Document],
        dense_documents: list[Document],
        query_vector: np.ndarray,
        top_k: int | None = None,
        language: str = "",
    ) -> dict[str, list[Document]]:
        """
        :param question_documents: BM25 over the question, best first.
        :param gloss_documents: BM25 over the Arabic gloss, best first.
        :param dense_documents: dense retrieval, best first.
        :param query_vector: the embedding dense retrieval searched with.
        :param top_k: passages kept (default: all candidates).
        :param language: the citizen's language (``ar``, ``fr``, ``en``; empty when unknown).
        :returns: ``{"documents": [...]}``, every candidate once, best first, ``score`` the
            probability that it answers, ``meta["signals"]`` the model's inputs.
        """
        candidates: dict[str, Document] = {}
        for doc in (*question_documents, *gloss_documents, *dense_documents):
            candidates.setdefault(doc.id, doc)
        question = min_max({d.id: d.score or 0.0 for d in question_documents})
        gloss = min_max({d.id: d.score or 0.0 for d in gloss_documents})
        similarity = self.document_store.similarities(query_vector, list(candidates))
        sentence = self.document_store.similarities(query_vector, list(candidates), sentences=True)
        dense = min_max(similarity)
        question_rank = {d.id: i for i, d in enumerate(question_documents)}
        gloss_rank = {d.id: i for i, d in enumerate(gloss_documents)}
        dense_rank = {doc_id: i for i, doc_id in enumerate(sorted(similarity, key=similarity.get, reverse=True))}
        best = max(similarity.values(), default=0.0)
        signals = {
            doc_id: passage_features(
                question=question.get(doc_id, 0.0), gloss=gloss.get(doc_id, 0.0),
                in_question=doc_id in question, in_gloss=doc_id in gloss,
                dense=dense.get(doc_id, 0.0), similarity=similarity.get(doc_id, 0.0),
                meta=doc.meta, language=language,
                ranks=(question_rank.get(doc_id), gloss_rank.get(doc_id), dense_rank.get(doc_id, len(dense_rank))),
                best_similarity=best, sentence=sentence.get(doc_id),
            )
            for doc_id, doc in candidates.items()
        }
        fused = {doc_id: self.model.predict(features) for doc_id, features in signals.items()}
        ranked = sorted(candidates, key=lambda doc_id: fused[doc_id], reverse=True)
        if top_k is not None:
            ranked = ranked[:top_k]
        return {
            "documents": [
                replace(candidates[d], score=fused[d], meta={**candidates[d].meta, "signals": Signals(signals[d], probability=fused[d])})
                for d in ranked
            ]
        }
