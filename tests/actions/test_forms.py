from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ActionResetCaseDetails


def tracker_with(slots: dict) -> Tracker:
    return Tracker("citizen", slots, {"text": "bslama"}, [], False, None, {}, "")


def test_half_filled_details_are_cleared_silently():
    dispatcher = CollectingDispatcher()
    tracker = tracker_with({"language": "fr", "case_number": "LAB-2025-000123", "national_id": None})

    events = ActionResetCaseDetails().run(dispatcher, tracker, {})

    assert events == [
        {"event": "slot", "timestamp": None, "name": "case_number", "value": None},
        {"event": "slot", "timestamp": None, "name": "national_id", "value": None},
    ]
    assert dispatcher.messages == []


def test_other_slots_are_left_alone():
    events = ActionResetCaseDetails().run(
        CollectingDispatcher(), tracker_with({"language": "en", "phone_number": "0612345678"}), {}
    )
    assert {event["name"] for event in events} == {"case_number", "national_id"}


def test_is_registered_with_the_action_server():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert "action_reset_case_details" in executor.actions
