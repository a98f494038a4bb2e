import logging

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import case_status
from observability.pseudonyms import client_pseudonym
from store import DEMO_CASES
from tests.actions.conftest import says
from tests.conftest import bot_text


pytestmark = pytest.mark.usefixtures("store_in_tmp")

CLEARED = [
    {"event": "slot", "timestamp": None, "name": "case_number", "value": None},
    {"event": "slot", "timestamp": None, "name": "national_id", "value": None},
]


def tracker(sender="citizen-1", client=None, **slots):
    # The API puts the client's pseudonym in the metadata of every user message.
    events = [{"event": "user", "text": "", "metadata": {"channel": "web", "client": client}}] if client else []
    return Tracker(sender, slots, {"text": ""}, events, False, None, {}, "")


def run_check(sender="citizen-1", client=None, **slots):
    dispatcher = CollectingDispatcher()
    events = case_status.ActionCheckCaseStatus().run(dispatcher, tracker(sender, client, **slots), {})
    return dispatcher.messages, events


def address(n: int) -> str:
    return client_pseudonym("ip", f"198.51.100.{n}")


def test_matching_identity_gets_the_status_in_the_users_language():
    number, national_id, _, updated = DEMO_CASES[0]
    messages, events = run_check(language="fr", case_number=number.lower(), national_id=national_id)
    assert messages[0]["response"] == "utter_case_in_review" and messages[0]["custom"] == {"language": "fr"}
    text = says(messages[0], "fr")
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
    assert wrong_id[0]["response"] == "utter_case_not_found" and number not in says(wrong_id[0], "en")


def test_form_rejects_a_bad_case_number_with_the_format():
    dispatcher = CollectingDispatcher()
    form = case_status.ValidateCaseStatusForm()
    result = form.validate_case_number("12345", dispatcher, tracker(language="ar"), {})
    assert result == {"case_number": None}
    assert dispatcher.messages[0]["response"] == "utter_invalid_case_number"
    assert "LAB-2025-000123" in says(dispatcher.messages[0], "ar")


def test_form_normalises_a_good_national_id():
    dispatcher = CollectingDispatcher()
    form = case_status.ValidateCaseStatusForm()
    assert form.validate_national_id("ab 123456", dispatcher, tracker(language="en"), {}) == {"national_id": "AB123456"}
    assert dispatcher.messages == []


def test_five_failures_lock_the_sender_out_even_with_the_right_identity():
    number, national_id, _, _ = DEMO_CASES[0]
    for n in range(5):  # five numbers: the sender's own count, no case's
        messages, _ = run_check(language="en", case_number=f"LAB-2099-00000{n}", national_id="ZZ000000")
        assert says(messages[0], "en").startswith("No case matches")
    messages, events = run_check(language="en", case_number=number, national_id=national_id)
    assert messages[0]["response"] == "utter_lookups_locked"
    assert says(messages[0], "en").startswith("Case look-ups are paused")
    assert "in review" not in says(messages[0], "en")
    assert messages[0]["custom"] == {"lookup": {"refused": "sender"}, "language": "en"}
    assert events == CLEARED


def guess_from_many(number: str, national_id: str, language: str = "en") -> list[dict]:
    """Six wrong CINs from six senders at six addresses, then the given CIN from a seventh."""
    replies = []
    for n in range(6):
        messages, events = run_check(f"guesser-{number}-{n}", address(n), language=language,
                                     case_number=number, national_id=f"ZZ00000{n}")
        assert events == CLEARED
        replies += messages
    messages, events = run_check(f"holder-{number}", address(99), language=language,
                                 case_number=number, national_id=national_id)
    assert events == CLEARED
    return replies + messages


def test_five_failures_from_five_senders_protect_the_case_from_everyone():
    number, national_id, _, updated = DEMO_CASES[0]
    replies = guess_from_many(number, national_id)
    assert [r["response"] for r in replies[:5]] == ["utter_case_not_found"] * 5
    assert replies[3]["custom"] == {"language": "en"} and replies[4]["custom"] == {"lookup": {"locked": ["case"]}, "language": "en"}
    for refused in replies[5:]:  # the sixth guesser, and the holder with the right CIN
        assert refused["response"] == "utter_case_protected"
        assert refused["custom"] == {"lookup": {"refused": "case"}, "language": "en"}
        assert "in review" not in says(refused, "en") and updated.isoformat() not in says(refused, "en")
    # Another case is looked up as usual, by the same citizen.
    other, other_id, _, _ = DEMO_CASES[1]
    messages, _ = run_check(f"holder-{number}", address(99), language="en", case_number=other, national_id=other_id)
    assert says(messages[0], "en").startswith(f"Case {other}: awaiting documents")


def test_an_unknown_case_number_gets_exactly_the_same_replies():
    number, national_id, _, _ = DEMO_CASES[0]
    known = guess_from_many(number, national_id)
    unknown = guess_from_many("LAB-2099-999999", national_id)
    assert known == unknown


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_protected_case_is_said_in_the_citizens_language(language):
    number, national_id, _, _ = DEMO_CASES[0]
    refused = guess_from_many(number, national_id, language)[-1]
    assert refused["response"] == "utter_case_protected" and refused["custom"]["language"] == language
    assert says(refused, language) == bot_text("utter_case_protected", language)


def test_one_address_walking_through_case_numbers_is_locked_out():
    walker = address(7)
    for n in range(10):  # a new conversation and a new number each time, one CIN
        messages, _ = run_check(f"walker-{n}", walker, language="fr", case_number=f"LAB-2025-1000{n:02d}",
                                national_id="AB123456")
        assert says(messages[0], "fr") == bot_text("utter_case_not_found", "fr")
    number, national_id, _, _ = DEMO_CASES[0]
    messages, events = run_check("walker-new", walker, language="fr", case_number=number, national_id=national_id)
    assert says(messages[0], "fr").startswith("La consultation des dossiers est suspendue")
    assert messages[0]["custom"] == {"lookup": {"refused": "client"}, "language": "fr"}
    assert events == CLEARED
    # The same citizen from another address is answered.
    messages, _ = run_check("walker-new", address(8), language="fr", case_number=number, national_id=national_id)
    assert says(messages[0], "fr").startswith(f"Dossier {number} : en cours d'examen")


def test_a_client_address_not_set_by_the_api_is_ignored():
    """Metadata that is not a pseudonym (a citizen's own JSON) counts under no address."""
    for n in range(10):
        run_check(f"forger-{n}", "203.0.113.7", language="en", case_number=f"LAB-2025-2000{n:02d}",
                  national_id="AB123456")
    number, national_id, _, _ = DEMO_CASES[0]
    messages, _ = run_check("forger-new", "203.0.113.7", language="en", case_number=number, national_id=national_id)
    assert says(messages[0], "en").startswith(f"Case {number}: in review")


def test_every_lock_is_logged_with_masked_numbers(caplog):
    number, national_id, _, _ = DEMO_CASES[0]
    with caplog.at_level(logging.INFO, logger="actions.case_status"):
        guess_from_many(number, national_id)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "case look-up lock: case LAB-****-***123 locked until" in logged
    assert "case look-up refused: case LAB-****-***123 is locked until" in logged
    for clear in ("000123", national_id, "ZZ000001"):
        assert clear not in logged, clear
