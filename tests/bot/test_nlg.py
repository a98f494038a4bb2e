"""bot.nlg: every domain response names the language it was chosen in, so the API needs no tracker."""
import asyncio
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.endpoints import NLG
from bot.nlg import LanguageTaggingGenerator

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(REPO_ROOT / "bot" / "domain"))


def generate(domain, action, language):
    generator = LanguageTaggingGenerator(endpoint_config=EndpointConfig(**NLG), domain=domain)
    tracker = DialogueStateTracker.from_events("citizen-1", [SlotSet("language", language)], domain.slots)
    return asyncio.run(generator.generate(action, tracker, "rest"))


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_a_response_carries_the_language_it_is_written_in(domain, language):
    response = generate(domain, "utter_greet", language)
    assert response["custom"] == {"language": language}
    assert response["text"]


def test_a_fallback_marker_keeps_its_own_fields(domain):
    response = generate(domain, "utter_default", "fr")
    assert response["custom"] == {"outcome": "fallback", "reason": "not_understood", "language": "fr"}


def test_rasa_loads_the_generator_named_in_the_endpoints(domain):
    from rasa.core.nlg import NaturalLanguageGenerator

    assert isinstance(NaturalLanguageGenerator.create(EndpointConfig(**NLG), domain), LanguageTaggingGenerator)
