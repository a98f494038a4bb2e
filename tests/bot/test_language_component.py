"""Tests for the Rasa NLU component bot.language.LanguageDetector and the
`language` slot it feeds (bot/domain)."""
import asyncio
import copy
from pathlib import Path

import pytest
import rasa.shared.utils.io
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language import LanguageDetector

REPO_ROOT = Path(__file__).resolve().parents[2]
# Rasa 3.6 warns about the removed slot auto-fill every time it loads a domain.
pytestmark = pytest.mark.filterwarnings("ignore:Slot auto-fill has been removed")
LANGUAGES = {"ar", "fr", "en"}


@pytest.fixture
def detector(tmp_path) -> LanguageDetector:
    return LanguageDetector.create(
        LanguageDetector.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("language_detector"),
        ExecutionContext(GraphSchema({})),
    )


def process(detector: LanguageDetector, text: str, entities=None) -> Message:
    data = {TEXT: text}
    if entities is not None:
        data[ENTITIES] = entities
    message = Message(data=data)
    detector.process([message])
    return message


def language_entities(message: Message):
    return [e for e in message.get(ENTITIES, []) if e["entity"] == "language"]


@pytest.mark.parametrize(
    "text, language",
    [
        ("Bonjour", "fr"),
        ("hello", "en"),
        ("السلام عليكم", "ar"),
        ("bghit n3ref ch7al howa smig", "ar"),
        ("in English please", "en"),
    ],
)
def test_confident_message_gets_attribute_and_entity(detector, text, language):
    message = process(detector, text)

    assert message.get("language") == language
    assert message.get("language_confident") is True
    [entity] = language_entities(message)
    assert entity["value"] == language
    assert entity["start"] == 0 and entity["end"] == len(text)
    assert entity["extractor"] == "LanguageDetector"
    assert 0.0 < entity["confidence_entity"] <= 1.0


@pytest.mark.parametrize("text", ["ok", "👍", "LAB-2025-000123", "AB123456", ""])
def test_ambiguous_message_gets_no_entity(detector, text):
    message = process(detector, text)

    assert message.get("language_confident") is False
    assert language_entities(message) == []


def test_other_entities_are_kept(detector):
    case_number = {"entity": "case_number", "value": "LAB-2025-000123", "start": 18, "end": 33}
    message = process(detector, "mon dossier est le LAB-2025-000123", entities=[case_number])

    assert message.get(ENTITIES)[0] == case_number
    assert [e["value"] for e in language_entities(message)] == ["fr"]

    ambiguous = process(detector, "LAB-2025-000123", entities=[case_number])
    assert ambiguous.get(ENTITIES) == [case_number]


def test_language_is_part_of_the_parse_output(detector):
    output = process(detector, "Bonjour").as_dict(only_output_properties=True)

    assert output["language"] == "fr"
    assert output["language_confident"] is True


def _graph_for_repo_config():
    config = rasa.shared.utils.io.read_yaml_file(REPO_ROOT / "config.yml")
    return DefaultV1Recipe().graph_config_for_recipe(
        copy.deepcopy(config), cli_parameters={}, training_type=TrainingType.BOTH
    )


def test_component_runs_at_inference_only():
    """The entity must never reach the NLU training data (DIET would learn it)."""
    graph = _graph_for_repo_config()

    train_nodes = [n for n in graph.train_schema.nodes.values() if n.uses is LanguageDetector]
    assert train_nodes == []

    predict = graph.predict_schema.nodes
    [(name, node)] = [(k, n) for k, n in predict.items() if n.uses is LanguageDetector]
    assert node.fn == "process"
    assert node.needs["messages"].startswith("run_WhitespaceTokenizer")
    # the next component in the pipeline works on its output
    assert any(n.needs.get("messages") == name for n in predict.values())


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(REPO_ROOT / "bot" / "domain"))


def _extract_slots(tracker: DialogueStateTracker, domain: Domain):
    action = ActionExtractSlots(None)
    return asyncio.run(
        action.run(
            CollectingOutputChannel(),
            TemplatedNaturalLanguageGenerator(domain.responses),
            tracker,
            domain,
        )
    )


def _user_turn(tracker: DialogueStateTracker, domain: Domain, detector, text, intent):
    message = process(detector, text)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(
        UserUttered(text, intent={"name": intent, "confidence": 1.0}, entities=message.get(ENTITIES))
    )
    for event in _extract_slots(tracker, domain):
        tracker.update(event)


def test_language_slot_follows_confident_messages_and_is_sticky(domain, detector):
    tracker = DialogueStateTracker.from_events("user", [], slots=domain.slots)
    assert tracker.get_slot("language") == "ar"  # initial value

    _user_turn(tracker, domain, detector, "Bonjour", "greet")
    assert tracker.get_slot("language") == "fr"

    for ambiguous in ["ok", "LAB-2025-000123", "👍"]:
        _user_turn(tracker, domain, detector, ambiguous, "inform")
        assert tracker.get_slot("language") == "fr"

    _user_turn(tracker, domain, detector, "in English please", "greet")
    assert tracker.get_slot("language") == "en"

    _user_turn(tracker, domain, detector, "wach 3andi l7a9 f conge?", "ask_question")
    assert tracker.get_slot("language") == "ar"


def test_language_slot_is_categorical_and_carried_over(domain):
    slot = next(s for s in domain.slots if s.name == "language")
    assert set(slot.values) >= LANGUAGES
    assert slot.initial_value == "ar"
    assert not slot.influence_conversation
    assert domain.session_config.carry_over_slots


def test_every_response_has_one_variation_per_language(domain):
    assert domain.responses
    for name, variations in domain.responses.items():
        languages = []
        for variation in variations:
            [condition] = variation["condition"]
            assert condition["type"] == "slot" and condition["name"] == "language", name
            languages.append(condition["value"])
        assert sorted(languages) == sorted(LANGUAGES), name


def test_numbers_and_talk_about_languages_do_not_switch_the_slot(domain, detector):
    """An ordinal or a unit is not Arabizi, and naming a language is not asking for it."""
    tracker = DialogueStateTracker.from_events("user", [], slots=domain.slots)
    _user_turn(tracker, domain, detector, "الإنجليزية مدينة", "ask_question")
    assert tracker.get_slot("language") == "ar"

    _user_turn(tracker, domain, detector, "Bonjour", "greet")
    for text in ["salaire du 3ème mois", "surface de 20 m2 pour le local", "2h du matin",
                 "français ou anglais, c'est pareil", "la langue arabe est belle", "4G"]:
        _user_turn(tracker, domain, detector, text, "ask_question")
        assert tracker.get_slot("language") == "fr", text

    _user_turn(tracker, domain, detector, "My 3rd payslip is missing", "ask_question")
    assert tracker.get_slot("language") == "en"
    _user_turn(tracker, domain, detector, "I am learning French", "ask_question")
    assert tracker.get_slot("language") == "en"

    _user_turn(tracker, domain, detector, "parle moi en arabe", "switch_language")
    assert tracker.get_slot("language") == "ar"
