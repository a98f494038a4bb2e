"""Shared test helpers: where the repo and the shared corpus are, real database servers,
and the knowledge index the end-to-end stacks read."""
import os
import subprocess
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import settings

from bot.assist_responses import response_texts
from stack.services import ServiceMissing, postgresql_server, redis_server

# The same examples on every run, so `make test` is reproducible; a failure found once
# stays found. HYPOTHESIS_PROFILE=explore searches afresh (random seeds).
settings.register_profile("reproducible", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "reproducible"))

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
MODEL = REPO_ROOT / "models" / "current.tar.gz"
APP_PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
RASA = REPO_ROOT / ".venv-rasa" / "bin" / "rasa"
E2E_AGENT_KEY = "e2e-agent-key"


@lru_cache(maxsize=1)
def bot_responses() -> dict[str, dict[str, str]]:
    """The domain's responses, ``{name: {language: text}}``, with their ``{placeholders}``."""
    return response_texts()


def bot_text(response: str, language: str, **values: str) -> str:
    """What the bot says with the domain response ``response`` in ``language``, filled as Rasa fills it."""
    return bot_responses()[response][language].format(**values)


def require(condition: bool, reason: str) -> None:
    """Skip when a prerequisite is missing, but fail under `make test`, which provides it."""
    if condition:
        return
    if os.environ.get("E2E_REQUIRED"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"the shared ministry corpus is not at {SHARED_CORPUS}")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def postgresql() -> Iterator[tuple[int, str]]:
    """(port, SQLAlchemy URL) of a real PostgreSQL on loopback, for this test session."""
    try:
        with postgresql_server() as server:
            yield server
    except ServiceMissing as missing:
        require(False, str(missing))


@pytest.fixture(scope="session")
def postgresql_url(postgresql) -> str:
    return postgresql[1]


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """redis:// URL of a real Redis on loopback, for this test session."""
    try:
        with redis_server() as (_, url):
            yield url
    except ServiceMissing as missing:
        require(False, str(missing))


def build_index(shared_corpus: Path, index_dir: Path) -> dict[str, str]:
    """The real `python -m knowledge build` over the shared corpus; the environment that reads it."""
    require(MODEL.is_file(), f"no trained model at {MODEL}: run `make model` (make test does)")
    require(APP_PYTHON.is_file() and RASA.is_file(), "the virtual environments are missing: run `make setup`")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "KNOWLEDGE_SOURCES": str(shared_corpus),
        "INDEX_DIR": str(index_dir),
        # The agent console is closed without a key; tests/e2e/test_agent_assist.py uses this one.
        "ASSIST_API_KEY": E2E_AGENT_KEY,
        # Every test talks from 127.0.0.1: one address, many citizens. (tests/e2e/test_case_locks.py
        # tests the per-address lock of the case look-up from addresses of its own.)
        "RATE_LIMIT_PER_IP_PER_MINUTE": "100000",
        "LOOKUP_CLIENT_MAX_FAILURES": "100000",
    }
    build = subprocess.run(
        [str(APP_PYTHON), "-m", "knowledge", "build"], cwd=REPO_ROOT, env=env,
        capture_output=True, text=True, timeout=1200,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    return env


@pytest.fixture(scope="session")
def e2e_index(tmp_path_factory, shared_corpus) -> dict[str, str]:
    """The environment of a stack reading an index built once for the session."""
    return build_index(shared_corpus, tmp_path_factory.mktemp("index") / "index")
