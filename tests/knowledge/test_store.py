import numpy as np
import pytest
from haystack import Document
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.document_stores.types import DuplicatePolicy

from knowledge.store import LabourDocumentStore, bm25_text

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


class ReferenceStore(InMemoryDocumentStore):
    """haystack's own loops with our tokens: the vectorised scores must equal these."""

    def _tokenize_bm25(self, text):
        return LabourDocumentStore._tokenize_bm25(self, text)


@pytest.mark.parametrize("query", ["paid annual leave", "congés payés", "عطلة سنوية", "rest hours", "nothing matches"])
def test_vectorised_bm25_equals_haystacks(query):
    ours, ref = LabourDocumentStore(shared=False), ReferenceStore(shared=False)
    ours.write_documents(_docs())
    ref.write_documents(_docs())
    got = [(d.id, round(d.score, 4)) for d in ours.bm25_retrieval(query, top_k=3)]
    want = [(d.id, round(d.score, 4)) for d in ref.bm25_retrieval(query, top_k=3)]
    assert got == want


def test_bm25_reads_the_chapter_heading_with_the_content():
    chapter = "الفرع الأول: مدة العطلة السنوية المؤدى عنها"
    docs = [
        Document(id="231", content="يستحق كل أجير قضى ستة أشهر يوما ونصف يوم عن كل شهر.", meta={"chapter": chapter}),
        Document(id="19", content="إذا طرأ تغيير على الوضعية القانونية للمشغل تبقى العقود سارية.", meta={"chapter": ""}),
    ]
    ours, ref = LabourDocumentStore(shared=False), ReferenceStore(shared=False)
    ours.write_documents(docs)
    # haystack's store given the chapter inside the content: same statistics, same scores
    ref.write_documents([Document(id=d.id, content=bm25_text(d)) for d in docs])
    got = [(d.id, round(d.score, 4)) for d in ours.bm25_retrieval("العطلة السنوية", top_k=2)]
    assert got == [(d.id, round(d.score, 4)) for d in ref.bm25_retrieval("العطلة السنوية", top_k=2)]
    assert got[0][0] == "231"
    assert ours.filter_documents()[0].content.startswith("يستحق")  # the text shown is the content alone
    filtered = ours.bm25_retrieval("العطلة السنوية", filters={"field": "id", "operator": "==", "value": "231"})
    assert [d.id for d in filtered] == ["231"]
    ours.delete_documents(["231", "19"])
    assert not ours._freq_vocab_for_idf and not ours._bm25_attr


def test_rewriting_a_document_keeps_bm25_statistics_consistent():
    store = LabourDocumentStore(shared=False)
    doc = Document(id="1", content="overtime pay", meta={"chapter": "working time"})
    store.write_documents([doc])
    store.write_documents([Document(id="1", content="weekly rest", meta={"chapter": "rest"})], policy=DuplicatePolicy.OVERWRITE)
    assert set(store._freq_vocab_for_idf) == set(store._tokenize_bm25("rest weekly rest"))
    assert store.bm25_retrieval("overtime", top_k=1) == []


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
    assert [d.id for d in store.bm25_retrieval("overtime", top_k=5)] == []
    store.write_documents(_docs()[3:4])
    assert [d.id for d in store.bm25_retrieval("overtime", top_k=5)] == ["3"]
    store.delete_documents(["3"])
    assert store.bm25_retrieval("overtime", top_k=5) == []


def test_filters_fall_back_to_haystack():
    store = LabourDocumentStore(shared=False)
    docs = _docs()
    docs[0].meta["language"] = "en"
    store.write_documents(docs)
    hits = store.bm25_retrieval("paid", filters={"field": "meta.language", "operator": "==", "value": "en"})
    assert [d.id for d in hits] == ["0"]


def test_unfiltered_retrieval_returns_the_meta_the_query_pipeline_reads():
    meta = {"doc_id": "ma-adala-labor-428", "ref": "231", "title": "مدونة الشغل", "language": "ar",
            "repeals": [{"kind": "ظهير", "subject": "..."}], "source_key": "legal/labor-428.json"}
    store = LabourDocumentStore(shared=False)
    store.write_documents([Document(id="1", content="عطلة سنوية مؤدى عنها", meta=meta, embedding=[1.0, 0.0])])
    for hit in (store.bm25_retrieval("عطلة", top_k=1)[0], store.embedding_retrieval([1.0, 0.0], top_k=1)[0]):
        assert hit.meta == {k: meta[k] for k in ("doc_id", "ref", "title", "language")} and hit.embedding is None
    assert store.embedding_retrieval([1.0, 0.0], top_k=1, return_embedding=True)[0].meta == meta
    assert store.filter_documents()[0].meta == meta  # the store keeps everything


def test_vector_retriever_takes_an_array_and_returns_the_stores_ranking():
    from knowledge.store import VectorRetriever

    store = LabourDocumentStore(shared=False)
    store.write_documents(_docs())
    query = np.asarray(_docs()[2].embedding, dtype=np.float32)
    got = VectorRetriever(store, top_k=3).run(query_vector=query)["documents"]
    want = store.embedding_retrieval(query.tolist(), top_k=3)
    assert [(d.id, round(d.score, 5)) for d in got] == [(d.id, round(d.score, 5)) for d in want] and got[0].id == "2"
    assert len(VectorRetriever(store).run(query_vector=query, top_k=1)["documents"]) == 1
    restored = VectorRetriever.from_dict(VectorRetriever(store, top_k=7).to_dict())
    assert restored.top_k == 7 and isinstance(restored.document_store, LabourDocumentStore)
