"""What the API tells the actions about a message: its channel, request id and client."""
from typing import Any

from rasa_sdk import Tracker

from observability.pseudonyms import is_pseudonym


def user_metadata(tracker: Tracker) -> dict[str, Any]:
    """The metadata of the latest user message, as the API sent it to Rasa."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def client_of(tracker: Tracker) -> str | None:
    """The pseudonym of the client address the latest message came from (``client``).

    The API sets it, over whatever the citizen's own metadata said: a keyed hash
    of the web client's IP address, or of the WhatsApp number
    (observability.pseudonyms). None when the message did not come through the API.
    """
    client = user_metadata(tracker).get("client")
    return client if is_pseudonym(client) else None
