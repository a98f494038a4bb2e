from dataclasses import replace

import numpy as np
import pytest
from haystack import Document, Pipeline, component
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.document_stores.types import DuplicatePolicy

from knowledge.document_store import LabourDocumentStore, RetrievedPassage, pack_vectors

TEXTS = [
    "Paid annual leave is one and a half days per month of work.",
    "Le congé annuel payé est d'un jour et demi par mois.",
    "يستفيد الأجير من عطلة سنوية مؤدى عنها.",
    "Overtime hours are paid with a premium of 25 percent.",
    "The weekly rest lasts at least 24 hours.",
]


def _docs():
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(len(TEXTS), 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return [Document(id=str(i), content=t, embedding=v.tolist()) for i, (t, v) in enumerate(zip(TEXTS, vecs))]


def test_vectorised_embedding_retrieval_equals_haystacks_and_drops_embeddings():
    ours, ref = LabourDocumentStore(shared=False), InMemoryDocumentStore(shared=False)
    ours.write_documents(_docs())
    ref.write_documents(_docs())
    query = _docs()[3].embedding
    got = ours.embedding_retrieval(query, top_k=2)
    want = ref.embedding_retrieval(query, top_k=2)
    assert [d.id for d in got] == [d.id for d in want] == ["3", got[1].id]
    assert [round(d.score, 5) for d in got] == [round(d.score, 5) for d in want]
    assert got[0].embedding is None


def test_arrays_follow_writes_and_deletes():
    store = LabourDocumentStore(shared=False)
    store.write_documents(_docs()[:2])
    assert [d.id for d in store.bm25_search("overtime", top_k=5)] == []
    store.write_documents(_docs()[3:4])
    assert [d.id for d in store.bm25_search("overtime", top_k=5)] == ["3"]
    store.delete_documents(["3"])
    assert store.bm25_search("overtime", top_k=5) == []


def test_rewriting_a_document_rebuilds_bm25():
    store = LabourDocumentStore(shared=False)
    store.write_documents([Document(id="1", content="overtime pay", meta={"chapter": "working time"})])
    assert [d.id for d in store.bm25_search("overtime", top_k=1)] == ["1"]
    store.write_documents([Document(id="1", content="weekly rest", meta={"chapter": "rest"})], policy=DuplicatePolicy.OVERWRITE)
    assert store.bm25_search("overtime", top_k=1) == []
    assert [d.id for d in store.bm25_search("rest", top_k=1)] == ["1"]


def test_filters_fall_back_to_haystack():
    store = LabourDocumentStore(shared=False)
    docs = _docs()
    docs[0].meta["language"] = "en"
    store.write_documents(docs)
    filters = {"field": "meta.language", "operator": "==", "value": "en"}
    hits = store.embedding_retrieval(docs[1].embedding, filters=filters)
    assert [d.id for d in hits] == ["0"]


def test_unfiltered_retrieval_returns_the_meta_the_query_pipeline_reads():
    meta = {"doc_id": "ma-adala-labor-428", "ref": "231", "title": "مدونة الشغل", "language": "ar",
            "repeals": [{"kind": "ظهير", "subject": "..."}], "source_key": "legal/labor-428.json"}
    store = LabourDocumentStore(shared=False)
    store.write_documents([Document(id="1", content="عطلة سنوية مؤدى عنها", meta=meta, embedding=[1.0, 0.0])])
    for hit in (store.bm25_search("عطلة", top_k=1)[0], store.embedding_retrieval([1.0, 0.0], top_k=1)[0]):
        assert hit.meta == {k: meta[k] for k in ("doc_id", "ref", "title", "language")} and hit.embedding is None
    assert store.embedding_retrieval([1.0, 0.0], top_k=1, return_embedding=True)[0].meta == meta
    assert store.filter_documents()[0].meta == meta  # the store keeps everything


def test_sentence_vectors_survive_the_disk_and_score_each_sentence(tmp_path):
    store = LabourDocumentStore(shared=False)
    sentences = np.array([[0.6, 0.8], [1.0, 0.0]], dtype=np.float32)
    store.write_documents(
        [
            Document(id="a", content="One. Two.", embedding=[1.0, 0.0], meta={"sentence_vectors": pack_vectors(sentences)}),
            Document(id="b", content="Bare.", embedding=[0.0, 1.0]),
        ]
    )
    store.save_to_disk(str(tmp_path / "store.json"))
    loaded = LabourDocumentStore.load_from_disk(str(tmp_path / "store.json"))
    scores = loaded.sentence_similarities(np.array([1.0, 0.0]), ["b", "a", "missing"])
    assert list(scores) == ["a"] and np.allclose(scores["a"], [0.6, 1.0], atol=1e-3)
    # retrieval hands out passages without them: haystack deep-copies what components pass on
    assert "sentence_vectors" not in loaded.embedding_retrieval([1.0, 0.0], top_k=1)[0].meta


def test_a_passage_is_found_by_its_closest_sentence_and_both_similarities_are_read():
    store = LabourDocumentStore(shared=False)
    # "a" embeds its first words away from the question; its second sentence is the question's
    sentences = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    store.write_documents(
        [
            Document(id="a", content="Intro. Answer.", embedding=[0.0, 1.0], meta={"sentence_vectors": pack_vectors(sentences)}),
            Document(id="b", content="Close.", embedding=[0.8, 0.6]),
        ]
    )
    query = np.array([1.0, 0.0], dtype=np.float32)
    assert [d.id for d in store.embedding_retrieval(query, top_k=2)] == ["a", "b"]
    assert store.similarities(query, ["a", "b"]) == pytest.approx({"a": 0.0, "b": 0.8})
    # without sentence vectors a passage's closest sentence is the passage itself
    assert store.similarities(query, ["a", "b"], sentences=True) == pytest.approx({"a": 1.0, "b": 0.8}, abs=1e-3)
    # another question is not answered from the last one's scores
    assert store.similarities(np.array([0.0, 1.0], dtype=np.float32), ["a"], sentences=True) == pytest.approx({"a": 1.0}, abs=1e-3)


@component
class _Retrieval:
    def __init__(self, store: LabourDocumentStore) -> None:
        self.store = store

    @component.output_types(documents=list[Document])
    def run(self, query: str) -> dict:
        return {"documents": self.store.bm25_search(query, top_k=3)}


@component
class _Receiver:
    received: list[Document] = []

    @component.output_types(count=int)
    def run(self, documents: list[Document]) -> dict:
        _Receiver.received = documents
        return {"count": len(documents)}


def test_retrieved_passages_cross_the_pipeline_uncopied_and_stay_so_when_replaced():
    store = LabourDocumentStore(shared=False)
    store.write_documents(_docs())
    retrieved = store.bm25_search("annual leave", top_k=3)
    assert retrieved and all(isinstance(d, RetrievedPassage) for d in retrieved)
    pipe = Pipeline()
    pipe.add_component("retrieval", _Retrieval(store))
    pipe.add_component("receiver", _Receiver())
    pipe.connect("retrieval.documents", "receiver.documents")
    out = pipe.run({"retrieval": {"query": "annual leave"}}, include_outputs_from={"retrieval"})
    # haystack deep-copies each component's inputs; a retrieved passage is handed on as it is
    assert [id(d) for d in _Receiver.received] == [id(d) for d in out["retrieval"]["documents"]]
    # a component that changes a passage makes a new one, which is still shared, not copied
    rescored = replace(retrieved[0], score=9.0, meta={**retrieved[0].meta, "topic": "leave"})
    assert isinstance(rescored, RetrievedPassage) and rescored.meta != retrieved[0].meta
    # a plain Document is still copied
    plain, alone = Document(content="x"), Pipeline()
    alone.add_component("receiver", _Receiver())
    alone.run({"receiver": {"documents": [plain]}})
    assert _Receiver.received[0] is not plain and _Receiver.received[0] == plain
