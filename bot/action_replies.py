"""The Rasa server's check of the action server's replies, with the schema checked once.

Rasa 3.6 validates every reply of the action server with ``jsonschema.validate``,
which first checks the (constant) schema itself against JSON Schema's meta-schema:
under the load bench that was about an eighth of a Rasa server's CPU, more than the
validation of the reply. `install` replaces the check with one that builds the
validator once per process; a reply is still checked in full, and a bad reply
raises the same error with the same message. The response generator (bot/nlg.py),
which the endpoints file names, installs it: that is the project's one hook into
the server process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    # Rasa's own explanation, as its check adds it (rasa/core/actions/action.py).
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Use the cached check in this Rasa process (idempotent)."""
    RemoteAction._validate_action_result = _validate_action_result
