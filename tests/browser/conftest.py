"""Debian's Chromium, headless, driven by Playwright; the real API (and, for the
conversation tests, the real Rasa + action server stack of tests/e2e).

Chromium comes from the system (`apt-get install chromium`, done by `make
browser`); `playwright install` is never run. Screenshots go to var/screenshots/.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO_ROOT
from tests.conftest import require
from stack.processes import Stack
from tests.conftest import APP_PYTHON
from tests.e2e.conftest import assistant  # noqa: F401 (fixture)
from stack.services import free_port

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1100, "height": 800}


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    require(CHROMIUM.is_file() or shutil.which(str(CHROMIUM)) is not None,
            f"no Chromium at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def playwright_driver():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed in .venv")
    with sync_api.sync_playwright() as driver:
        yield driver


@pytest.fixture
def open_browser(playwright_driver, chromium_path, tmp_path) -> Iterator[Callable[..., object]]:
    """Start a fresh Chromium (its own --user-data-dir) and return a new page in it."""
    contexts = []

    def open_page(viewport: dict[str, int] = DESKTOP, locale: str = "ar-MA"):
        profile = tmp_path / f"chromium-profile-{len(contexts)}"
        context = playwright_driver.chromium.launch_persistent_context(
            str(profile), executable_path=str(chromium_path), headless=True, args=CHROMIUM_FLAGS,
            viewport=viewport, locale=locale,
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.pages[0] if context.pages else context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="package")
def stack(assistant: Stack) -> Iterator[Stack]:  # noqa: F811 (the imported fixture)
    """The real assistant; stopped when this package is done, before tests/e2e starts its own."""
    yield assistant
    for process in assistant.processes.values():
        process.stop()


def start_api(env_overrides: dict[str, str], log: Path) -> tuple[str, subprocess.Popen]:
    """The real API (uvicorn) on a free loopback port, with the given environment."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **env_overrides}
    popen = subprocess.Popen(
        [str(APP_PYTHON), "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        if popen.poll() is not None:
            pytest.fail(f"the API exited with {popen.returncode}:\n{log.read_text()[-3000:]}")
        try:
            httpx.get(f"{url}/static/chat.js", timeout=1)
            return url, popen
        except httpx.HTTPError:
            time.sleep(0.2)
    popen.kill()
    pytest.fail(f"the API did not start:\n{log.read_text()[-3000:]}")
