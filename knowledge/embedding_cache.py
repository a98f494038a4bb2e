"""The embedding cache: a sqlite file of passage vectors, so a rebuild, a fresh clone or a CI run
that keeps the cache folder embeds only new text."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np


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
