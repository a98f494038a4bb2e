"""The trained model (models/current.tar.gz, or $RASA_MODEL) on messages that are not
in the training data: entities from the regexes, the language entity, and the
intents of the flows that must not be missed. `make test` trains the model first."""
import asyncio
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL = Path(os.environ.get("RASA_MODEL", REPO_ROOT / "models" / "current.tar.gz"))
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def parse():
    if not MODEL.is_file():
        pytest.skip(f"no trained model at {MODEL} (run `make model`)")
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return lambda text: asyncio.run(agent.parse_message(text))


def entities(result, name):
    return [e["value"] for e in result["entities"] if e["entity"] == name]


@pytest.mark.parametrize(
    "text, case_number, national_id",
    [
        ("mon dossier c'est lab 2024 000999 et ma CIN BK998877", "lab 2024 000999", "BK998877"),
        ("LAB٢٠٢٥٠٠٠٤٥٦", "LAB٢٠٢٥٠٠٠٤٥٦", None),
        ("رقم البطاقة ديالي JB١١٢٢٣٣", None, "JB١١٢٢٣٣"),
    ],
)
def test_case_details_are_extracted(parse, text, case_number, national_id):
    result = parse(text)
    assert entities(result, "case_number") == ([case_number] if case_number else [])
    assert entities(result, "national_id") == ([national_id] if national_id else [])


def test_phone_number_is_extracted(parse):
    assert entities(parse("3ayto lia 3la +212 6 12 34 56 78"), "phone_number") == ["+212 6 12 34 56 78"]


@pytest.mark.parametrize(
    "text, language",
    [("bonjour", "fr"), ("kifach n3ref wach dossier dyali t9bel", "ar"), ("b darija 3afak", "ar"), ("ok", None)],
)
def test_language_entity(parse, text, language):
    assert entities(parse(text), "language") == ([language] if language else [])


@pytest.mark.parametrize(
    "text, intent",
    [
        ("in English please", "switch_language"),
        ("en français svp", "switch_language"),
        ("بالعربية عافاك", "switch_language"),
        ("what's the weather in Tangier tomorrow?", "out_of_scope"),
        ("donne-moi une recette de pastilla", "out_of_scope"),
        ("I want to check the status of my case", "check_case_status"),
        ("bghit nhder m3a chi mowadaf", "request_human"),
        ("Combien de jours de congé annuel ai-je ?", "ask_question"),
    ],
)
def test_intents_of_unseen_messages(parse, text, intent):
    assert parse(text)["intent"]["name"] == intent
