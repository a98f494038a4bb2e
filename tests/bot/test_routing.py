"""The intent gate: the knowledge search answers unless the citizen clearly asks for another flow."""
import pytest

from bot.routing import ASK_QUESTION, routed_intent, strip_markup

CASE_NUMBER = [{"entity": "case_number", "value": "LAB-2025-000123"}]


@pytest.mark.parametrize(
    "intent, text",
    [
        # questions DIET gave to other flows (seen on the running stack)
        ("request_human", "What was the unemployment rate of young people aged 15 to 24 in 2020?"),
        ("request_human", "Quel était le taux de chômage des jeunes de 15 à 24 ans en 2020 ?"),
        ("request_human", "ما هو معدل البطالة لدى الشباب بين 15 و24 سنة في 2020؟"),
        ("check_case_status", "chno kan taux dyal chomage dyal chabab mn 15 l 24 f 2020?"),
        ("inform", "chno kan taux dyal chomage dyal chabab mn 15 l 24 f 2020?"),
        ("inform", "Mon 2ème contrat CDD de 12 mois peut-il être renouvelé ?"),
        ("switch_language", "الإنجليزية مدينة"),
        ("greet", "salam, ch7al kaykhalsou f smig daba?"),
    ],
)
def test_a_question_without_the_words_of_another_flow_goes_to_the_knowledge_search(intent, text):
    assert routed_intent(intent, text, []) == ASK_QUESTION


@pytest.mark.parametrize(
    "intent, text, entities",
    [
        ("check_case_status", "où en est mon dossier ?", []),
        ("check_case_status", "bghit n3ref fin wsel dossier dyali", []),
        ("check_case_status", "بغيت نعرف فين وصل الملف ديالي", []),
        ("check_case_status", "LAB-2025-000123", CASE_NUMBER),
        ("inform", "my case number is LAB-2025-000123", CASE_NUMBER),
        ("inform", "LAB-25-17", []),  # a failed try at a case number: the form says the format
        ("request_human", "je veux parler à un conseiller", []),
        ("request_human", "bghit nhder m3a chi wa7ed", []),
        ("request_human", "أريد التحدث مع موظف", []),
        ("request_human", "call me back on 0612345678", [{"entity": "phone_number"}]),
        ("switch_language", "in English please", []),
        ("greet", "salam labas", []),
        ("thank", "merci beaucoup pour votre aide", []),
        ("ask_question", "ch7al smig?", []),
        ("out_of_scope", "who won the match?", []),
    ],
)
def test_a_clear_request_keeps_its_flow(intent, text, entities):
    assert routed_intent(intent, text, entities) == intent


def test_markup_is_not_part_of_the_message():
    assert strip_markup("<img src=x onerror=alert(1)> salam") == "salam"
    assert strip_markup("<script>alert('x')</script>Bonjour") == "alert('x') Bonjour"
    assert strip_markup("3 < 5 et 7 > 2") == "3 < 5 et 7 > 2"  # comparisons are not tags
    assert strip_markup("&lt;b&gt; salam") == "<b> salam"


def test_the_detectors_reason_spares_a_second_identification(monkeypatch):
    def identify_again(text):
        raise AssertionError("the text was identified a second time")

    monkeypatch.setattr("bot.routing.identify", identify_again)
    assert routed_intent("switch_language", "in English please", [], "switch-request") == "switch_language"
    assert routed_intent("switch_language", "English is hard", [], "lexicon") == ASK_QUESTION
