"""Dependencies: the knowledge package imported lazily, safely under concurrent requests."""
import subprocess
import sys

from tests.conftest import REPO_ROOT

# In a fresh interpreter: knowledge.index is not imported yet, as in a just-started API.
CONCURRENT_FIRST_PROBES = """
import asyncio

from api.deps import get_manifest_reader

async def main():
    first = asyncio.create_task(get_manifest_reader())
    await asyncio.sleep(0.3)  # haystack takes seconds to import: the first import is under way
    second = await get_manifest_reader()
    import knowledge.index
    assert (await first) is second is knowledge.index.read_manifest

asyncio.run(main())
"""


def test_a_probe_during_the_first_import_waits_for_the_whole_module():
    # Seen under load: the second /health call read a half-initialised module and failed with 500.
    run = subprocess.run([sys.executable, "-c", CONCURRENT_FIRST_PROBES], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]


def test_turns_arriving_together_open_a_new_store_once(tmp_path):
    """The first turns of a fresh store are kept together: their threads must not race each
    other's schema migration (each failed with 'table already exists')."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import inspect

    from api.deps import _open_store

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        engines = list(pool.map(lambda _: _open_store(url), range(8)))
    assert len({id(engine) for engine in engines}) == 1
    assert "conversation_turns" in inspect(engines[0]).get_table_names()
