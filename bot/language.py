"""Rasa NLU component that tags every user message with its language.

For each message it calls `languages.identify` and

* sets the message attribute `language` (`ar`, `fr`, `en`, or None when there is
  no guess) and `language_confident`, both added to the parse output;
* when, and only when, the guess is confident, appends a `language` entity that
  spans the whole text. The `language` slot is mapped `from_entity: language`, so
  it follows confident messages and keeps its value otherwise (sticky).

It is registered as a non-trainable entity extractor. The default recipe runs such
components only at inference time, so the entity never reaches the NLU training
data (DIET never sees it) and the component needs no persisted state.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.components import InferenceOnly
from languages import LanguageGuess, identify
from observability.logs import bind_request_id

logger = logging.getLogger(__name__)

LANGUAGE = "language"  # message attribute, entity and slot name (docs/CONTRACTS.md)
LANGUAGE_CONFIDENT = "language_confident"
# Why the detector decided (message attribute only): the intent gate reads it rather than
# identifying the text a second time (bot/routing.py).
LANGUAGE_REASON = "language_reason"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class LanguageDetector(InferenceOnly, EntityExtractorMixin):
    """Puts the language of each message on it, as an attribute and an entity."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config: the entity name it emits."""
        return {"entity": LANGUAGE}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._entity_name = config["entity"]

    @staticmethod
    def required_packages() -> List[Text]:
        """Packages needed besides Rasa."""
        return ["langdetect"]

    def process(self, messages: List[Message]) -> List[Message]:
        """Tags each message with its language (inference time)."""
        for message in messages:
            # Rasa's log lines for this turn then carry the API's request id.
            bind_request_id(message.get("metadata"))
            self._tag(message)
        return messages

    def _tag(self, message: Message) -> None:
        text: Optional[Text] = message.get(TEXT)
        guess: LanguageGuess = identify(text)
        message.set(LANGUAGE, guess.language, add_to_output=True)
        message.set(LANGUAGE_CONFIDENT, guess.confident, add_to_output=True)
        message.set(LANGUAGE_REASON, guess.reason)
        logger.info("message language %s (confident: %s, %s)", guess.language, guess.confident, guess.reason)
        if not guess.confident:
            return
        entity = {
            ENTITY_ATTRIBUTE_TYPE: self._entity_name,
            ENTITY_ATTRIBUTE_VALUE: guess.language,
            ENTITY_ATTRIBUTE_START: 0,
            ENTITY_ATTRIBUTE_END: len(text or ""),
            ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: round(guess.probability, 4),
        }
        entities = message.get(ENTITIES, []) + self.add_extractor_name([entity])
        message.set(ENTITIES, entities, add_to_output=True)
