"""api.settings.Settings reads the environment."""
from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import REPO_ROOT, Settings

# RASA_URLS too: `make test` exports the servers `make run` would start.
ENV_VARS = ("RASA_URLS", "RASA_URL", "ACTION_SERVER_URL", "INDEX_DIR", "MAX_MESSAGE_CHARS", "RASA_TIMEOUT_S", "HEALTH_TIMEOUT_S")


def test_defaults(monkeypatch):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.rasa_urls == ["http://127.0.0.1:5005"]
    assert settings.action_server_url == "http://127.0.0.1:5055"
    assert settings.index_dir == REPO_ROOT / "var" / "index"
    assert settings.max_message_chars == 4000
    assert settings.rasa_timeout_s == 30


def test_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("RASA_URLS", raising=False)  # it would win over RASA_URL
    monkeypatch.setenv("RASA_URL", "http://rasa.internal:5005/")
    monkeypatch.setenv("ACTION_SERVER_URL", "http://actions.internal:5055")
    monkeypatch.setenv("INDEX_DIR", str(tmp_path))
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "500")
    monkeypatch.setenv("RASA_TIMEOUT_S", "12.5")
    monkeypatch.setenv("HEALTH_TIMEOUT_S", "1")
    settings = Settings()
    assert settings.rasa_urls == ["http://rasa.internal:5005"]  # trailing slash dropped
    assert settings.action_server_url == "http://actions.internal:5055"
    assert settings.index_dir == Path(tmp_path)
    assert settings.max_message_chars == 500
    assert settings.rasa_timeout_s == 12.5
    assert settings.health_timeout_s == 1


def test_every_field_is_documented():
    assert all(field.description for field in Settings.model_fields.values())


def test_the_operators_key_must_not_be_the_agents_key():
    with pytest.raises(ValueError, match="OPS_API_KEY must differ from ASSIST_API_KEY"):
        Settings(ops_api_key="same-key", assist_api_key="same-key")
    settings = Settings(ops_api_key="ops-key", assist_api_key="agent-key", conversation_retention_days=30)
    assert settings.ops_api_key.get_secret_value() == "ops-key" and settings.conversation_retention_days == 30
    assert Settings(ops_api_key="  ").ops_api_key is None  # empty is unset, never a key an empty bearer matches
