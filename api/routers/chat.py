"""Web chat channel: a citizen's message in, the assistant's reply out."""

import asyncio
import logging

import httpx
from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.exceptions import RequestValidationError

from api.deps import HttpClientDep, RasaClientDep, SettingsDep, keep_turn
from api.errors import ApiError, Utf8JSONRoute, error_responses
from api.limits import client_host
from api.metrics import AssistantMetricsDep
from api.probes import RASA_NO_MODEL, probe_actions, probe_rasa_servers
from api.rasa_client import AssistantFailed, AssistantUnreachable
from api.schemas import ChatReply, ChatRequest
from api.settings import Settings
from api.turn import citizen_turn
from observability.pseudonyms import client_pseudonym

logger = logging.getLogger(__name__)

router = APIRouter(tags=["chat"], route_class=Utf8JSONRoute)

CHANNEL = "web"

UNAVAILABLE = "The assistant is temporarily unavailable. Please try again in a few minutes."
ACTIONS_DOWN = (
    "The assistant cannot look up answers or case files right now because its "
    "action server is down. Please try again later."
)
NOT_READY = "The assistant is starting up and has no trained model loaded yet. Please try again later."
FAILED = "The assistant could not process your message. Please try again later."


@router.post(
    "/api/chat",
    response_model=ChatReply,
    response_model_exclude_none=True,
    responses=error_responses(400, 415, 422, 502, 503),
    summary="Send a citizen's message to the assistant",
)
async def chat(
    request: Request,
    chat_request: ChatRequest,
    settings: SettingsDep,
    rasa: RasaClientDep,
    http: HttpClientDep,
    metrics: AssistantMetricsDep,
    background: BackgroundTasks,
) -> ChatReply:
    # The limit is a setting, so it is checked here rather than in the model;
    # it is reported like every other invalid field.
    if len(chat_request.message) > settings.max_message_chars:
        raise RequestValidationError(
            [
                {
                    "type": "string_too_long",
                    "loc": ("body", "message"),
                    "msg": f"String should have at most {settings.max_message_chars} characters",
                    "input": None,
                    "ctx": {"max_length": settings.max_message_chars},
                }
            ]
        )

    # The channel is the API's to say: handoff tickets are answered through it. So is the
    # client: the case look-up counts failures per address (a keyed hash, never the address).
    metadata = {
        **(chat_request.metadata or {}),
        "channel": CHANNEL,
        "client": client_pseudonym("ip", client_host(request), settings.pseudonym_secret),
    }

    async def diagnose_silence() -> None:
        # Rasa 3.6's REST channel swallows a failing custom action (or a missing
        # model) and answers 200 with an empty list, so silence needs a diagnosis.
        await _explain_failure(settings, http, silent=True)
        logger.warning("Rasa gave no reply to %s although all its parts look up", chat_request.sender)

    try:
        turn = await citizen_turn(
            rasa, metrics, channel=CHANNEL, sender=chat_request.sender, text=chat_request.message,
            metadata=metadata, on_silence=diagnose_silence,
        )
    except AssistantUnreachable as exc:
        logger.error("Rasa unreachable: %s", exc)
        raise ApiError(503, "assistant_unavailable", UNAVAILABLE) from exc
    except AssistantFailed as exc:
        logger.error("Rasa failed on a message from %s: %s", chat_request.sender, exc)
        await _explain_failure(settings, http, silent=False)
        raise ApiError(502, "assistant_error", FAILED) from exc

    # The turn and its outcome (answered, refused with the bot's reason, handoff) for the operators'
    # review, written once the reply is sent: the citizen never waits for the store.
    background.add_task(
        keep_turn, settings, sender=chat_request.sender, channel=CHANNEL, language=turn.language,
        question=chat_request.message, items=turn.items, replies=turn.replies,
    )
    return ChatReply(sender=chat_request.sender, language=turn.language, messages=turn.replies)


async def _explain_failure(settings: Settings, http: httpx.AsyncClient, *, silent: bool) -> None:
    """Raise a 503 naming the part that is down, if one is; return otherwise."""
    actions, rasa = await asyncio.gather(
        probe_actions(http, settings.action_server_url, settings.health_timeout_s),
        probe_rasa_servers(http, settings.rasa_urls, settings.health_timeout_s),
    )
    if not actions.ready:
        logger.error("Action server not ready: %s", actions.detail)
        raise ApiError(503, "actions_unavailable", ACTIONS_DOWN)
    if silent and rasa.detail == RASA_NO_MODEL:
        logger.error("Rasa not ready: %s", rasa.detail)
        raise ApiError(503, "assistant_not_ready", NOT_READY)
