"""Suggested answers for call-centre agents: the bot's reading of the caller, the
bot's own responses, and cited answers from the knowledge index.

The index is loaded once per API process, read-only and lazily (the first
suggestion pays for it), in a worker thread. The bot's responses come from the
file that training writes (``bot/assist_responses.py``); neither Rasa nor the
bot's sources are read here.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from api.schemas import Intent, Source, Suggestion
from languages import DEFAULT_LANGUAGE, LANGUAGES, identify

if TYPE_CHECKING:
    from knowledge.search import KnowledgeBase, Passage

logger = logging.getLogger(__name__)

MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class BotResponses:
    """The bot's response to each intent that a plain rule answers, per language,
    and the intents that the knowledge action answers, as training wrote them."""

    by_intent: dict[str, dict[str, str]]
    knowledge_intents: frozenset[str]

    @classmethod
    def load(cls, path: Path) -> BotResponses:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            # No trained model yet: every suggestion then comes from the index.
            logger.warning("No bot responses at %s (written by `make model`); agent assist suggests from the index only", path)
            return cls({}, frozenset())
        return cls(data["by_intent"], frozenset(data["knowledge_intents"]))


class KnowledgeLoader:
    """The knowledge index, loaded once on first use, off the event loop."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._knowledge_base: KnowledgeBase | None = None
        self._top_k = 0
        self._lock = asyncio.Lock()

    async def get(self) -> KnowledgeBase:
        if self._knowledge_base is None:
            async with self._lock:
                if self._knowledge_base is None:
                    self._knowledge_base, self._top_k = await anyio.to_thread.run_sync(_load_index, self.index_dir)
        return self._knowledge_base

    async def search(self, text: str) -> list[Passage]:
        """The passages for ``text``, as many as the bot retrieves for an answer (``TOP_K``)."""
        knowledge_base = await self.get()
        return await anyio.to_thread.run_sync(knowledge_base.search, text, self._top_k)


def _load_index(index_dir: Path) -> tuple[KnowledgeBase, int]:
    # Imported here: haystack takes seconds to import, which the API need not pay to start.
    from knowledge.search import KnowledgeBase
    from knowledge.settings import KnowledgeSettings

    settings = KnowledgeSettings()
    return KnowledgeBase.load(index_dir, settings), settings.top_k


def caller_language(parse: dict[str, Any], text: str, earlier_citizen_turns: list[str]) -> str:
    """The language chat would answer in: the NLU's confident reading of this text, else the
    latest earlier turn read with confidence (the bot's language slot is sticky the same way),
    else Arabic."""
    if parse.get("language") in LANGUAGES and parse.get("language_confident") is not False:
        return parse["language"]
    for turn in reversed(earlier_citizen_turns):
        guess = identify(turn)
        if guess.confident:
            return guess.language
    return DEFAULT_LANGUAGE


def intent_of(parse: dict[str, Any]) -> Intent:
    intent = parse.get("intent") or {}
    return Intent(name=str(intent.get("name") or "nlu_fallback"), confidence=float(intent.get("confidence") or 0.0))


def knowledge_suggestions(question: str, passages: list[Passage], language: str, limit: int) -> list[Suggestion]:
    """The bot's own answer first, then answers from the next distinct passages.

    Each is framed in `language`, with a line saying so when the passage is in
    another language (as the knowledge action does).
    """
    # The knowledge action's composition, so agents see what the bot would say (imported
    # here, with haystack, once the index is loaded anyway).
    from knowledge.replies import compose_answer

    if not passages or limit <= 0:
        return []
    first = compose_answer(question, passages, language)
    if first is None:
        return []
    chosen = (first.sources[0]["doc_id"], first.sources[0]["ref"])
    suggestions = [_suggestion(first.text, _score_of(passages, chosen), first.sources)]
    seen = {chosen}
    for passage in passages:
        if len(suggestions) >= limit:
            break
        key = (passage.doc_id, passage.ref)
        if key in seen:
            continue
        seen.add(key)
        answer = compose_answer(question, [passage], language)
        if answer is not None:
            suggestions.append(_suggestion(answer.text, passage.score, answer.sources))
    return suggestions


def _score_of(passages: list[Passage], key: tuple[str, str]) -> float:
    return next(p.score for p in passages if (p.doc_id, p.ref) == key)


def _suggestion(text: str, score: float, sources: list[dict[str, Any]]) -> Suggestion:
    return Suggestion(
        text=text,
        score=round(float(score), 4),
        # The index stores "" for a missing ref or url; the API says null.
        sources=[Source(**{k: (v or None) if k in ("ref", "url") else v for k, v in s.items()}) for s in sources],
        origin="knowledge",
    )


def bot_suggestion(responses: BotResponses, intent: Intent, language: str) -> Suggestion | None:
    text = responses.by_intent.get(intent.name, {}).get(language)
    if not text:
        return None
    return Suggestion(text=text, score=round(intent.confidence, 4), sources=[], origin="bot")


def needs_knowledge(responses: BotResponses, intent: Intent) -> bool:
    """Questions, unsure readings, and intents with no response of their own go to the index."""
    return intent.name in responses.knowledge_intents or intent.name not in responses.by_intent
