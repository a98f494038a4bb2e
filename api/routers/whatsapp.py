"""WhatsApp channel (Meta WhatsApp Cloud API): the webhook Meta calls.

GET answers Meta's verification handshake; POST receives messages, checks
Meta's signature, stores them and answers 200 at once; a background worker
replies through the Graph API. Register ``https://<host>/webhooks/whatsapp``
as the callback URL in the Meta app, subscribed to the ``messages`` field.
"""

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ValidationError

from api.deps import SettingsDep, WhatsAppDep, get_store_engine, get_transcriber
from api.errors import ApiError, error_responses
from api.rasa_client import RasaClient
from api.whatsapp.graph import GraphClient, GraphMedia
from api.whatsapp.inbound import WebhookBody, inbound_messages
from api.whatsapp.signature import signature_matches
from api.whatsapp.worker import WhatsAppWorker

logger = logging.getLogger(__name__)

WEBHOOK = "/webhooks/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"

NOT_CONFIGURED = "The WhatsApp channel is not configured on this server."


@asynccontextmanager
async def whatsapp_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the worker when WhatsApp is configured; it answers what a previous run left."""
    settings = app.state.settings
    app.state.whatsapp = None
    if settings.whatsapp_missing:
        missing = ", ".join(settings.whatsapp_missing)
        logger.info("WhatsApp channel off (%s unset): its webhook answers 503", missing)
        yield
        return
    try:
        engine = await get_store_engine(settings)
    except ApiError:
        # Logged by get_store_engine; the rest of the API still serves, and Meta
        # retries the webhooks it could not deliver once a restart finds the store.
        logger.error("WhatsApp channel off: the store is unavailable")
        yield
        return
    # Its own client: the Graph API is outside, so the environment's proxy settings apply.
    async with httpx.AsyncClient() as graph_http:
        graph = GraphClient(
            graph_http,
            settings.whatsapp_graph_url,
            settings.whatsapp_graph_version,
            settings.whatsapp_phone_number_id,
            settings.whatsapp_access_token.get_secret_value(),
            attempts=settings.whatsapp_send_attempts,
            max_wait_s=settings.whatsapp_retry_max_wait_s,
        )
        media = GraphMedia(
            graph_http,
            settings.whatsapp_graph_url,
            settings.whatsapp_graph_version,
            settings.whatsapp_access_token.get_secret_value(),
            max_bytes=settings.whatsapp_media_max_bytes,
        )
        speech = await get_transcriber(settings)
        if speech is None:
            logger.info("WhatsApp voice notes are not transcribed (no speech model): they get a polite reply")
        rasa = RasaClient(app.state.http_client, settings.rasa_urls, settings.rasa_timeout_s)
        worker = WhatsAppWorker(
            engine,
            rasa,
            graph,
            workers=settings.whatsapp_workers,
            claim_timeout_s=settings.whatsapp_claim_timeout_s,
            metrics=app.state.metrics,
            pseudonym_key=settings.pseudonym_secret,
            media=media,
            speech=speech,
            speech_timeout_s=settings.speech_timeout_s,
        )
        await worker.start()
        app.state.whatsapp = worker
        logger.info("WhatsApp channel on; replies go to %s", graph.url)
        try:
            yield
        finally:
            app.state.whatsapp = None
            await worker.stop()


router = APIRouter(tags=["whatsapp"], lifespan=whatsapp_lifespan)


async def get_whatsapp_worker(worker: WhatsAppDep) -> WhatsAppWorker:
    if worker is None:
        raise ApiError(503, "whatsapp_not_configured", NOT_CONFIGURED)
    return worker


WhatsAppWorkerDep = Annotated[WhatsAppWorker, Depends(get_whatsapp_worker)]


@router.get(
    WEBHOOK,
    response_class=PlainTextResponse,
    # Spelled out: FastAPI would document the errors in the route's text/plain; they are JSON.
    responses={200: {"content": {"text/plain": {}}, "description": "hub.challenge, echoed"}}
    | {status: {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
       for status in (400, 403, 503)},
    summary="Meta's webhook verification handshake",
    dependencies=[Depends(get_whatsapp_worker)],
)
async def verify_webhook(
    settings: SettingsDep,
    mode: Annotated[str | None, Query(alias="hub.mode")] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=256)] = None,
) -> PlainTextResponse:
    """Echo `hub.challenge` when `hub.mode` is `subscribe` and the token is ours; 403 otherwise."""
    expected = settings.whatsapp_verify_token.get_secret_value().encode()
    if mode != "subscribe" or token is None or not hmac.compare_digest(token.encode(), expected):
        logger.warning("WhatsApp webhook verification refused (hub.mode=%r)", mode)
        raise ApiError(403, "verification_failed", "The verify token does not match this server's.")
    if not challenge:
        raise ApiError(400, "challenge_missing", "hub.challenge is required.")
    return PlainTextResponse(challenge)


class Received(BaseModel):
    status: str = "received"
    messages: int


@router.post(
    WEBHOOK,
    response_model=Received,
    responses=error_responses(400, 401, 403, 503),
    summary="Messages from citizens on WhatsApp (called by Meta)",
)
async def receive_webhook(request: Request, settings: SettingsDep, worker: WhatsAppWorkerDep) -> Received:
    """Check the signature, store the new messages and answer 200 at once.

    `messages` counts the messages queued for an answer: every message never received
    before, text, taps, voice notes and other media alike (status callbacks, reactions
    and Meta's retries count 0).
    """
    body = await request.body()
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        raise ApiError(401, "signature_missing", f"The {SIGNATURE_HEADER} header is required.")
    if not signature_matches(settings.whatsapp_app_secret.get_secret_value(), body, signature):
        logger.warning("WhatsApp webhook with a bad signature refused")
        raise ApiError(403, "signature_invalid", f"The {SIGNATURE_HEADER} signature does not match the body.")
    try:
        webhook = WebhookBody.model_validate_json(body)
    except ValidationError as exc:
        raise ApiError(400, "invalid_webhook", "The body is not a WhatsApp Cloud API webhook.") from exc
    queued = await worker.accept(inbound_messages(webhook, settings.whatsapp_phone_number_id))
    return Received(messages=queued)
