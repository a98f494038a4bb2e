"""Suggested answers for call-centre agents: the bot's reading of the caller, the
bot's own responses, and cited answers from the knowledge index.

The index is loaded once per API process, read-only and lazily (the first
suggestion pays for it), in a worker thread. The bot's responses are read from
the domain files with PyYAML; Rasa itself is never imported here.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import yaml

from api.schemas import LANGUAGES, Intent, Source, Suggestion

if TYPE_CHECKING:
    from knowledge.search import KnowledgeBase, Passage

logger = logging.getLogger(__name__)

BOT_DIR = Path(__file__).resolve().parent.parent / "bot"
MAX_SUGGESTIONS = 3
SEARCH_TOP_K = 5
# The action that answers from the index; intents routed to it get knowledge suggestions.
KNOWLEDGE_ACTION = "action_answer_question"


@dataclass(frozen=True)
class BotResponses:
    """The bot's response to each intent that a plain rule answers, per language.

    Derived from the rules (`intent` then `action`, no condition) and the domain's
    conditional variations, so the suggestions follow the bot when it changes.
    """

    by_intent: dict[str, dict[str, str]]
    knowledge_intents: frozenset[str]

    @classmethod
    def load(cls, bot_dir: Path = BOT_DIR) -> BotResponses:
        responses: dict[str, dict[str, str]] = {}
        forms: dict[str, list[str]] = {}
        for path in sorted((bot_dir / "domain").glob("*.yml")):
            domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for name, variations in (domain.get("responses") or {}).items():
                responses[name] = _texts_by_language(variations)
            for name, form in (domain.get("forms") or {}).items():
                forms[name] = list((form or {}).get("required_slots") or [])
        by_intent: dict[str, dict[str, str]] = {}
        knowledge_intents: set[str] = set()
        for path in sorted((bot_dir / "data" / "rules").glob("*.yml")):
            for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []:
                steps = rule.get("steps") or []
                if rule.get("condition") or len(steps) < 2:
                    continue  # rules inside a form answer differently
                intent, action = steps[0].get("intent"), steps[1].get("action")
                if not intent or not action:
                    continue
                if action == KNOWLEDGE_ACTION:
                    knowledge_intents.add(intent)
                    continue
                if forms.get(action):
                    # A form starts by asking for its first slot.
                    action = f"utter_ask_{forms[action][0]}"
                if responses.get(action):
                    by_intent.setdefault(intent, responses[action])
        return cls(by_intent, frozenset(knowledge_intents))


def _texts_by_language(variations: list[dict[str, Any]]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for variation in variations or []:
        for condition in variation.get("condition") or []:
            if condition.get("type") == "slot" and condition.get("name") == "language":
                if isinstance(variation.get("text"), str):
                    texts[condition.get("value")] = variation["text"].strip()
    return texts


class KnowledgeLoader:
    """The knowledge index, loaded once on first use, off the event loop."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._knowledge_base: KnowledgeBase | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> KnowledgeBase:
        if self._knowledge_base is None:
            async with self._lock:
                if self._knowledge_base is None:
                    self._knowledge_base = await anyio.to_thread.run_sync(_load_index, self.index_dir)
        return self._knowledge_base

    async def search(self, text: str, top_k: int = SEARCH_TOP_K) -> list[Passage]:
        knowledge_base = await self.get()
        return await anyio.to_thread.run_sync(knowledge_base.search, text, top_k)


def _load_index(index_dir: Path) -> KnowledgeBase:
    # Imported here: haystack takes seconds to import, which the API need not pay to start.
    from knowledge.search import KnowledgeBase

    return KnowledgeBase.load(index_dir)


def caller_language(parse: dict[str, Any], text: str, earlier_citizen_turns: list[str]) -> str:
    """The language the NLU component is sure of, else a guess from this and earlier turns."""
    if parse.get("language") in LANGUAGES and parse.get("language_confident") is not False:
        return parse["language"]
    # Imported here for the same reason as the index (it is loaded by then anyway).
    from knowledge.language import detect_language

    return detect_language(" ".join([*earlier_citizen_turns[-3:], text]), default="ar")


def intent_of(parse: dict[str, Any]) -> Intent:
    intent = parse.get("intent") or {}
    return Intent(name=str(intent.get("name") or "nlu_fallback"), confidence=float(intent.get("confidence") or 0.0))


def knowledge_suggestions(question: str, passages: list[Passage], language: str, limit: int) -> list[Suggestion]:
    """The bot's own answer first, then answers from the next distinct passages.

    Each is framed in `language`, with a line saying so when the passage is in
    another language (as the knowledge action does).
    """
    # The knowledge action's composition, shared so agents see what the bot would say.
    from actions.answers import compose_answer, source_of

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
            suggestions.append(_suggestion(answer.text, passage.score, [source_of(passage)]))
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
