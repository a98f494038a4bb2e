"""Settings of the action server, read from the environment."""
import datetime as dt
from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import Engine

from store import DEFAULT_DATABASE_URL, get_engine, init_store


class ActionSettings(BaseSettings):
    """Environment of the action server.

    ``DATABASE_URL`` selects the case store: SQLite under ``var/`` by default,
    any SQLAlchemy URL (e.g. ``postgresql+psycopg://...``) otherwise.
    """

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the case store.",
    )
    seed_demo_cases: bool = Field(
        default=True, description="Insert the demo cases when the store is empty."
    )
    answer_cache_size: int = Field(
        default=2048,
        ge=0,
        description=(
            "Answers kept per action-server process for questions asked again word for "
            "word (whitespace aside); 0 searches every time."
        ),
    )
    # Guessing another citizen's case (actions/lockout.py): failed identity checks are
    # counted in the store, so every action-server replica sees the same counts.
    lookup_window_s: int = Field(
        default=15 * 60,
        gt=0,
        description=(
            "Seconds over which failed case look-ups are counted; a lock lasts this long "
            "after the failure that set it (LOOKUP_WINDOW_S)."
        ),
    )
    lookup_case_max_failures: int = Field(
        default=5,
        gt=0,
        description=(
            "Failed identity checks against one case number, from any sender on any channel, "
            "after which that case number answers no look-up for the window. Unknown numbers "
            "are locked the same way, so the lock tells nothing (LOOKUP_CASE_MAX_FAILURES)."
        ),
    )
    lookup_sender_max_failures: int = Field(
        default=5,
        gt=0,
        description="Failed look-ups after which one conversation (sender) is refused (LOOKUP_SENDER_MAX_FAILURES).",
    )
    lookup_client_max_failures: int = Field(
        default=10,
        gt=0,
        description=(
            "Failed look-ups, across case numbers and conversations, after which one client "
            "address (a web client's IP address or IPv6 /64, a WhatsApp number) is refused. "
            "Higher than per sender: offices and mobile networks put many citizens behind "
            "one address (LOOKUP_CLIENT_MAX_FAILURES)."
        ),
    )
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description=(
            "Secret of the keyed hashes that stand for case numbers, senders and client "
            "addresses in the store (observability.pseudonyms); the same value on every "
            "API and action server (PSEUDONYM_KEY). Unset: a built-in key."
        ),
    )

    @property
    def lookup_window(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.lookup_window_s)

    @property
    def pseudonym_secret(self) -> str | None:
        return self.pseudonym_key.get_secret_value() if self.pseudonym_key else None


@lru_cache
def get_settings() -> ActionSettings:
    return ActionSettings()


@lru_cache
def open_store() -> Engine:
    """The configured store's engine; its tables and demo cases are created on first use."""
    settings = get_settings()
    engine = get_engine(settings.database_url)
    init_store(engine, settings.seed_demo_cases)
    return engine
