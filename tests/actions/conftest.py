import pytest

from tests.conftest import bot_text

from actions.settings import get_settings, open_store


@pytest.fixture
def store_in_tmp(tmp_path, monkeypatch):
    """The action server's store, configured through DATABASE_URL, in a fresh SQLite file."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    get_settings.cache_clear()
    open_store.cache_clear()
    yield
    get_settings.cache_clear()
    open_store.cache_clear()


# A rasa_sdk message's own fields; the others are the values the named response is filled with.
_MESSAGE_FIELDS = {"text", "image", "json_message", "custom", "template", "response", "attachment", "buttons", "elements"}


def says(message: dict, language: str) -> str:
    """What the citizen reads of an action's message: the domain response it names, in the
    conversation's language, filled with the action's values (Rasa does this in the bot)."""
    values = {key: value for key, value in message.items() if key not in _MESSAGE_FIELDS}
    return bot_text(message["response"], language, **values)
