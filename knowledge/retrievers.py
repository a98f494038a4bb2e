"""The retrievers of the query pipeline, over a :class:`knowledge.document_store.LabourDocumentStore`.

- :class:`BM25Retriever`: BM25L over the project's analysis tokens (:mod:`knowledge.bm25`).
- :class:`VectorRetriever`: dense retrieval with the query's vector as a numpy array.

Both return passages without their embedding and with
:data:`knowledge.document_store.QUERY_META_FIELDS`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from haystack import Document, component, default_from_dict, default_to_dict

from knowledge.document_store import LabourDocumentStore


class _StoreRetriever:
    """What both retrievers share: the store, ``top_k``, warm-up and serialisation."""

    def __init__(self, document_store: LabourDocumentStore, top_k: int = 10) -> None:
        """
        :param document_store: the store to search.
        :param top_k: passages returned (overridden by ``run``'s ``top_k``).
        """
        self.document_store = document_store
        self.top_k = top_k

    def warm_up(self) -> None:
        """Builds the store's BM25 index and embedding matrix (else the first query does)."""
        self.document_store.warm_up()

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, document_store=self.document_store.to_dict(), top_k=self.top_k)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        """Deserializes the component from a dictionary."""
        data["init_parameters"]["document_store"] = LabourDocumentStore.from_dict(data["init_parameters"]["document_store"])
        return default_from_dict(cls, data)


@component
class BM25Retriever(_StoreRetriever):
    """BM25 from a :class:`LabourDocumentStore`: a ``bm25s`` BM25L index over the project's own
    analysis tokens (:mod:`knowledge.bm25`), instead of haystack's regex tokens.

    ``score`` is the passage's BM25L score; passages with no query term are left out.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.document_store import LabourDocumentStore
    from knowledge.retrievers import BM25Retriever

    store = LabourDocumentStore()
    store.write_documents([Document(id="a", content="Les congés payés"), Document(id="b", content="Overtime pay")])
    docs = BM25Retriever(store).run(query="les congés", top_k=5)["documents"]
    assert [d.id for d in docs] == ["a"]
    ```
    """

    @component.output_types(documents=list[Document])
    def run(self, query: str, top_k: int | None = None) -> dict[str, list[Document]]:
        """
        :param query: the question (analysed by :func:`knowledge.analysis.analyze`).
        :param top_k: passages returned.
        :returns: ``{"documents": [...]}``, best first.
        """
        return {"documents": self.document_store.bm25_search(query, top_k=top_k or self.top_k)}


@component
class VectorRetriever(_StoreRetriever):
    """Dense retrieval from a :class:`LabourDocumentStore` with the query's vector as a numpy array.

    haystack's ``InMemoryEmbeddingRetriever`` takes a list of floats, which the pipeline
    deep-copies float by float; this one takes :class:`knowledge.embedders.E5TextEmbedder`'s
    ``vector`` output. Passages come without their embedding and with :data:`QUERY_META_FIELDS`.

    Usage example:
    ```python
    import numpy as np
    from haystack import Document
    from knowledge.document_store import LabourDocumentStore
    from knowledge.retrievers import VectorRetriever

    store = LabourDocumentStore()
    store.write_documents([Document(id="a", content="x", embedding=[0.6, 0.8]), Document(id="b", content="y", embedding=[1.0, 0.0])])
    docs = VectorRetriever(store).run(query_vector=np.array([1.0, 0.0], dtype=np.float32), top_k=1)["documents"]
    assert docs[0].id == "b"
    ```
    """

    @component.output_types(documents=list[Document])
    def run(self, query_vector: np.ndarray, top_k: int | None = None) -> dict[str, list[Document]]:
        """
        :param query_vector: the query's embedding.
        :param top_k: passages returned.
        :returns: ``{"documents": [...]}``, best first, ``score`` the dot product.
        """
        documents = self.document_store.embedding_retrieval(query_vector, top_k=top_k or self.top_k)
        return {"documents": documents}
