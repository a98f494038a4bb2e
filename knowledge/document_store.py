"""The document store of the index: haystack's InMemoryDocumentStore with vectorised retrieval.

- BM25 is :mod:`knowledge.bm25` (a ``bm25s`` index over the project's analysis tokens),
  built once after the last write and read by :class:`knowledge.retrievers.BM25Retriever`
  through :meth:`LabourDocumentStore.bm25_search`. haystack's own ``bm25_retrieval``
  (its regex tokeniser, no stemming) is left as it is and the knowledge layer does not use it.
- Unfiltered embedding retrieval runs on a matrix of embeddings built once after the
  last write, instead of haystack's per-document Python loop: same scores, a fraction
  of the time. Filtered retrieval falls back to haystack's own code.
- Unfiltered results come without their embedding and carry only the meta fields the
  query pipeline reads (:data:`QUERY_META_FIELDS`), as :class:`RetrievedPassage`, which
  haystack's pipeline hands on without the deep copy it makes of every component's inputs:
  384 floats, a statute's full metadata (the texts it repeals, file keys, split offsets),
  then the copies themselves were most of the query pipeline's own time.
- Each passage may carry the embeddings of its sentences (``meta["sentence_vectors"]``,
  :func:`pack_vectors`, written by :class:`knowledge.embedders.SentenceEmbedder`):
  :meth:`LabourDocumentStore.sentence_similarities` scores them against a question, so
  that the answer shows the sentence closest to it, in any language.

Only public methods of ``InMemoryDocumentStore`` are overridden.

Usage example:
```python
from haystack import Document
from knowledge.document_store import LabourDocumentStore

store = LabourDocumentStore()
store.write_documents([Document(id="a", content="الأُجرة الدنيا", embedding=[1.0, 0.0])])
assert [d.id for d in store.bm25_search("الأجرة الدنيا", top_k=1)] == ["a"]
assert store.similarities([1.0, 0.0], ["a"]) == {"a": 1.0}
```
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from haystack import Document
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.document_stores.types import DuplicatePolicy

from knowledge.bm25 import BM25Index

# What the query pipeline and its callers read of a passage's meta (search.Passage, the rankers,
# the answer extractor, the evaluation); the full meta stays in the store and on disk.
QUERY_META_FIELDS = (
    "doc_id", "source_id", "ref", "title", "url", "language", "chapter", "citation", "status", "date", "year", "type", "topic",
)


# A passage's sentence embeddings in its meta: float16, base64 (a JSON store holds them compactly).
SENTENCE_VECTORS = "sentence_vectors"


def pack_vectors(vectors: np.ndarray) -> dict[str, Any]:
    """``vectors`` (rows, dim) as JSON-safe meta: ``{"rows", "dim", "data"}``, float16 in base64.

    >>> unpack_vectors(pack_vectors(np.eye(2, dtype=np.float32))).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    matrix = np.asarray(vectors, dtype=np.float16)
    return {"rows": int(matrix.shape[0]), "dim": int(matrix.shape[1]), "data": base64.b64encode(matrix.tobytes()).decode("ascii")}


def unpack_vectors(packed: dict[str, Any]) -> np.ndarray:
    """The float32 matrix that :func:`pack_vectors` packed."""
    matrix = np.frombuffer(base64.b64decode(packed["data"]), dtype=np.float16)
    return matrix.reshape(int(packed["rows"]), int(packed["dim"])).astype(np.float32)


class RetrievedPassage(Document):
    """A passage as the query pipeline hands it from component to component: shared, not copied.

    haystack's pipeline deep-copies every component's inputs, about a hundred candidates four
    times per question, which took a fifth of a query's time. The query components never change
    a passage in place: they make a new one with ``dataclasses.replace`` (as haystack asks, and
    which keeps this class), so a copy can be the passage itself.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> "RetrievedPassage":
        return self


def query_passage(doc: Document) -> RetrievedPassage:
    """``doc`` as unfiltered retrieval returns it: no embedding, only :data:`QUERY_META_FIELDS`."""
    meta = {k: doc.meta[k] for k in QUERY_META_FIELDS if k in doc.meta}
    return RetrievedPassage(
        id=doc.id, content=doc.content, blob=doc.blob, meta=meta, score=doc.score, sparse_embedding=doc.sparse_embedding
    )


@dataclass
class _Arrays:
    documents: list[Document]
    passages: list[Document]  # ``documents`` as retrieval returns them (:func:`query_passage`)
    bm25: BM25Index  # rows of ``documents``
    embedded_rows: np.ndarray  # rows of ``documents`` that have an embedding
    embeddings: np.ndarray  # (len(embedded_rows), dim) float32
    embedding_row: dict[str, int]  # document id -> its row in ``embeddings``
    sentences: dict[str, np.ndarray]  # document id -> its sentences' embeddings (rows in sentence order)
    sentence_matrix: np.ndarray  # every embedded document's sentences, stacked (float32)
    sentence_owner: np.ndarray  # the row in ``embeddings`` of each row of ``sentence_matrix``
    # the last query's scores: retrieval, fusion and the answer's similarity score the same query
    last: tuple[bytes, np.ndarray, np.ndarray] = (b"", np.zeros(0), np.zeros(0))

    def scores(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each embedded passage's similarity to ``query`` (its embedding reads only the first
        words), and its closest sentence's (the passage's own where it has no sentence vectors)."""
        key, passages, sentences = self.last
        if key != query.tobytes():
            passages = self.embeddings @ query
            sentences = np.full_like(passages, -np.inf)
            if len(self.sentence_owner):
                np.maximum.at(sentences, self.sentence_owner, self.sentence_matrix @ query)
            sentences = np.where(np.isinf(sentences), passages, sentences)
            self.last = (query.tobytes(), passages, sentences)
        return passages, sentences


class LabourDocumentStore(InMemoryDocumentStore):
    """InMemoryDocumentStore with the knowledge layer's BM25 and vectorised unfiltered retrieval.

    Saved with ``save_to_disk`` and loaded with ``LabourDocumentStore.load_from_disk``
    exactly like its parent (the BM25 index is built from the documents on first use).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._arrays: _Arrays | None = None
        self._arrays_lock = threading.Lock()

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.NONE) -> int:
        self._arrays = None
        return super().write_documents(documents, policy=policy)

    def delete_documents(self, document_ids: list[str]) -> None:
        self._arrays = None
        super().delete_documents(document_ids)

    def warm_up(self) -> None:
        """Build the BM25 index and the embedding matrix now rather than on the first query."""
        self._build_arrays()

    def _build_arrays(self) -> _Arrays:
        with self._arrays_lock:
            if self._arrays is not None:
                return self._arrays
            documents = [d for d in self.storage.values() if d.content is not None]
            embedded = [i for i, d in enumerate(documents) if d.embedding is not None]
            matrix = (
                np.asarray([documents[i].embedding for i in embedded], dtype=np.float32)
                if embedded
                else np.zeros((0, 0), dtype=np.float32)
            )
            embedding_row = {documents[i].id: row for row, i in enumerate(embedded)}
            sentences = {d.id: unpack_vectors(d.meta[SENTENCE_VECTORS]) for d in documents if d.meta.get(SENTENCE_VECTORS)}
            stacked = [(embedding_row[i], v) for i, v in sentences.items() if i in embedding_row and len(v)]
            self._arrays = _Arrays(
                documents,
                [query_passage(d) for d in documents],
                BM25Index(documents),
                np.asarray(embedded, dtype=np.int64),
                matrix,
                embedding_row,
                sentences,
                np.concatenate([v for _, v in stacked]).astype(np.float32) if stacked else np.zeros((0, 0), dtype=np.float32),
                np.concatenate([np.full(len(v), row, dtype=np.int64) for row, v in stacked]) if stacked else np.zeros(0, dtype=np.int64),
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

    def bm25_search(self, query: str, top_k: int = 10) -> list[Document]:
        """The ``top_k`` passages with a term of ``query`` in them, best first, ``score`` their
        BM25L score (:class:`knowledge.bm25.BM25Index`)."""
        if not query:
            raise ValueError("Query should be a non-empty string")
        arrays = self._build_arrays()
        scores = arrays.bm25.scores(query)
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
        # a passage is found by its embedding or by one of its sentences
        scores = np.maximum(*arrays.scores(np.asarray(query_embedding, dtype=np.float32)))
        keep = self.return_embedding if return_embedding is None else return_embedding
        return [
            self._scored(arrays, int(arrays.embedded_rows[i]), float(scores[i]), bool(keep))
            for i in self._top(scores, top_k)
        ]

    def similarities(
        self, query_embedding: list[float] | np.ndarray, document_ids: list[str], sentences: bool = False
    ) -> dict[str, float]:
        """Dot product of ``query_embedding`` with each stored document's embedding (ids without one are left out),
        or with its closest sentence's (``sentences``).

        What dense retrieval reads, also for passages it did not rank high.
        """
        arrays = self._build_arrays()
        rows = [(i, arrays.embedding_row[i]) for i in document_ids if i in arrays.embedding_row]
        if not rows or not len(query_embedding):
            return {}
        scores = arrays.scores(np.asarray(query_embedding, dtype=np.float32))[int(sentences)]
        return {i: float(scores[r]) for i, r in rows}

    def sentence_similarities(self, query_embedding: np.ndarray, document_ids: list[str]) -> dict[str, np.ndarray]:
        """Dot product of ``query_embedding`` with each sentence of each document, in sentence order
        (:func:`knowledge.answers.split_sentences`); documents without sentence embeddings are left out."""
        arrays = self._build_arrays()
        query = np.asarray(query_embedding, dtype=np.float32)
        return {i: arrays.sentences[i] @ query for i in document_ids if i in arrays.sentences and len(query)}
