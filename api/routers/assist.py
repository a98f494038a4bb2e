"""Agent assist: suggested answers, with sources, for what a caller says."""

import asyncio
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError

from api.assist import (
    MAX_SUGGESTIONS,
    BotResponses,
    KnowledgeLoader,
    bot_suggestion,
    caller_language,
    intent_of,
    knowledge_suggestions,
    needs_knowledge,
)
from api.auth import AgentDep
from api.deps import RasaClientDep, SettingsDep
from api.errors import ApiError, Utf8JSONRoute, error_responses
from api.rasa_client import AssistantFailed, AssistantUnreachable
from api.schemas import SuggestReply, SuggestRequest

logger = logging.getLogger(__name__)

router = APIRouter(tags=["agent assist"], route_class=Utf8JSONRoute, dependencies=[AgentDep])

UNAVAILABLE = "The assistant's language understanding is unavailable right now. Please try again shortly."
FAILED = "The assistant could not read this text. Please try again."
NO_INDEX = "The ministry's texts cannot be searched right now (the knowledge index is not available)."


async def get_knowledge(request: Request) -> KnowledgeLoader:
    return request.app.state.knowledge


async def get_bot_responses(request: Request) -> BotResponses:
    return request.app.state.bot_responses


@router.post(
    "/api/assist/suggest",
    response_model=SuggestReply,
    responses=error_responses(400, 401, 413, 415, 422, 502, 503),
    summary="Suggest up to three answers, with sources, for what a caller said",
)
async def suggest(
    body: SuggestRequest,
    settings: SettingsDep,
    rasa: RasaClientDep,
    knowledge: Annotated[KnowledgeLoader, Depends(get_knowledge)],
    responses: Annotated[BotResponses, Depends(get_bot_responses)],
) -> SuggestReply:
    """The bot's reading of the text (intent, caller's language), then the bot's own
    response for small talk and procedures, or cited answers from the ministry's
    texts for questions. Suggestions are in the caller's language unless
    `language` asks for another one."""
    if len(body.text) > settings.max_message_chars:
        raise RequestValidationError([{
            "type": "string_too_long",
            "loc": ("body", "text"),
            "msg": f"String should have at most {settings.max_message_chars} characters",
            "input": None,
            "ctx": {"max_length": settings.max_message_chars},
        }])
    # Parse and search run together: most calls are questions, and waiting for the
    # intent first would add Rasa's time to the index's.
    parse, passages = await asyncio.gather(
        rasa.parse(body.text), knowledge.search(body.text), return_exceptions=True
    )
    if isinstance(parse, BaseException):
        logger.error("Rasa could not parse an agent's text: %s", parse)
        if isinstance(parse, AssistantUnreachable):
            raise ApiError(503, "assistant_unavailable", UNAVAILABLE) from parse
        if isinstance(parse, AssistantFailed):
            raise ApiError(502, "assistant_error", FAILED) from parse
        raise parse

    intent = intent_of(parse)
    earlier = [turn.text for turn in body.conversation if turn.role == "citizen"]
    language = await asyncio.to_thread(caller_language, parse, body.text, earlier)
    target = body.language or language

    suggestions = []
    own = bot_suggestion(responses, intent, target)
    if own is not None:
        suggestions.append(own)
    if needs_knowledge(responses, intent):
        if isinstance(passages, BaseException):
            logger.error("Knowledge search failed for agent assist: %r", passages)
            if not suggestions:
                raise ApiError(503, "knowledge_unavailable", NO_INDEX) from passages
            passages = []
        suggestions += knowledge_suggestions(body.text, passages, target, MAX_SUGGESTIONS - len(suggestions))
    return SuggestReply(language=language, suggestion_language=target, intent=intent, suggestions=suggestions)
