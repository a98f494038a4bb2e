"""One citizen turn, whatever the channel: ask Rasa, fold its reply, name its language, count it.

The web chat (api/routers/chat.py) and the WhatsApp worker (api/whatsapp/worker.py) both
answer through `citizen_turn`, so a message gets the same reply and the same language on
either channel.
"""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from api.metrics import AssistantMetrics
from api.rasa_client import RasaClient, fold_reply
from api.schemas import BotMessage
from languages import DEFAULT_LANGUAGE


@dataclass(frozen=True)
class CitizenTurn:
    items: list[dict[str, Any]]  # Rasa's raw reply items: the outcome markers are read from them
    replies: list[BotMessage]
    language: str


async def citizen_turn(
    rasa: RasaClient, metrics: AssistantMetrics, *, channel: str, sender: str, text: str,
    metadata: dict[str, Any], on_silence: Callable[[], Awaitable[None]] | None = None,
) -> CitizenTurn:
    """Send the citizen's text to Rasa and count the answered turn.

    The bot names the language of every message it sends (bot/nlg.py for the domain's
    responses, the actions' JSON payloads for theirs), so no second request for the
    conversation's tracker is needed. AssistantUnreachable and AssistantFailed are
    the caller's to answer, in its channel's way; so is an empty reply, through
    `on_silence`, which may raise before the turn is counted.
    """
    started = time.perf_counter()
    items = await rasa.send_message(sender, text, metadata)
    if not items and on_silence is not None:
        await on_silence()
    replies, language = fold_reply(items)
    language = language or DEFAULT_LANGUAGE  # a silent bot, or a reply that names no language
    metrics.record_turn(channel, language, items, replies, time.perf_counter() - started)
    return CitizenTurn(items, replies, language)
