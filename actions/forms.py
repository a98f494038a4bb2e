"""Leaving the case-status form unfinished: forget the identity details given so far."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

CASE_DETAIL_SLOTS = ("case_number", "national_id")


class ActionResetCaseDetails(Action):
    """Clears the case number and CIN, so that a later case check starts afresh and
    no identity detail stays in the tracker after the citizen has moved on.

    Run by the rules after the form is deactivated (see bot/data/rules/case_status.yml).
    """

    def name(self) -> str:
        return "action_reset_case_details"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return [SlotSet(slot, None) for slot in CASE_DETAIL_SLOTS]
