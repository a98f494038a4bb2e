import numpy as np
import pytest
from haystack import Document

from knowledge.document_store import LabourDocumentStore
from knowledge.fusion import WeightedScoreFusion, min_max
from knowledge.scoring import LinearModel, load_scoring, sigmoid


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


# The shape of the fitted model (knowledge/scoring.json): BM25 of the gloss and dense similarity count most.
MODEL = LinearModel({"question": 0.5, "gloss": 1.0, "dense": 3.0, "card": 0.5}, bias=-2.0)


def test_a_statute_found_by_the_gloss_alone_counts_its_dense_similarity():
    # dense retrieval ranked only the press text; the store still knows how close the statute is
    fused = WeightedScoreFusion(_store(), model=MODEL).run(
        question_documents=[_hit("press", 4.0), _hit("card", 2.0)],
        gloss_documents=[_hit("statute", 9.0), _hit("card", 1.0)],
        dense_documents=[_hit("press", 0.5)],
        query_vector=np.array([1.0, 0.0], dtype=np.float32),
    )["documents"]
    assert [d.id for d in fused] == ["statute", "card", "press"]
    # statute: gloss 1.0 and dense 1.0 (0.8, the best of 0.8/0.6/0.0), question 0
    assert fused[0].score == pytest.approx(sigmoid(-2.0 + 1.0 + 3.0))
    signals = fused[0].meta["signals"]
    assert signals["in_gloss"] == 1.0 and signals["in_question"] == 0.0 and signals["similarity"] == pytest.approx(0.8)
    assert signals["probability"] == fused[0].score
    assert all(0.0 <= d.score <= 1.0 for d in fused)
    assert fused[0].content == "statute"  # the passage itself, not a copy without content


def test_the_model_decides_the_order_and_top_k_cuts():
    lists = dict(
        question_documents=[_hit("press", 4.0), _hit("card", 1.0)],
        gloss_documents=[_hit("statute", 9.0), _hit("card", 1.0)],
        dense_documents=[],
        query_vector=np.array([0.0, 1.0], dtype=np.float32),
    )
    question_only = WeightedScoreFusion(_store(), model=LinearModel({"question": 1.0}))
    assert [d.id for d in question_only.run(**lists)["documents"]][:1] == ["press"]
    assert len(WeightedScoreFusion(_store(), model=MODEL).run(**lists, top_k=2)["documents"]) == 2


def test_a_passage_in_the_citizens_language_gets_the_language_signal():
    store = LabourDocumentStore(shared=False)
    store.write_documents([Document(id="fr", content="x", embedding=[1.0, 0.0], meta={"language": "fr", "doc_id": "cards/fr/x"})])
    doc = WeightedScoreFusion(store, model=MODEL).run(
        question_documents=[Document(id="fr", content="x", score=1.0, meta={"language": "fr", "doc_id": "cards/fr/x"})],
        gloss_documents=[], dense_documents=[], query_vector=np.array([1.0, 0.0]), language="fr",
    )["documents"][0]
    assert doc.meta["signals"]["same_language"] == 1.0 and doc.meta["signals"]["card"] == 1.0


def test_empty_lists_give_nothing():
    out = WeightedScoreFusion(_store(), model=MODEL).run(
        question_documents=[], gloss_documents=[], dense_documents=[], query_vector=np.array([1.0, 0.0])
    )
    assert out == {"documents": []}


def test_the_model_is_serialised_and_defaults_to_the_fitted_one():
    fusion = WeightedScoreFusion.from_dict(WeightedScoreFusion(_store(), model=MODEL).to_dict())
    assert fusion.model == MODEL
    assert WeightedScoreFusion(_store()).model == load_scoring().passage


def test_the_pipeline_copy_of_the_candidates_shares_their_signals():
    from haystack.core.pipeline.utils import _deepcopy_with_exceptions

    lists = dict(
        question_documents=[_hit("press", 4.0)], gloss_documents=[], dense_documents=[],
        query_vector=np.array([0.0, 1.0], dtype=np.float32),
    )
    doc = WeightedScoreFusion(_store(), model=MODEL).run(**lists)["documents"][0]
    copied = _deepcopy_with_exceptions([doc])[0]  # what haystack hands the next component
    assert copied is not doc and copied.meta["signals"] is doc.meta["signals"]
    assert copied.meta["signals"]["probability"] == doc.score
