import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import case_status
from store import DEMO_CASES


pytestmark = pytest.mark.usefixtures("store_in_tmp")


def tracker(**slots):
    return Tracker("citizen-1", slots, {"text": ""}, [], False, None, {}, "")


def run_check(**slots):
    dispatcher = CollectingDispatcher()
    events = case_status.ActionCheckCaseStatus().run(dispatcher, tracker(**slots), {})
    return dispatcher.messages, events


def test_matching_identity_gets_the_status_in_the_users_language():
    number, national_id, _, updated = DEMO_CASES[0]
    messages, events = run_check(language="fr", case_number=number.lower(), national_id=national_id)
    text = messages[0]["text"]
    assert text.startswith(f"Dossier {number} : en cours d'examen")
    assert updated.isoformat() in text
    assert {"event": "slot", "timestamp": None, "name": "case_number", "value": None} in events
    assert {"event": "slot", "timestamp": None, "name": "national_id", "value": None} in events


def test_wrong_identity_and_unknown_case_get_the_same_reply():
    number = DEMO_CASES[0][0]
    other_citizen = DEMO_CASES[1][1]
    wrong_id, _ = run_check(language="en", case_number=number, national_id=other_citizen)
    unknown, _ = run_check(language="en", case_number="LAB-2099-000001", national_id=DEMO_CASES[0][1])
    assert wrong_id == unknown
    assert number not in wrong_id[0]["text"]


def test_form_rejects_a_bad_case_number_with_the_format():
    dispatcher = CollectingDispatcher()
    form = case_status.ValidateCaseStatusForm()
    result = form.validate_case_number("12345", dispatcher, tracker(language="ar"), {})
    assert result == {"case_number": None}
    assert "LAB-2025-000123" in dispatcher.messages[0]["text"]


def test_form_normalises_a_good_national_id():
    dispatcher = CollectingDispatcher()
    form = case_status.ValidateCaseStatusForm()
    assert form.validate_national_id("ab 123456", dispatcher, tracker(language="en"), {}) == {"national_id": "AB123456"}
    assert dispatcher.messages == []


def test_five_failures_lock_the_sender_out_even_with_the_right_identity():
    number, national_id, _, _ = DEMO_CASES[0]
    for _ in range(5):
        messages, _ = run_check(language="en", case_number=number, national_id="ZZ000000")
        assert messages[0]["text"].startswith("No case matches")
    messages, events = run_check(language="en", case_number=number, national_id=national_id)
    assert messages[0]["text"].startswith("Case look-ups are paused")
    assert "in review" not in messages[0]["text"]
    assert {"event": "slot", "timestamp": None, "name": "national_id", "value": None} in events
