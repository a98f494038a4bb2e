"""A citizen asks labour questions in four language forms through /api/chat."""
import re

import httpx
import pytest
from langdetect import DetectorFactory, detect_langs

pytestmark = pytest.mark.e2e

ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF]")

# These check the path (a cited answer in the citizen's language); how often citizens get
# one is measured by `make eval-answers`. tests/knowledge/test_answer_margin.py checks that
# each is answered with a margin over the threshold, not by a hair.
QUESTIONS = [
    ("en", "How long is the trial period for an executive?", "en"),
    ("fr", "Quelle est la durée de la période d'essai pour un cadre ?", "fr"),
    ("ar", "ما هي مدة العطلة السنوية المؤدى عنها؟", "ar"),
    ("darija", "شحال من يوم عطلة كياخد الخدام فكل شهر؟", "ar"),
]


def chat(assistant, sender: str, message: str) -> httpx.Response:
    return httpx.post(f"{assistant.api_url}/api/chat", json={"sender": sender, "message": message}, timeout=60)


def language_of_latin_text(text: str) -> str:
    """The language of a reply's own words; quoted Arabic law text is set aside."""
    DetectorFactory.seed = 0
    latin = ARABIC_LETTERS.sub(" ", text)
    guesses = [g for g in detect_langs(latin) if g.lang in ("fr", "en")]
    return guesses[0].lang if guesses else "unknown"


@pytest.mark.parametrize("form, question, expected", QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_labour_question_is_answered_in_the_citizens_language_with_a_source(assistant, form, question, expected):
    response = chat(assistant, f"e2e-{form}", question)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["language"] == expected, body
    answers = [m for m in body["messages"] if m.get("sources")]
    assert answers, f"no cited answer in {body}\n{assistant.logs()}"
    answer = answers[0]
    source = answer["sources"][0]
    assert source["doc_id"] and source["title"]
    if expected == "ar":
        assert ARABIC_LETTERS.search(answer["text"].splitlines()[0]), answer["text"]
    else:
        assert language_of_latin_text(answer["text"].splitlines()[0]) == expected, answer["text"]


def test_greeting_follows_the_language_and_offers_buttons(assistant):
    body = chat(assistant, "e2e-greet", "Bonjour").json()
    assert body["language"] == "fr"
    assert body["messages"] and body["messages"][0]["text"]


def test_each_rasa_server_reads_the_endpoints_file_its_stack_wrote_beside_its_logs(assistant):
    # a stack started for tests leaves no endpoints file in var/ (make run still writes them there)
    folder = assistant.processes["api"].log.parent
    for url in assistant.rasa_urls:
        written = (folder / f"endpoints-{url.rsplit(':', 1)[1]}.yml").read_text()
        assert f"url: {assistant.processes['actions'].env['ACTION_SERVER_URL']}/webhook" in written


def test_chat_says_so_when_the_action_server_is_down(assistant):
    """Kills the action server, then brings it back for the tests that follow."""
    assistant.processes["actions"].stop(sig_kill=True)
    response = chat(assistant, "e2e-down", "How many days of paid annual leave does a worker get?")
    assert response.status_code == 503, response.text
    assert "action" in response.json()["error"]["message"].lower()
    health = httpx.get(f"{assistant.api_url}/health", timeout=10)
    assert health.status_code == 503
    assistant.restart("actions")
    response = chat(assistant, "e2e-down", "How many days of paid annual leave does a worker get?")
    assert response.status_code == 200 and response.json()["messages"], response.text
