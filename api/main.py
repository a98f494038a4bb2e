"""The API application: `uvicorn api.main:app`."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api.assist import BotResponses, KnowledgeLoader
from api.errors import error_responses, install_error_handlers
from api.limits import BodySizeLimit, RateLimiter, limit_citizen_requests
from api.metrics import AssistantMetrics, TurnErrorMetrics, instrument_http
from api.request_id import RequestIdMiddleware
from api.routers import agent, assist, chat, feedback, health, metrics, ops, web, whatsapp
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
                "API ready; Rasa at %s, action server at %s", ", ".join(settings.rasa_urls), settings.action_server_url
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
    app.state.rate_limiter = RateLimiter(
        settings.rate_limit_per_minute, settings.rate_limit_per_ip_per_minute, settings.rate_limit_storage_url
    )
    app.state.metrics = AssistantMetrics()
    app.state.knowledge = KnowledgeLoader(settings.index_dir)
    app.state.bot_responses = BotResponses.load(settings.assist_responses_file)
    install_error_handlers(app)
    # Citizens' endpoints are rate-limited per client IP and per sender.
    citizen_limits = {"dependencies": [Depends(limit_citizen_requests)], "responses": error_responses(413, 429)}
    app.include_router(chat.router, **citizen_limits)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(web.router)
    app.include_router(feedback.router, **citizen_limits)
    app.include_router(whatsapp.router)
    app.include_router(assist.router)
    app.include_router(agent.router)
    app.include_router(agent.citizen_router, **citizen_limits)
    app.include_router(ops.router)
    app.include_router(ops.page_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Outermost last: CORS headers go on every answer, the 413s included.
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(TurnErrorMetrics, metrics=app.state.metrics)
    instrument_http(app, app.state.metrics)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
    )
    return app


app = create_app()
