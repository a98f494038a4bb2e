import numpy as np
import pytest
from haystack import Document

from knowledge.fusion import WeightedScoreFusion, min_max
from knowledge.store import LabourDocumentStore


def _store():
    store = LabourDocumentStore(shared=False)
    store.write_documents(
        [
            Document(id="statute", content="مادة", embedding=[0.8, 0.6]),
            Document(id="card", content="card", embedding=[0.6, 0.8]),
            Document(id="press", content="press", embedding=[0.0, 1.0]),
        ]
    )
    return store


def _hit(doc_id, score):
    return Document(id=doc_id, content=doc_id, score=score)


def test_min_max_scales_to_unit_range():
    assert min_max({"a": 10.0, "b": 5.0, "c": 0.0}) == {"a": 1.0, "b": 0.5, "c": 0.0}
    assert min_max({"a": 3.0, "b": 3.0}) == {"a": 1.0, "b": 1.0}
    assert min_max({"a": 0.0}) == {"a": 0.0}  # a BM25 score of zero matched nothing
    assert min_max({}) == {}


def test_a_statute_found_by_the_gloss_alone_counts_its_dense_similarity():
    # dense retrieval ranked only the press text; the store still knows how close the statute is
    fused = WeightedScoreFusion(_store()).run(
        question_documents=[_hit("press", 4.0), _hit("card", 2.0)],
        gloss_documents=[_hit("statute", 9.0), _hit("card", 1.0)],
        dense_documents=[_hit("press", 0.5)],
        query_vector=np.array([1.0, 0.0], dtype=np.float32),
    )["documents"]
    assert [d.id for d in fused] == ["statute", "card", "press"]
    # statute: gloss 1.0 and dense 1.0 (0.8, the best of 0.8/0.6/0.0), question 0: (1 + 3) / 4.5
    assert fused[0].score == pytest.approx(4 / 4.5)
    assert all(0.0 <= d.score <= 1.0 for d in fused)
    assert fused[0].content == "statute"  # the passage itself, not a copy without content


def test_weights_change_the_order_and_top_k_cuts():
    lists = dict(
        question_documents=[_hit("press", 4.0), _hit("card", 1.0)],
        gloss_documents=[_hit("statute", 9.0), _hit("card", 1.0)],
        dense_documents=[],
        query_vector=np.array([0.0, 1.0], dtype=np.float32),
    )
    question_only = WeightedScoreFusion(_store(), question_weight=1.0, gloss_weight=0.0, dense_weight=0.0)
    assert [d.id for d in question_only.run(**lists)["documents"]][:1] == ["press"]
    assert len(WeightedScoreFusion(_store()).run(**lists, top_k=2)["documents"]) == 2


def test_empty_lists_give_nothing():
    out = WeightedScoreFusion(_store()).run(
        question_documents=[], gloss_documents=[], dense_documents=[], query_vector=np.array([1.0, 0.0])
    )
    assert out == {"documents": []}


def test_weights_are_checked_and_serialised():
    with pytest.raises(ValueError, match="non-negative"):
        WeightedScoreFusion(_store(), dense_weight=-1.0)
    with pytest.raises(ValueError):
        WeightedScoreFusion(_store(), question_weight=0.0, gloss_weight=0.0, dense_weight=0.0)
    fusion = WeightedScoreFusion.from_dict(WeightedScoreFusion(_store(), question_weight=0.2, dense_weight=2.0).to_dict())
    assert (fusion.question_weight, fusion.gloss_weight, fusion.dense_weight) == (0.2, 1.0, 2.0)
