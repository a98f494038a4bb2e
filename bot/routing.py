"""Rasa NLU components that keep questions on the knowledge search unless the citizen
clearly asks for another flow.

The knowledge search is the default flow: DIET's intent alone never starts the case
form, opens a ticket or switches the language. A classifier trained on a few hundred
examples is sure of itself on sentences unlike any it saw ("What was the unemployment
rate of young people aged 15 to 24 in 2020?" came out as a request for a person), so
each of those intents must also show the words that make it one:

- ``check_case_status``: a case number or ID card number, or a word for a case file;
- ``inform``: a case or ID card number; or a short reply with a digit that looks like a
  failed try at one (the form then says what the format is);
- ``request_human``: a word for a person, or a phone number to be called back on;
- ``switch_language``: an explicit request (``language``: "in English please");
- ``greet``, ``thank``, ``goodbye``: not when the message goes on with a question.

Everything else that DIET put on one of these becomes ``ask_question``. Out-of-scope
questions go to the knowledge search too (``bot/data/rules/out_of_scope.yml``): the
index, not the NLU, decides that it holds no answer.

:class:`MarkupStripper` runs first: HTML or script tags pasted into the chat are not
words of the message ("<img src=x onerror=alert(1)> salam" is a greeting).
"""
from __future__ import annotations

import html
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components import InferenceOnly
from bot.language import LANGUAGE_REASON
from languages import identify

logger = logging.getLogger(__name__)

ASK_QUESTION = "ask_question"
CASE_ENTITIES = {"case_number", "national_id"}

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--.*?-->", re.DOTALL)


def strip_markup(text: str) -> str:
    """``text`` without HTML tags or comments, entities decoded, spaces collapsed.

    >>> strip_markup("<img src=x onerror=alert(1)> salam")
    'salam'
    """
    return " ".join(html.unescape(_TAG.sub(" ", text or "")).split())


def _words(*words: str) -> re.Pattern:
    """Whole words (Latin letters: case-insensitive; Arabic: with clitics before and after)."""
    latin = [w for w in words if w.isascii() or not re.search("[\u0600-\u06ff]", w)]
    arabic = [w for w in words if w not in latin]
    parts = []
    if latin:
        parts.append(r"(?<![\w'])(?:" + "|".join(sorted(latin, key=len, reverse=True)) + r")(?![\w])")
    if arabic:
        parts.append(r"(?:" + "|".join(sorted(arabic, key=len, reverse=True)) + r")")
    return re.compile("|".join(parts), re.IGNORECASE)


# What makes a message about the citizen's own case file.
CASE_WORDS = _words(
    "case", "cases", "file", "application", "complaint", "claim", "request", "status", "track", "tracking",
    "follow up", "follow-up", "dossier", "dossiers", "demande", "plainte", "réclamation", "reclamation",
    "suivi", "suivre", "état", "etat", "avancement",
    "milaf", "lmilaf", "chikaya", "chikaya", "cheka", "talab", "tlab", "dosi", "ddossier",
    "ملف", "الملف", "ملفي", "طلب", "طلبي", "شكاية", "شكايتي", "شكوى", "وضعية", "تتبع", "مآل", "الدوسي", "دوسي",
)
# What makes a message a request for a person.
PERSON_WORDS = _words(
    "agent", "agents", "human", "humans", "person", "someone", "somebody", "advisor", "adviser", "staff",
    "operator", "representative", "call me", "conseiller", "conseillère", "personne", "quelqu'un", "humain",
    "opérateur", "operateur", "rappelez", "appeler",
    "mowadaf", "mowadaf", "mowazaf", "bnadem", "wa7ed", "insan", "chi wa7ed",
    "موظف", "الموظف", "الموظفين", "شخص", "إنسان", "انسان", "مستشار", "بنادم", "واحد", "يتصل", "اتصلوا", "يعيط",
)
# A question after a greeting: "salam, ch7al smig?".
QUESTION_MARK = re.compile(r"[?؟]")
GREETING_MAX_WORDS = 4
# A reply to "what is your case number?" that is a failed try at one: short, with a digit.
IDENTIFIER_TRY_MAX_WORDS = 4
DIGIT = re.compile(r"\d")


def routed_intent(
    intent: str, text: str, entities: List[Dict[str, Any]], language_reason: Optional[str] = None
) -> str:
    """The intent the dialogue should act on, given DIET's ``intent`` (see the module docstring).

    ``language_reason`` is the language detector's reason for this text, when it has run
    (bot.language.LanguageDetector); without it the text is identified here.

    >>> routed_intent("request_human", "What was the unemployment rate of people aged 15 to 24 in 2020?", [])
    'ask_question'
    >>> routed_intent("request_human", "je veux parler à un conseiller", [])
    'request_human'
    """
    found = {e.get("entity") for e in entities}
    words = text.split()
    if intent == "check_case_status":
        keep = bool(found & CASE_ENTITIES) or bool(CASE_WORDS.search(text))
    elif intent == "inform":
        keep = bool(found & CASE_ENTITIES) or (len(words) <= IDENTIFIER_TRY_MAX_WORDS and bool(DIGIT.search(text)))
    elif intent == "request_human":
        keep = "phone_number" in found or bool(PERSON_WORDS.search(text))
    elif intent == "switch_language":
        keep = (language_reason or identify(text).reason) == "switch-request"
    elif intent in ("greet", "thank", "goodbye"):
        keep = len(words) <= GREETING_MAX_WORDS or not QUESTION_MARK.search(text)
    else:
        keep = True
    return intent if keep else ASK_QUESTION


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MarkupStripper(InferenceOnly):
    """Removes HTML tags from the message's text before it is tokenised (first in the pipeline)."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: Optional[Text] = message.get(TEXT)
            if text and "<" in text:
                stripped = strip_markup(text)
                if stripped != text:
                    message.set(TEXT, stripped)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentGate(InferenceOnly):
    """Sends to the knowledge search what DIET gave to another flow without the words of
    that flow (last in the pipeline, after the entity extractors and the fallback)."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name = intent.get("name")
            if not name:
                continue
            routed = routed_intent(
                name, message.get(TEXT) or "", message.get(ENTITIES) or [], message.get(LANGUAGE_REASON)
            )
            if routed != name:
                logger.info("intent %s without its words: routed to %s", name, routed)
                message.set(INTENT, {"name": routed, "confidence": intent.get("confidence", 1.0)}, add_to_output=True)
                ranking = message.get(INTENT_RANKING_KEY) or []
                message.set(
                    INTENT_RANKING_KEY,
                    [{"name": routed, "confidence": intent.get("confidence", 1.0)}]
                    + [r for r in ranking if r.get("name") != routed],
                    add_to_output=True,
                )
        return messages
