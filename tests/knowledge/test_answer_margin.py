"""The questions the end-to-end tests ask are answered with a margin, not by a hair.

A decision that flips on the fourth decimal fails on another machine (the embedder's
arithmetic differs a little): these questions must clear the fitted threshold by
``MARGIN``, on the real corpus, so that tests/e2e/test_chat.py and test_whatsapp_voice.py do not
depend on luck.
"""
import pytest

from tests.e2e.test_chat import QUESTIONS as CHAT_QUESTIONS
from tests.e2e.test_whatsapp_voice import QUESTION as VOICE_QUESTION

# The web chat's questions, and the one the WhatsApp voice note says.
QUESTIONS = [*CHAT_QUESTIONS, ("en-voice", VOICE_QUESTION, "en")]

MARGIN = 0.04
LANGUAGE = {"en": "en", "en-voice": "en", "fr": "fr", "ar": "ar", "darija": "ar"}


@pytest.fixture(scope="module")
def corpus_knowledge_base(e2e_index):
    from knowledge.search import KnowledgeBase

    return KnowledgeBase.load(e2e_index["INDEX_DIR"])


@pytest.mark.parametrize("form, question, expected", QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_the_end_to_end_questions_clear_the_threshold_by_a_margin(corpus_knowledge_base, form, question, expected):
    result = corpus_knowledge_base.run(question, language=LANGUAGE[form])
    assert result.confidence >= corpus_knowledge_base.min_confidence + MARGIN, (result.confidence, result.passages[:2])
