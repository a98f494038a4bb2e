"""Dependencies injected into the routers (settings, HTTP client, Rasa, index)."""

import importlib
import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import anyio
import httpx
from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from api.errors import ApiError
from api.probes import ManifestReader
from api.rasa_client import RasaClient
from api.settings import Settings
from api.whatsapp.speech import Transcriber, load_transcriber
from api.whatsapp.worker import WhatsAppWorker
from store import get_engine, init_store


# The plain getters are async so FastAPI does not send them to its threadpool.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_http_client(request: Request) -> httpx.AsyncClient:
    # Created in the app's lifespan so connections to Rasa are pooled.
    return request.app.state.http_client


SettingsDep = Annotated[Settings, Depends(get_settings)]
HttpClientDep = Annotated[httpx.AsyncClient, Depends(get_http_client)]


async def get_rasa_client(http: HttpClientDep, settings: SettingsDep) -> RasaClient:
    return RasaClient(http, settings.rasa_urls, settings.rasa_timeout_s)


RasaClientDep = Annotated[RasaClient, Depends(get_rasa_client)]


async def get_manifest_reader() -> ManifestReader:
    """`knowledge.index.read_manifest` (see docs/CONTRACTS.md).

    Imported on first use, in a worker thread and outside the probe's timeout:
    the knowledge package pulls in haystack (seconds, once), which the API does
    not need to start. If it cannot be imported, the reader reports why, so only
    the index is marked not ready. Always through import_module, never straight
    from sys.modules: while one request's thread is still importing, the module is
    already there half-initialised, and import_module waits for it to finish.
    """
    try:
        module = await anyio.to_thread.run_sync(importlib.import_module, "knowledge.index")
    except Exception as exc:
        import_error = exc

        def unavailable(index_dir: Path) -> dict[str, Any] | None:
            raise RuntimeError(f"the knowledge package cannot be loaded: {import_error!r}")

        return unavailable
    return module.read_manifest


ManifestReaderDep = Annotated[ManifestReader, Depends(get_manifest_reader)]


async def get_store_engine(settings: SettingsDep) -> Engine:
    """The store's pooled engine, its tables created on first use (off the event loop)."""
    try:
        return await anyio.to_thread.run_sync(_open_store, settings.database_url)
    except (SQLAlchemyError, OSError) as exc:  # server down, or SQLite's folder not writable
        # The URL may hold a password: it stays out of the log.
        logging.getLogger(__name__).error("Cannot open the store: %r", exc)
        raise ApiError(503, "store_unavailable", "The ministry's records are unavailable right now.") from exc


# The first turns arrive together: one migration at a time per process (the action server's
# racing one is retried by store.migrate).
_store_opening = threading.Lock()


def _open_store(database_url: str) -> Engine:
    with _store_opening:
        return _migrated_store(database_url)


@lru_cache
def _migrated_store(database_url: str) -> Engine:
    engine = get_engine(database_url)
    # The action server seeds the demo cases; the API only needs the tables.
    init_store(engine, seed_demo_cases=False)
    return engine


StoreEngineDep = Annotated[Engine, Depends(get_store_engine)]


async def keep_turn(settings: Settings, **turn: Any) -> None:
    """Keep a citizen's turn in the conversation log (api/conversations.py), off the event loop.

    Unlike StoreEngineDep, a store that cannot be opened costs the citizen nothing: it is logged.
    """
    from api import conversations

    def write() -> None:
        try:
            engine = _open_store(settings.database_url)
        except (SQLAlchemyError, OSError) as exc:
            logging.getLogger(__name__).error("Cannot open the store to keep a turn: %r", exc)
            return
        conversations.record_turn_quietly(engine, pseudonym_key=settings.pseudonym_secret, **turn)

    await anyio.to_thread.run_sync(write)


async def get_transcriber(settings: Settings) -> Transcriber | None:
    """The speech model of SPEECH_MODEL, loaded once per process off the event loop; None when
    unset, or when it cannot be loaded (logged: voice notes then get the polite reply)."""
    if settings.speech_model is None:
        return None
    try:
        return await anyio.to_thread.run_sync(
            load_transcriber, settings.speech_model, settings.speech_workers, settings.speech_cpu_threads
        )
    except Exception as exc:
        logging.getLogger(__name__).error("Cannot load the speech model %s: %r", settings.speech_model, exc)
        return None


async def get_whatsapp(request: Request) -> WhatsAppWorker | None:
    """The WhatsApp channel (its `.graph` sends messages); None when WhatsApp is not configured."""
    return getattr(request.app.state, "whatsapp", None)


WhatsAppDep = Annotated[WhatsAppWorker | None, Depends(get_whatsapp)]
