"""The case-status form: validate the case number and CIN, then look the case up."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.engine import Engine

from actions.cases import find_case, normalise_case_number, normalise_national_id
from actions.lockout import AttemptKeys, Lock, LockPolicy, begin_attempt, finish_attempt
from actions.metadata import client_of, user_metadata
from actions.settings import ActionSettings, get_settings, open_store
from languages import language_or_default
from observability.logs import bind_request_id, mask_personal_data
from store import Case

logger = logging.getLogger(__name__)


def case_reply(case: Case) -> dict[str, str]:
    """The domain response for the case's status (``utter_case_in_review``...), with its values.

    The texts, with their status label and next step, are the domain's, one variation per
    language (bot/domain/case_status.yml); Rasa fills in the number and the date.
    """
    return {"response": f"utter_case_{case.status}", "case_number": case.case_number,
            "updated_at": case.updated_at.isoformat()}


@dataclass
class LookupOutcome:
    """What a guarded look-up found: the case (only when number and CIN match), or the
    lock that refused it; ``locks_set`` are the locks this look-up's failure has just set."""

    case: Case | None = None
    refused: Lock | None = None
    locks_set: list[Lock] = field(default_factory=list)


def lock_policy(settings: ActionSettings) -> LockPolicy:
    return LockPolicy(
        window=settings.lookup_window,
        sender=settings.lookup_sender_max_failures,
        client=settings.lookup_client_max_failures,
        case=settings.lookup_case_max_failures,
    )


def _locked_what(scope: str, sender: str, client: str | None, case_number: str | None) -> str:
    """The locked sender, client or case, masked for the logs (the formatter masks again)."""
    if scope == "case":
        return f"case {mask_personal_data(case_number or '')}"
    if scope == "client":
        return f"client {(client or '')[:12]}"
    return f"sender {mask_personal_data(sender)}"


def guarded_look_up(
    engine: Engine,
    policy: LockPolicy,
    *,
    sender: str,
    client: str | None,
    case_number: str | None,
    national_id: str | None,
    pseudonym_key: str | None = None,
    now: dt.datetime | None = None,
) -> LookupOutcome:
    """The identity-checked look-up, refused while the sender, the client address or the
    case number is locked after too many failures (actions/lockout.py)."""
    keys = AttemptKeys.of(sender, client, case_number, pseudonym_key)
    started = begin_attempt(engine, keys, policy, now)
    if isinstance(started, Lock):
        logger.warning(
            "case look-up refused: %s is locked until %s",
            _locked_what(started.scope, sender, client, case_number), started.until.isoformat(timespec="seconds"),
        )
        return LookupOutcome(refused=started)
    case = find_case(engine, case_number, national_id) if case_number and national_id else None
    locks = finish_attempt(engine, started, keys, policy, succeeded=case is not None, now=now)
    # Masked here and again by the JSON logs (observability.logs): the numbers never appear in clear.
    logger.info(
        "case look-up %s with %s: %s",
        mask_personal_data(case_number or "-"), mask_personal_data(national_id or "-"), "match" if case else "no match",
    )
    for lock in locks:
        logger.warning(
            "case look-up lock: %s locked until %s after %d failed identity checks within %d s",
            _locked_what(lock.scope, sender, client, case_number), lock.until.isoformat(timespec="seconds"),
            policy.max_failures(lock.scope), policy.window.total_seconds(),
        )
    return LookupOutcome(case=case, locks_set=locks)


def refusal_reply(lock: Lock) -> dict[str, str]:
    """A case number's lock is said without a time; the requester's own lock with one."""
    if lock.scope == "case":
        return {"response": "utter_case_protected"}
    return {"response": "utter_lookups_locked", "time": lock.until.strftime("%H:%M UTC")}


def validated_slot(
    slot: str, value: Any, normalise: Callable[[str | None], str | None], invalid_response: str,
    dispatcher: CollectingDispatcher, tracker: Tracker,
) -> dict[str, Any]:
    """``{slot: normalised value}``; a value that does not normalise is ``None`` and the citizen
    is told so (``invalid_response``) in their language."""
    normalised = normalise(value if isinstance(value, str) else None)
    if normalised is None:
        language = language_or_default(tracker.get_slot("language"))
        dispatcher.utter_message(response=invalid_response, json_message={"language": language})
    return {slot: normalised}


class ValidateCaseStatusForm(FormValidationAction):
    def name(self) -> str:
        return "validate_case_status_form"

    def validate_case_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return validated_slot(
            "case_number", value, normalise_case_number, "utter_invalid_case_number", dispatcher, tracker
        )

    def validate_national_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return validated_slot(
            "national_id", value, normalise_national_id, "utter_invalid_national_id", dispatcher, tracker
        )


class ActionCheckCaseStatus(Action):
    def name(self) -> str:
        return "action_check_case_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        bind_request_id(user_metadata(tracker))
        language = language_or_default(tracker.get_slot("language"))
        settings = get_settings()
        outcome = guarded_look_up(
            open_store(),
            lock_policy(settings),
            sender=tracker.sender_id,
            client=client_of(tracker),
            case_number=normalise_case_number(tracker.get_slot("case_number")),
            national_id=normalise_national_id(tracker.get_slot("national_id")),
            pseudonym_key=settings.pseudonym_secret,
        )
        # The API counts refusals and locks in /metrics from this marker (docs/CONTRACTS.md), and
        # reads the reply's language from it; the citizen never sees it.
        if outcome.refused is not None:
            dispatcher.utter_message(
                json_message={"lookup": {"refused": outcome.refused.scope}, "language": language},
                **refusal_reply(outcome.refused),
            )
        elif outcome.case is None:
            # The same reply for an unknown number and a wrong CIN, and for the failure that locks.
            marker = {"lookup": {"locked": [lock.scope for lock in outcome.locks_set]}, "language": language}
            dispatcher.utter_message(
                response="utter_case_not_found",
                json_message=marker if outcome.locks_set else {"language": language},
            )
        else:
            dispatcher.utter_message(json_message={"language": language}, **case_reply(outcome.case))
        # The identity is never kept once the look-up is done, whatever its outcome.
        return [SlotSet("case_number", None), SlotSet("national_id", None)]
