"""What the API tells the actions about a message: its channel and request id."""
from typing import Any

from rasa_sdk import Tracker


def user_metadata(tracker: Tracker) -> dict[str, Any]:
    """The metadata of the latest user message, as the API sent it to Rasa."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}
