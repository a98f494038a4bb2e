"""Settings of the action server, read from the environment."""
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import Engine

from store import get_engine, init_store

REPO_ROOT = Path(__file__).resolve().parent.parent


class ActionSettings(BaseSettings):
    """Environment of the action server.

    ``DATABASE_URL`` selects the case store: SQLite under ``var/`` by default,
    any SQLAlchemy URL (e.g. ``postgresql+psycopg://...``) otherwise.
    """

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{REPO_ROOT / 'var' / 'cases.db'}",
        description="SQLAlchemy URL of the case store.",
    )
    seed_demo_cases: bool = Field(
        default=True, description="Insert the demo cases when the store is empty."
    )
    answer_top_k: int = Field(default=5, description="Passages retrieved per question.")
    answer_cache_size: int = Field(
        default=2048,
        ge=0,
        description=(
            "Answers kept per action-server process for questions asked again word for "
            "word (whitespace aside); 0 searches every time."
        ),
    )


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
