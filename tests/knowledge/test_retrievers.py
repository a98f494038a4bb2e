import numpy as np
from haystack import Document

from knowledge.document_store import LabourDocumentStore
from knowledge.retrievers import BM25Retriever, VectorRetriever

from .test_document_store import _docs


def test_bm25_retriever_returns_the_stores_bm25_ranking():
    store = LabourDocumentStore(shared=False)
    store.write_documents(_docs())
    got = BM25Retriever(store, top_k=3).run(query="paid annual leave")["documents"]
    want = store.bm25_search("paid annual leave", top_k=3)
    assert [(d.id, d.score) for d in got] == [(d.id, d.score) for d in want] and got[0].id == "0"
    assert len(BM25Retriever(store).run(query="paid annual leave", top_k=1)["documents"]) == 1
    assert got[0].embedding is None


def test_bm25_retriever_reads_arabic_spelling_variants_and_chapters():
    store = LabourDocumentStore(shared=False)
    store.write_documents(
        [
            Document(id="a", content="يستحق كل أجير يوما ونصف يوم عن كل شهر.", meta={"chapter": "العطلة السنوية"}),
            Document(id="b", content="Congé annuel"),
        ]
    )
    retriever = BM25Retriever(store)
    retriever.warm_up()
    assert [d.id for d in retriever.run(query="عطلة سنويه")["documents"]] == ["a"]
    assert retriever.run(query="nothing")["documents"] == []


def test_vector_retriever_takes_an_array_and_returns_the_stores_ranking():
    store = LabourDocumentStore(shared=False)
    store.write_documents(_docs())
    query = np.asarray(_docs()[2].embedding, dtype=np.float32)
    got = VectorRetriever(store, top_k=3).run(query_vector=query)["documents"]
    want = store.embedding_retrieval(query.tolist(), top_k=3)
    assert [(d.id, round(d.score, 5)) for d in got] == [(d.id, round(d.score, 5)) for d in want] and got[0].id == "2"
    assert len(VectorRetriever(store).run(query_vector=query, top_k=1)["documents"]) == 1


def test_retrievers_round_trip_through_to_dict():
    store = LabourDocumentStore(shared=False)
    for cls in (BM25Retriever, VectorRetriever):
        restored = cls.from_dict(cls(store, top_k=7).to_dict())
        assert restored.top_k == 7 and isinstance(restored.document_store, LabourDocumentStore)
