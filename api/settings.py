"""Configuration of the API process, read from the environment."""

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository root, so the default index location does not depend on the
# directory uvicorn was started from.
REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where the assistant's services live and how much the API accepts.

    Every field is read from the environment variable of the same name in
    upper case (``RASA_URL``, ``ACTION_SERVER_URL``, ...).
    """

    model_config = SettingsConfigDict(extra="ignore")

    rasa_url: str = Field(
        default="http://127.0.0.1:5005",
        description=(
            "Base URL of the Rasa server (`rasa run --enable-api`). The API posts "
            "citizens' messages to its REST channel and reads the conversation's "
            "language from its tracker."
        ),
    )
    action_server_url: str = Field(
        default="http://127.0.0.1:5055",
        description=(
            "Base URL of the rasa-sdk action server. Probed by /health, and when "
            "Rasa fails or stays silent, to tell the citizen why."
        ),
    )
    index_dir: Path = Field(
        default=REPO_ROOT / "var" / "index",
        description=(
            "Folder of the knowledge index built by `python -m knowledge build`; "
            "/health reads its manifest.json. Same variable as the knowledge "
            "package's INDEX_DIR. A relative path is taken from the working directory."
        ),
    )
    max_message_chars: int = Field(
        default=4000,
        gt=0,
        description="Longest citizen message accepted by /api/chat, in characters.",
    )
    rasa_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description=(
            "Seconds to wait for Rasa's answer to one message (answering a question "
            "runs a retrieval over the index, so allow for it)."
        ),
    )
    health_timeout_s: float = Field(
        default=2.0,
        gt=0,
        description=(
            "Seconds each readiness probe (Rasa status, action server health, "
            "index manifest) may take before its component counts as not ready."
        ),
    )

    @field_validator("rasa_url", "action_server_url")
    @classmethod
    def _strip_trailing_slash(cls, url: str) -> str:
        # Paths are appended as "/webhooks/...", so a trailing slash would double up.
        return url.rstrip("/")
