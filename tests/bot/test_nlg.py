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


def generate(domain, action, language, **values):
    generator = LanguageTaggingGenerator(endpoint_config=EndpointConfig(**NLG), domain=domain)
    tracker = DialogueStateTracker.from_events("citizen-1", [SlotSet("language", language)], domain.slots)
    return asyncio.run(generator.generate(action, tracker, "rest", **values))


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


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_an_actions_response_is_filled_with_the_values_it_names(domain, language):
    """actions/case_status.py names `utter_case_<status>` with the case's number and date."""
    response = generate(domain, "utter_case_decided", language, case_number="LAB-2025-000123", updated_at="2025-03-04")
    assert "LAB-2025-000123" in response["text"] and "2025-03-04" in response["text"]
    assert "{" not in response["text"] and response["custom"] == {"language": language}


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
@pytest.mark.parametrize("action", ["utter_no_answer", "utter_out_of_scope", "utter_lookups_locked", "utter_case_protected"])
def test_a_refusal_offers_an_agent_in_the_conversations_language(domain, action, language):
    response = generate(domain, action, language, time="14:05 UTC")
    ((button,),) = [response["buttons"]]
    assert button["payload"] == "/request_human"
    assert button["title"] == {"ar": "التحدث مع موظف", "fr": "Parler à un conseiller", "en": "Talk to an agent"}[language]
