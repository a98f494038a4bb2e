"""action_answer_question: what it says when it cannot answer, and the marker the API counts."""
import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.knowledge
from actions.knowledge import ActionAnswerQuestion
from tests.actions.conftest import says


def test_a_missing_index_says_so_and_marks_the_turn_a_fallback(tmp_path, monkeypatch):
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "never-built"))
    monkeypatch.setattr(actions.knowledge, "_knowledge_base", None)  # no index loaded by an earlier test
    actions.knowledge.knowledge_settings.cache_clear()  # nor settings read before INDEX_DIR was set
    tracker = Tracker("web-1", {"language": "fr"}, {"text": "Quelle est la durée du congé annuel ?"},
                      [], False, None, {}, "")
    dispatcher = CollectingDispatcher()

    assert asyncio.run(ActionAnswerQuestion().run(dispatcher, tracker, {})) == []

    (reply,) = dispatcher.messages
    assert reply["response"] == "utter_knowledge_unavailable"
    assert says(reply, "fr").startswith("La recherche dans les textes du ministère est indisponible")
    assert reply["custom"] == {"outcome": "fallback", "reason": "knowledge_unavailable", "language": "fr"}


class CountingKnowledgeBase:
    """Stands in for the loaded index: answers with the question it was asked, and counts."""

    def __init__(self):
        self.questions = []

    def run(self, question, top_k, language):
        self.questions.append((question, language))
        return f"{question}|{language}|{top_k}"


@pytest.fixture
def counting_search(monkeypatch):
    """Sets ANSWER_CACHE_SIZE (None: the default) and loads a counting stand-in as the index."""

    def configure(size: str | None) -> CountingKnowledgeBase:
        if size is None:
            monkeypatch.delenv("ANSWER_CACHE_SIZE", raising=False)
        else:
            monkeypatch.setenv("ANSWER_CACHE_SIZE", size)
        clear_caches()
        knowledge_base = CountingKnowledgeBase()
        monkeypatch.setattr(actions.knowledge, "_knowledge_base", knowledge_base)
        return knowledge_base

    yield configure
    clear_caches()


def clear_caches() -> None:
    actions.knowledge.get_settings.cache_clear()
    actions.knowledge._cached_search.cache_clear()


def test_a_question_asked_again_is_answered_from_the_cache(counting_search):
    knowledge_base = counting_search(None)
    first = actions.knowledge.answer("What is the  minimum wage?", "en", 5)
    again = actions.knowledge.answer(" What is the minimum wage? ", "en", 5)
    assert again == first == "What is the minimum wage?|en|5"
    assert knowledge_base.questions == [("What is the minimum wage?", "en")]

    # Another language or another question is a new search.
    actions.knowledge.answer("What is the minimum wage?", "fr", 5)
    actions.knowledge.answer("What is the minimum wage in agriculture?", "en", 5)
    assert len(knowledge_base.questions) == 3


def test_a_cache_of_size_zero_searches_every_time(counting_search):
    knowledge_base = counting_search("0")
    for _ in range(3):
        actions.knowledge.answer("Quel est le SMIG ?", "fr", 5)
    assert len(knowledge_base.questions) == 3
