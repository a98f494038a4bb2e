"""bot.action_replies: the action server's replies are checked as strictly as Rasa checks them."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import action_replies

ORIGINAL = RemoteAction._validate_action_result

REPLIES = [
    {"events": [{"event": "slot", "name": "language", "value": "fr"}], "responses": [{"text": "Bonjour"}]},
    {"events": [], "responses": []},
    {"events": [{"event": "not-an-event"}]},
    {"events": "not a list"},
    {"responses": [{"text": "x"}], "events": [{"name": "language"}]},
]


@pytest.mark.parametrize("reply", REPLIES)
def test_the_cached_check_agrees_with_rasas(reply):
    action = RemoteAction("action_answer_question", None)
    try:
        expected = ORIGINAL(action, reply)
    except ValidationError as error:
        with pytest.raises(ValidationError) as raised:
            action_replies._validate_action_result(action, reply)
        assert raised.value.message == error.message
    else:
        assert action_replies._validate_action_result(action, reply) is expected


def test_installing_replaces_rasas_check(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", ORIGINAL)
    action_replies.install()
    assert RemoteAction._validate_action_result is action_replies._validate_action_result
