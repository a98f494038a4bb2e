"""Rasa's response generator, with the language of each response in the response itself.

The domain's responses have one variation per language, chosen by the `language`
slot (docs/CONTRACTS.md). This generator adds that language to the response's
custom data, which the REST channel returns as ``{"custom": {"language": "xx"}}``
right after the text, as the actions do with their JSON payloads. The API reads
the reply's language from there, instead of asking Rasa for the conversation's
tracker after every turn.

Rasa loads it from the endpoints file (``nlg: {type: bot.nlg.LanguageTaggingGenerator}``,
written by bot/endpoints.py).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import action_replies, nlu_thread
from bot.language import LANGUAGE


class LanguageTaggingGenerator(TemplatedNaturalLanguageGenerator):
    """The domain's responses, each tagged with the language it was chosen in."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)
        # Built once per Rasa server, from its endpoints file: the server's one hook for our code.
        action_replies.install()
        nlu_thread.install()

    async def generate(
        self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text, **kwargs: Any
    ) -> Optional[Dict[Text, Any]]:
        response = await super().generate(utter_action, tracker, output_channel, **kwargs)
        language = tracker.get_slot(LANGUAGE)
        if response is not None and language:
            # A response's own custom data (a fallback marker) already names its language.
            response["custom"] = {LANGUAGE: language, **(response.get("custom") or {})}
        return response
