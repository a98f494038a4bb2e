"""Fusion of the query pipeline's three ranked lists by a weighted sum of normalised scores.

Reciprocal rank fusion (haystack's ``DocumentJoiner``) keeps only ranks: a statute that the
Arabic gloss ranks second and dense retrieval never reaches loses to passages that sit in the
middle of every list. :class:`WeightedScoreFusion` keeps the scores: each BM25 list is scaled
to 0..1 (min-max over the list), and every candidate, whichever list found it, gets its dense
similarity to the question from the store, scaled to 0..1 over the candidates. The fused score
is the weighted mean of the three. On the dev set this beat the best weighting of reciprocal
rank fusion (see the README of ``knowledge``); ``RETRIEVAL_FUSION=rrf`` brings that back.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from haystack import Document, component, default_from_dict, default_to_dict

from knowledge.store import LabourDocumentStore

# Tuned on the dev set (python -m knowledge eval), checked on the held-out set.
QUESTION_WEIGHT, GLOSS_WEIGHT, DENSE_WEIGHT = 0.5, 1.0, 3.0


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
    """Fuses BM25 over the question, BM25 over its Arabic gloss and dense retrieval by their scores.

    The output score is ``(wq * question + wg * gloss + wd * dense) / (wq + wg + wd)`` in 0..1,
    each part scaled to 0..1 (a passage missing from a BM25 list scores 0 there); the dense part
    is read from the store for every candidate, so a statute reached through the gloss alone
    still counts its similarity to the question.

    Usage example:
    ```python
    import numpy as np
    from haystack import Document
    from knowledge.fusion import WeightedScoreFusion
    from knowledge.store import LabourDocumentStore

    store = LabourDocumentStore()
    store.write_documents([Document(id="a", content="x", embedding=[0.6, 0.8]), Document(id="b", content="y", embedding=[1.0, 0.0])])
    fused = WeightedScoreFusion(store).run(
        question_documents=[], gloss_documents=[Document(id="a", content="x", score=2.0)],
        dense_documents=[Document(id="b", content="y", score=1.0)], query_vector=np.array([1.0, 0.0]),
    )["documents"]
    assert [d.id for d in fused] == ["b", "a"]
    ```
    """

    def __init__(
        self,
        document_store: LabourDocumentStore,
        question_weight: float = QUESTION_WEIGHT,
        gloss_weight: float = GLOSS_WEIGHT,
        dense_weight: float = DENSE_WEIGHT,
    ) -> None:
        """
        :param document_store: the store holding the passages' embeddings.
        :param question_weight: weight of BM25 over the question (same-language cards and texts).
        :param gloss_weight: weight of BM25 over the Arabic gloss (the Arabic statutes).
        :param dense_weight: weight of the dense similarity.
        :raises ValueError: for a negative weight, or weights summing to zero.
        """
        weights = (question_weight, gloss_weight, dense_weight)
        if min(weights) < 0 or sum(weights) <= 0:
            raise ValueError(f"fusion weights must be non-negative and not all zero, got {weights}")
        self.document_store = document_store
        self.question_weight, self.gloss_weight, self.dense_weight = weights

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(
            self,
            document_store=self.document_store.to_dict(),
            question_weight=self.question_weight,
            gloss_weight=self.gloss_weight,
            dense_weight=self.dense_weight,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "WeightedScoreFusion":
        """Deserializes the component from a dictionary."""
        data["init_parameters"]["document_store"] = LabourDocumentStore.from_dict(data["init_parameters"]["document_store"])
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(
        self,
        question_documents: list[Document],
        gloss_documents: list[Document],
        dense_documents: list[Document],
        query_vector: np.ndarray,
        top_k: int | None = None,
    ) -> dict[str, list[Document]]:
        """
        :param question_documents: BM25 over the question, best first.
        :param gloss_documents: BM25 over the Arabic gloss, best first.
        :param dense_documents: dense retrieval, best first.
        :param query_vector: the embedding dense retrieval searched with.
        :param top_k: passages kept (default: all candidates).
        :returns: ``{"documents": [...]}``, every candidate once, best first, ``score`` the fused score.
        """
        candidates: dict[str, Document] = {}
        for doc in (*question_documents, *gloss_documents, *dense_documents):
            candidates.setdefault(doc.id, doc)
        question = min_max({d.id: d.score or 0.0 for d in question_documents})
        gloss = min_max({d.id: d.score or 0.0 for d in gloss_documents})
        dense = min_max(self.document_store.similarities(query_vector, list(candidates)))
        total = self.question_weight + self.gloss_weight + self.dense_weight
        fused = {
            doc_id: (
                self.question_weight * question.get(doc_id, 0.0)
                + self.gloss_weight * gloss.get(doc_id, 0.0)
                + self.dense_weight * dense.get(doc_id, 0.0)
            )
            / total
            for doc_id in candidates
        }
        ranked = sorted(candidates, key=lambda doc_id: fused[doc_id], reverse=True)
        if top_k is not None:
            ranked = ranked[:top_k]
        return {"documents": [replace(candidates[doc_id], score=fused[doc_id]) for doc_id in ranked]}
