"""Agent assist: intent and language from (a stand-in) Rasa, suggestions from the real
index of the project's own FAQ cards and from the bot's responses as training writes them."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from api.assist import BotResponses

KEY = "assist-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(scope="session")
def faq_index(tmp_path_factory):
    """A real index of knowledge/corpus (embeddings come from the shared cache)."""
    from knowledge.index import build_index
    from knowledge.settings import KnowledgeSettings

    index_dir = tmp_path_factory.mktemp("faq-index")
    build_index(KnowledgeSettings(index_dir=index_dir, knowledge_sources=""), progress=False)
    return index_dir


@pytest.fixture(scope="session")
def responses_file(tmp_path_factory):
    """The bot's responses, written by the training step from the bot's own domain and rules."""
    path = tmp_path_factory.mktemp("model") / "assist-responses.json"
    subprocess.run([sys.executable, "-m", "bot.assist_responses", str(path)], check=True)
    return path


def parse_reply(intent: str, confidence: float, language: str | None, confident: bool = True):
    return lambda request: (200, {
        "text": request.body["text"],
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "language": language,
        "language_confident": confident,
    })


@pytest.fixture
def assist(client_for, rasa, faq_index, responses_file):
    def make(intent: str, confidence: float, language: str | None, confident: bool = True):
        rasa.routes[("POST", "/model/parse")] = parse_reply(intent, confidence, language, confident)
        return client_for(
            assist_api_key=KEY, rasa_url=rasa.url, index_dir=faq_index, assist_responses_file=responses_file
        )
    return make


def suggest(client, **body):
    return client.post("/api/assist/suggest", json=body, headers=AUTH)


def test_a_question_gets_cited_answers_in_the_callers_language(assist, rasa):
    client = assist("ask_question", 0.93, "fr")
    response = suggest(client, text="Combien de jours de congé annuel payé ?")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["language"] == "fr" and body["suggestion_language"] == "fr"
    assert body["intent"] == {"name": "ask_question", "confidence": 0.93}
    assert 1 <= len(body["suggestions"]) <= 3
    first = body["suggestions"][0]
    assert first["origin"] == "knowledge" and first["sources"] and first["sources"][0]["title"]
    assert first["text"].startswith("Selon ")
    assert "congé" in first["text"].lower()
    cited = [(s["sources"][0]["doc_id"], s["sources"][0]["ref"]) for s in body["suggestions"]]
    assert len(set(cited)) == len(cited), "each suggestion cites a different passage"
    assert rasa.calls("POST", "/model/parse")[0].body == {"text": "Combien de jours de congé annuel payé ?"}


def test_an_agent_can_ask_for_another_language_than_the_callers(assist):
    client = assist("ask_question", 0.9, "ar")
    body = suggest(client, text="ما هي مدة العطلة السنوية المؤدى عنها؟", language="fr").json()
    assert body["language"] == "ar" and body["suggestion_language"] == "fr"
    lines = body["suggestions"][0]["text"].splitlines()
    # framed in French: the Arabic text's quantity first when it gives one, then its source
    assert lines[0].startswith(("Selon ", "En bref : ")), lines
    assert any(line.startswith("Selon ") for line in lines[:2]), lines


def test_small_talk_gets_the_bots_own_response_in_the_requested_language(assist, responses_file):
    client = assist("greet", 0.98, "ar")
    body = suggest(client, text="السلام عليكم", language="en").json()
    responses = BotResponses.load(responses_file)
    assert body["suggestions"] == [{
        "text": responses.by_intent["greet"]["en"], "score": 0.98, "sources": [], "origin": "bot",
    }]


def test_a_form_intent_suggests_the_forms_first_question(assist):
    client = assist("check_case_status", 0.9, "fr")
    body = suggest(client, text="je veux suivre mon dossier").json()
    assert body["suggestions"][0]["origin"] == "bot"
    assert "LAB-2025-000123" in body["suggestions"][0]["text"]
    assert body["suggestions"][0]["text"].startswith("Quel est votre numéro de dossier")


def test_an_unsure_language_falls_back_to_detection_with_earlier_turns(assist):
    client = assist("nlu_fallback", 0.3, None, confident=False)
    body = suggest(client, text="smig?", conversation=[
        {"role": "citizen", "text": "ما هو الحد الأدنى للأجر في القطاع الفلاحي؟"},
        {"role": "bot", "text": "According to ..."},
    ]).json()
    assert body["language"] == "ar"
    assert body["suggestions"] and ARABIC.search(body["suggestions"][0]["text"].splitlines()[0])


def test_an_unsure_turn_keeps_the_language_of_the_latest_sure_one_as_chat_does(assist):
    # the bot's language slot is sticky: "ok" after an Arabizi question is still answered in Arabic
    client = assist("affirm", 0.6, None, confident=False)
    body = suggest(client, text="ok", conversation=[
        {"role": "citizen", "text": "How many days of annual leave?"},
        {"role": "citizen", "text": "ch7al smig daba?"},
    ]).json()
    assert body["language"] == "ar"


def test_without_a_trained_model_small_talk_is_answered_from_the_index(client_for, rasa, faq_index, tmp_path):
    rasa.routes[("POST", "/model/parse")] = parse_reply("greet", 0.98, "fr")
    client = client_for(
        assist_api_key=KEY, rasa_url=rasa.url, index_dir=faq_index, assist_responses_file=tmp_path / "none.json"
    )
    body = suggest(client, text="Bonjour, le congé annuel ?").json()
    assert body["suggestions"] and {s["origin"] for s in body["suggestions"]} == {"knowledge"}


def test_rasa_down_is_503(client_for, faq_index):
    from tests.api.conftest import closed_port_url

    client = client_for(assist_api_key=KEY, rasa_url=closed_port_url(), index_dir=faq_index)
    response = suggest(client, text="Bonjour")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "assistant_unavailable"


def test_no_index_is_503_for_a_question_but_small_talk_still_works(client_for, rasa, tmp_path, responses_file):
    rasa.routes[("POST", "/model/parse")] = parse_reply("ask_question", 0.9, "en")
    client = client_for(
        assist_api_key=KEY, rasa_url=rasa.url, index_dir=tmp_path / "no-index", assist_responses_file=responses_file
    )
    response = suggest(client, text="How many days of leave?")
    assert response.status_code == 503 and response.json()["error"]["code"] == "knowledge_unavailable"
    rasa.routes[("POST", "/model/parse")] = parse_reply("thank", 0.95, "en")
    thanks = suggest(client, text="thanks a lot")
    assert thanks.status_code == 200 and thanks.json()["suggestions"][0]["origin"] == "bot"


@pytest.mark.parametrize("body, problem", [
    ({"text": "   "}, "text must not be empty"),
    ({"text": "x", "language": "de"}, "language"),
    ({}, "text is required"),
    ({"text": "x", "conversation": [{"role": "judge", "text": "x"}]}, "conversation.0.role"),
])
def test_bad_requests_are_422(client_for, body, problem):
    client = client_for(assist_api_key=KEY)
    response = client.post("/api/assist/suggest", json=body, headers=AUTH)
    assert response.status_code == 422
    assert problem in response.json()["error"]["message"]


def test_text_longer_than_the_message_limit_is_422(client_for):
    client = client_for(assist_api_key=KEY, max_message_chars=10)
    response = suggest(client, text="x" * 11)
    assert response.status_code == 422 and "at most 10 characters" in response.json()["error"]["message"]


def test_bot_responses_follow_the_rules_and_domain(responses_file):
    responses = BotResponses.load(responses_file)
    assert {"ask_question", "nlu_fallback"} <= responses.knowledge_intents
    assert set(responses.by_intent) >= {"greet", "goodbye", "thank", "bot_challenge", "check_case_status"}
    assert all(set(texts) == {"ar", "fr", "en"} for texts in responses.by_intent.values())
    assert "request_human" not in responses.by_intent
