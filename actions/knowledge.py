"""Answer informational questions from the knowledge index, with citations."""
from __future__ import annotations

import asyncio
import logging
import threading
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.settings import get_settings
from knowledge.replies import compose_reply
from knowledge.search import KnowledgeBase, SearchResult
from knowledge.settings import KnowledgeSettings
from languages import language_or_default

logger = logging.getLogger(__name__)

_knowledge_base: KnowledgeBase | None = None
_load_lock = threading.Lock()
# One search at a time: the embedder is CPU-bound and not shared across threads.
_search_lock = threading.Lock()


@lru_cache(maxsize=1)
def knowledge_settings() -> KnowledgeSettings:
    """INDEX_DIR, TOP_K and the other settings of the knowledge layer, read once per process."""
    return KnowledgeSettings()


def knowledge_base() -> KnowledgeBase:
    """The index, loaded read-only once per process."""
    global _knowledge_base
    with _load_lock:
        if _knowledge_base is None:
            _knowledge_base = KnowledgeBase.load(settings=knowledge_settings())
        return _knowledge_base


def fallback_outcome(reason: str, language: str) -> dict[str, str]:
    """The marker by which the API counts a turn the bot gave up on (docs/CONTRACTS.md, "Turn outcomes")."""
    return {"outcome": "fallback", "reason": reason, "language": language}


def answer(question: str, language: str, top_k: int) -> SearchResult:
    """The knowledge base's answer, from the cache when the same question was asked lately.

    Citizens ask the same few questions (the minimum wage, leave, dismissal) over and
    over; a search costs a query embedding and two BM25 passes. The index is loaded
    once per process, so a cached answer never outlives the index it came from.
    """
    return _cached_search()(" ".join(question.split()), language, top_k)


@lru_cache(maxsize=1)
def _cached_search():
    return lru_cache(maxsize=get_settings().answer_cache_size)(_search)


def _search(question: str, language: str, top_k: int) -> SearchResult:
    with _search_lock:
        return knowledge_base().run(question, top_k=top_k, language=language)


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = language_or_default(tracker.get_slot("language"))
        question = tracker.latest_message.get("text") or ""
        try:
            result = await asyncio.to_thread(answer, question, language, knowledge_settings().top_k)
        except Exception:  # the index is missing or broken: say so, keep the bot alive
            logger.exception("knowledge search failed")
            dispatcher.utter_message(
                response="utter_knowledge_unavailable",
                json_message=fallback_outcome("knowledge_unavailable", language),
            )
            return []
        reply = compose_reply(result, language, question)
        if reply is None:  # below the confidence threshold: never guess, offer a person (the responses' button)
            if (tracker.latest_message.get("intent") or {}).get("name") == "out_of_scope":
                # nothing in the texts, and the NLU found it off-topic: say what the assistant does
                dispatcher.utter_message(
                    response="utter_out_of_scope",
                    json_message=fallback_outcome("out_of_scope", language),
                )
            else:
                dispatcher.utter_message(
                    response="utter_no_answer",
                    json_message=fallback_outcome("low_confidence", language),
                )
            return []
        dispatcher.utter_message(
            text=reply.text, json_message={"sources": reply.sources, "language": language}
        )
        return []
