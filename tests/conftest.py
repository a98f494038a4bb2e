"""Shared test helpers: where the repo and the shared corpus are."""
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"the shared ministry corpus is not at {SHARED_CORPUS}")
    return SHARED_CORPUS
