"""The API application: `uvicorn api.main:app`."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.errors import install_error_handlers
from api.routers import chat, health, web
from api.routers.web import STATIC_DIR
from api.settings import Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; tests pass their own Settings, uvicorn gets the environment's."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # One pooled client for Rasa and the action server. trust_env=False: these
        # are internal addresses, and a proxy from the environment must not
        # capture loopback traffic.
        async with httpx.AsyncClient(trust_env=False) as http_client:
            app.state.http_client = http_client
            logger.info(
                "API ready; Rasa at %s, action server at %s", settings.rasa_url, settings.action_server_url
            )
            yield

    app = FastAPI(
        title="Labour-ministry assistant API",
        summary=(
            "Multilingual assistant (Arabic, Darija, French, English) for labour rights, "
            "administrative procedures, job programmes and case status."
        ),
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(chat.router)
    app.include_router(health.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


app = create_app()
