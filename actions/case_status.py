"""The case-status form: validate the case number and CIN, then look the case up."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.cases import find_case, normalise_case_number, normalise_national_id
from actions.messages import CASE_NEXT_STEPS, CASE_STATUS_LABELS, language_or_default, message
from actions.lockout import locked_until, record_attempt
from actions.metadata import user_metadata
from actions.settings import open_store
from observability.logs import bind_request_id
from store import Case

logger = logging.getLogger(__name__)


def describe_case(case: Case, language: str) -> str:
    return message(
        "case_status",
        language,
        case_number=case.case_number,
        status=CASE_STATUS_LABELS[case.status][language],
        updated_at=case.updated_at.isoformat(),
        next_step=CASE_NEXT_STEPS[case.status][language],
    )


class ValidateCaseStatusForm(FormValidationAction):
    def name(self) -> str:
        return "validate_case_status_form"

    def validate_case_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        case_number = normalise_case_number(value if isinstance(value, str) else None)
        if case_number is None:
            dispatcher.utter_message(
                text=message("invalid_case_number", language_or_default(tracker.get_slot("language")))
            )
        return {"case_number": case_number}

    def validate_national_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        national_id = normalise_national_id(value if isinstance(value, str) else None)
        if national_id is None:
            dispatcher.utter_message(
                text=message("invalid_national_id", language_or_default(tracker.get_slot("language")))
            )
        return {"national_id": national_id}


class ActionCheckCaseStatus(Action):
    def name(self) -> str:
        return "action_check_case_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        bind_request_id(user_metadata(tracker))
        language = language_or_default(tracker.get_slot("language"))
        # The identity is never kept once the look-up is done, whatever its outcome.
        clear_identity = [SlotSet("case_number", None), SlotSet("national_id", None)]
        store = open_store()
        retry_at = locked_until(store, tracker.sender_id)
        if retry_at is not None:
            logger.warning("case look-up refused: sender %s is locked out", tracker.sender_id)
            dispatcher.utter_message(
                text=message("lookups_locked", language, time=retry_at.strftime("%H:%M UTC"))
            )
            return clear_identity
        case_number = normalise_case_number(tracker.get_slot("case_number"))
        national_id = normalise_national_id(tracker.get_slot("national_id"))
        case = find_case(store, case_number, national_id) if case_number and national_id else None
        record_attempt(store, tracker.sender_id, succeeded=case is not None)
        # Masked in the logs (observability.logs): the numbers never appear in clear.
        logger.info("case look-up %s with %s: %s", case_number, national_id, "match" if case else "no match")
        if case is None:
            dispatcher.utter_message(text=message("case_not_found", language))
        else:
            dispatcher.utter_message(text=describe_case(case, language))
        return clear_identity
