"""The document store of the index: haystack's InMemoryDocumentStore with multilingual BM25, vectorised.

- BM25 tokens come from :func:`knowledge.analysis.analyze` (Arabic normalised and
  light-stemmed, Snowball stemmers for Arabic, French and English) for queries,
  and from :func:`knowledge.analysis.analyze_passage` for documents (the same,
  plus the lam-alef reading of words the PDF damage may have reversed), while
  ``content`` keeps the readable text.
- Unfiltered BM25 and embedding retrieval run on arrays built once after the
  last write (postings of BM25L term weights, a matrix of embeddings), instead
  of haystack's per-document Python loops: same scores, a fraction of the time.
  Filtered retrieval falls back to haystack's own code.
- BM25 reads a passage's statute title and chapter heading with its content
  (:data:`BM25_META_FIELDS`): an article that never repeats its chapter's subject
  ("paid annual leave") is still found by it.
- Unfiltered BM25 results come without their embedding, and unfiltered results
  carry only the meta fields the query pipeline reads (:data:`QUERY_META_FIELDS`):
  haystack deep-copies every component's inputs, and 384 floats, then a statute's
  full metadata (the texts it repeals, file keys, split offsets) were most of the
  query pipeline's own time.

>>> store = LabourDocumentStore()
>>> store._tokenize_bm25("الأُجرة الدنيا")
['اجر', 'دني']
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from haystack import Document, component, default_from_dict, default_to_dict
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.document_stores.in_memory.document_store import BM25DocumentStats
from haystack.document_stores.types import DuplicatePolicy

from knowledge.analysis import analyze, analyze_passage


# Meta fields BM25 reads with the content (the text shown and embedded stays ``content``).
BM25_META_FIELDS = ("chapter",)
# (Statute titles are left out: measured on the dev set, they cost more hit@5 than they gave,
# even for decrees alone.)


def bm25_text(doc: Document) -> str:
    """What BM25 indexes of ``doc``: its :data:`BM25_META_FIELDS` and its content."""
    parts = [str(doc.meta.get(field) or "") for field in BM25_META_FIELDS]
    return "\n".join([*(p for p in parts if p), doc.content or ""])


# What the query pipeline and its callers read of a passage's meta (search.Passage, the rankers,
# the answer extractor, the evaluation); the full meta stays in the store and on disk.
QUERY_META_FIELDS = (
    "doc_id", "source_id", "ref", "title", "url", "language", "chapter", "citation", "status", "date", "year", "type", "topic",
)


def query_passage(doc: Document) -> Document:
    """``doc`` as unfiltered retrieval returns it: no embedding, only :data:`QUERY_META_FIELDS`."""
    meta = {k: doc.meta[k] for k in QUERY_META_FIELDS if k in doc.meta}
    return replace(doc, meta=meta, embedding=None)


@dataclass
class _Arrays:
    documents: list[Document]
    passages: list[Document]  # ``documents`` as retrieval returns them (:func:`query_passage`)
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # token -> (document rows, BM25L term weight)
    idf: dict[str, float]
    embedded_rows: np.ndarray  # rows of ``documents`` that have an embedding
    embeddings: np.ndarray  # (len(embedded_rows), dim) float32
    embedding_row: dict[str, int]  # document id -> its row in ``embeddings``


class LabourDocumentStore(InMemoryDocumentStore):
    """InMemoryDocumentStore with multilingual BM25 tokens and vectorised unfiltered retrieval.

    Saved with ``save_to_disk`` and loaded with ``LabourDocumentStore.load_from_disk``
    exactly like its parent. Supports the default ``BM25L`` algorithm only.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.bm25_algorithm != "BM25L":
            raise ValueError("LabourDocumentStore supports bm25_algorithm='BM25L' only.")
        self._arrays: _Arrays | None = None
        self._arrays_lock = threading.Lock()

    def _tokenize_bm25(self, text: str) -> list[str]:
        return analyze(text)

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.NONE) -> int:
        self._arrays = None
        written = super().write_documents(documents, policy=policy)
        # haystack counted the content alone: recount with the meta fields, keeping its statistics consistent
        for doc in documents:
            old = self._bm25_attr.get(doc.id)
            if old is None or self.storage.get(doc.id) is not doc:
                continue
            tokens = analyze_passage(bm25_text(doc))
            vocabulary = self._freq_vocab_for_idf
            vocabulary.subtract(Counter(old.freq_token.keys()))
            vocabulary.update(set(tokens))
            for token in [t for t, n in vocabulary.items() if n <= 0]:
                del vocabulary[token]
            n_docs = len(self._bm25_attr)
            self._avg_doc_len += (len(tokens) - old.doc_len) / n_docs
            self._bm25_attr[doc.id] = BM25DocumentStats(Counter(tokens), len(tokens))
        return written

    def delete_documents(self, document_ids: list[str]) -> None:
        self._arrays = None
        super().delete_documents(document_ids)

    def _build_arrays(self) -> _Arrays:
        with self._arrays_lock:
            if self._arrays is not None:
                return self._arrays
            k = self.bm25_parameters.get("k1", 1.5)
            b = self.bm25_parameters.get("b", 0.75)
            delta = self.bm25_parameters.get("delta", 0.5)
            documents = [d for d in self.storage.values() if d.content is not None]
            rows: dict[str, list[int]] = {}
            weights: dict[str, list[float]] = {}
            for row, doc in enumerate(documents):
                stats = self._bm25_attr[doc.id]
                norm = 1 - b + b * stats.doc_len / self._avg_doc_len if self._avg_doc_len else 1.0
                for token, freq in stats.freq_token.items():
                    ctd = freq / norm
                    rows.setdefault(token, []).append(row)
                    weights.setdefault(token, []).append((1.0 + k) * (ctd + delta) / (k + ctd + delta))
            postings = {
                t: (np.asarray(rows[t], dtype=np.int32), np.asarray(weights[t], dtype=np.float32)) for t in rows
            }
            n_corpus = len(self._bm25_attr)
            idf = {t: math.log((n_corpus + 1.0) / (n + 0.5)) for t, n in self._freq_vocab_for_idf.items() if n}
            embedded = [i for i, d in enumerate(documents) if d.embedding is not None]
            matrix = (
                np.asarray([documents[i].embedding for i in embedded], dtype=np.float32)
                if embedded
                else np.zeros((0, 0), dtype=np.float32)
            )
            embedding_row = {documents[i].id: row for row, i in enumerate(embedded)}
            self._arrays = _Arrays(
                documents,
                [query_passage(d) for d in documents],
                postings,
                idf,
                np.asarray(embedded, dtype=np.int64),
                matrix,
                embedding_row,
            )
            return self._arrays

    @staticmethod
    def _top(scores: np.ndarray, top_k: int) -> np.ndarray:
        top_k = min(top_k, len(scores))
        if top_k <= 0:
            return np.zeros(0, dtype=np.int64)
        part = np.argpartition(-scores, top_k - 1)[:top_k]
        return part[np.argsort(-scores[part], kind="stable")]

    @staticmethod
    def _scored(arrays: _Arrays, row: int, score: float, keep_embedding: bool = False) -> Document:
        # a shallow copy: to_dict/from_dict would deep-copy every embedding
        return replace(arrays.documents[row] if keep_embedding else arrays.passages[row], score=score)

    def bm25_retrieval(
        self, query: str, filters: dict[str, Any] | None = None, top_k: int = 10, scale_score: bool = False
    ) -> list[Document]:
        if filters or scale_score:
            return super().bm25_retrieval(query, filters=filters, top_k=top_k, scale_score=scale_score)
        if not query:
            raise ValueError("Query should be a non-empty string")
        arrays = self._build_arrays()
        scores = np.zeros(len(arrays.documents), dtype=np.float32)
        for token in set(self._tokenize_bm25(query)):
            posting = arrays.postings.get(token)
            if posting is not None:
                scores[posting[0]] += arrays.idf.get(token, 0.0) * posting[1]
        return [
            self._scored(arrays, int(i), float(scores[i]))
            for i in self._top(scores, top_k)
            if scores[i] > 0.0  # BM25L: 0 means no query term in the document
        ]

    def embedding_retrieval(
        self,
        query_embedding: list[float],
        filters: dict[str, Any] | None = None,
        top_k: int = 10,
        scale_score: bool = False,
        return_embedding: bool | None = False,
    ) -> list[Document]:
        if filters or scale_score or self.embedding_similarity_function != "dot_product":
            return super().embedding_retrieval(
                query_embedding, filters=filters, top_k=top_k, scale_score=scale_score, return_embedding=return_embedding
            )
        if len(query_embedding) == 0:
            raise ValueError("query_embedding should be a non-empty list of floats.")
        arrays = self._build_arrays()
        if not len(arrays.embedded_rows):
            return []
        scores = arrays.embeddings @ np.asarray(query_embedding, dtype=np.float32)
        keep = self.return_embedding if return_embedding is None else return_embedding
        return [
            self._scored(arrays, int(arrays.embedded_rows[i]), float(scores[i]), bool(keep))
            for i in self._top(scores, top_k)
        ]

    def similarities(self, query_embedding: list[float] | np.ndarray, document_ids: list[str]) -> dict[str, float]:
        """Dot product of ``query_embedding`` with each stored document's embedding (ids without one are left out).

        The score dense retrieval would give them, also for passages it did not rank high.
        """
        arrays = self._build_arrays()
        rows = [(i, arrays.embedding_row[i]) for i in document_ids if i in arrays.embedding_row]
        if not rows or not len(query_embedding):
            return {}
        scores = arrays.embeddings[[r for _, r in rows]] @ np.asarray(query_embedding, dtype=np.float32)
        return {i: float(s) for (i, _), s in zip(rows, scores)}


@component
class VectorRetriever:
    """Dense retrieval from a :class:`LabourDocumentStore` with the query's vector as a numpy array.

    haystack's ``InMemoryEmbeddingRetriever`` takes a list of floats, which the pipeline
    deep-copies float by float; this one takes :class:`knowledge.embedders.E5TextEmbedder`'s
    ``vector`` output. Passages come without their embedding and with :data:`QUERY_META_FIELDS`.

    Usage example:
    ```python
    import numpy as np
    from haystack import Document
    from knowledge.store import LabourDocumentStore, VectorRetriever

    store = LabourDocumentStore()
    store.write_documents([Document(id="a", content="x", embedding=[0.6, 0.8]), Document(id="b", content="y", embedding=[1.0, 0.0])])
    docs = VectorRetriever(store).run(query_vector=np.array([1.0, 0.0], dtype=np.float32), top_k=1)["documents"]
    assert docs[0].id == "b"
    ```
    """

    def __init__(self, document_store: LabourDocumentStore, top_k: int = 10) -> None:
        """
        :param document_store: the store to search.
        :param top_k: passages returned (overridden by ``run``'s ``top_k``).
        """
        self.document_store = document_store
        self.top_k = top_k

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, document_store=self.document_store.to_dict(), top_k=self.top_k)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "VectorRetriever":
        """Deserializes the component from a dictionary."""
        data["init_parameters"]["document_store"] = LabourDocumentStore.from_dict(data["init_parameters"]["document_store"])
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, query_vector: np.ndarray, top_k: int | None = None) -> dict[str, list[Document]]:
        """
        :param query_vector: the query's embedding.
        :param top_k: passages returned.
        :returns: ``{"documents": [...]}``, best first, ``score`` the dot product.
        """
        documents = self.document_store.embedding_retrieval(query_vector, top_k=top_k or self.top_k)
        return {"documents": documents}
