"""Configuration of the API process, read from the environment."""

from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from knowledge.settings import REPO_ROOT
from store import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    """Where the assistant's services live and how much the API accepts.

    Every field is read from the environment variable of the same name in
    upper case (``RASA_URL``, ``ACTION_SERVER_URL``, ...).
    """

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    rasa_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://127.0.0.1:5005"],
        min_length=1,
        validation_alias=AliasChoices("rasa_urls", "rasa_url"),
        description=(
            "Base URL of the Rasa server (`rasa run --enable-api`), or several "
            "comma-separated (`RASA_URLS`; `RASA_URL` is read too). The API posts "
            "citizens' messages to their REST channel, always the same server for "
            "one conversation while it is up, the next one when it is down; several "
            "servers must share TRACKER_STORE_URL and LOCK_STORE_URL."
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
        default=Path("var/index"),
        description=(
            "Folder of the knowledge index built by `python -m knowledge build`; "
            "/health reads its manifest.json. Same variable as the knowledge "
            "package's INDEX_DIR. A relative path is taken from the repository root, as in every process."
        ),
    )
    assist_responses_file: Path = Field(
        default=Path("models/assist-responses.json"),
        description=(
            "The bot's responses per intent and language, written by training (`make model`, "
            "`bot/assist_responses.py`); agent assist suggests them. Relative to the repository root."
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
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description=(
            "SQLAlchemy URL of the ministry's store (the action server's DATABASE_URL); "
            "the API keeps the citizens' feedback on answers and the WhatsApp inbox there."
        ),
    )

    assist_api_key: SecretStr | None = Field(
        default=None,
        description=(
            "Bearer key of the call-centre agents (agent console, /api/assist/*, "
            "/api/agent/*). Unset or empty: those endpoints answer 503, never open."
        ),
    )
    ops_api_key: SecretStr | None = Field(
        default=None,
        description=(
            "Bearer key of the operators' review (/ops, /api/ops/*): what the assistant could not "
            "answer. Not the agents' key, which does not open it. Unset or empty: those endpoints "
            "answer 503, never open."
        ),
    )
    conversation_retention_days: int = Field(
        default=90,
        ge=1,
        description=(
            "Days the conversations (turns, feedback, finished WhatsApp messages, closed handoff "
            "tickets) are kept; `make purge` (`python -m api.conversations purge`) deletes older ones."
        ),
    )
    ops_export_max_rows: int = Field(
        default=5000,
        ge=1,
        description="Most rows one CSV export of /api/ops may hold; a bigger one is refused (413), narrow the period.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Origins allowed to call the API from a browser, comma-separated "
            "(e.g. `https://www.emploi.gov.ma`). Empty: no cross-origin access."
        ),
    )
    rate_limit_per_minute: int = Field(
        default=30,
        gt=0,
        description="Requests one sender may make to the citizens' endpoints in any 60 seconds.",
    )
    rate_limit_per_ip_per_minute: int = Field(
        default=60,
        gt=0,
        description="Requests one client IP may make to the citizens' endpoints in any 60 seconds.",
    )
    rate_limit_storage_url: str = Field(
        default="memory://",
        pattern=r"^(memory|redis|rediss|redis\+unix|redis\+sentinel|redis\+cluster)://",
        description=(
            "Where the rate limits are counted: `memory://` (this process only), or a Redis "
            "shared by every API replica, e.g. `redis://redis:6379/0` (also `rediss://`, "
            "`redis+sentinel://`, `redis+cluster://`). If Redis fails, requests are let "
            "through and the failure is logged."
        ),
    )
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description=(
            "Secret of the keyed hash that stands for a citizen's client address (IP address, "
            "IPv6 /64, WhatsApp number) in what goes to Rasa and the action server, which count "
            "failed case look-ups per address (observability.pseudonyms). The same value on "
            "every API and action server. Unset: a built-in key."
        ),
    )
    max_body_bytes: int = Field(
        default=64 * 1024,
        gt=0,
        description="Largest request body accepted by any endpoint, in bytes (413 above it).",
    )

    whatsapp_verify_token: SecretStr | None = Field(
        default=None,
        description=(
            "Token you type into Meta's webhook settings; GET /webhooks/whatsapp "
            "answers Meta's handshake only when hub.verify_token equals it."
        ),
    )
    whatsapp_app_secret: SecretStr | None = Field(
        default=None,
        description=(
            "The Meta app's secret: POST /webhooks/whatsapp accepts only bodies whose "
            "X-Hub-Signature-256 is their HMAC-SHA256 under it."
        ),
    )
    whatsapp_access_token: SecretStr | None = Field(
        default=None,
        description="Bearer token for the Graph API (a system user's permanent token in production).",
    )
    whatsapp_phone_number_id: str | None = Field(
        default=None,
        description="Graph API id of the ministry's WhatsApp business number (not the number itself).",
    )
    whatsapp_graph_url: str = Field(
        default="https://graph.facebook.com",
        description="Base URL of Meta's Graph API.",
    )
    whatsapp_graph_version: str = Field(
        default="v21.0",
        pattern=r"^v\d+\.\d+$",
        description="Graph API version in the messages URL, e.g. `v21.0`.",
    )
    whatsapp_send_attempts: int = Field(
        default=5,
        ge=1,
        description="Tries per outgoing WhatsApp message when the Graph API answers 429 or 5xx.",
    )
    whatsapp_retry_max_wait_s: float = Field(
        default=30.0,
        gt=0,
        description="Longest wait between two tries, whatever Retry-After asks for, in seconds.",
    )
    whatsapp_workers: int = Field(
        default=4,
        ge=1,
        description="WhatsApp messages answered at once per API process (one citizen's in order).",
    )
    whatsapp_claim_timeout_s: float = Field(
        default=600.0,
        gt=0,
        description=(
            "Seconds after which a message claimed by a worker but still unanswered "
            "(the process died) is answered again at the next start-up."
        ),
    )
    whatsapp_media_max_bytes: int = Field(
        default=16 * 1024 * 1024,
        gt=0,
        description=(
            "Largest voice note downloaded from the Graph API, in bytes (WhatsApp's own cap "
            "for audio is 16 MB); a bigger one gets a polite reply and is not fetched."
        ),
    )
    speech_model: Path | None = Field(
        default=None,
        description=(
            "Folder of a faster-whisper (CTranslate2) Whisper model that transcribes WhatsApp "
            "voice notes, which are then answered like typed text. Unset: voice notes get a "
            "polite reply and the offer of an agent."
        ),
    )
    speech_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="Seconds one voice note may take to transcribe; past that the citizen is asked to type.",
    )
    speech_workers: int = Field(
        default=1,
        ge=1,
        description="Voice notes transcribed at once per API process (each in a thread of its own).",
    )
    speech_cpu_threads: int = Field(
        default=2,
        ge=1,
        description="CPU threads of each transcription.",
    )

    @property
    def pseudonym_secret(self) -> str | None:
        return self.pseudonym_key.get_secret_value() if self.pseudonym_key else None

    @property
    def whatsapp_missing(self) -> list[str]:
        """The WhatsApp variables still unset; the channel is off until this is empty."""
        values = {
            "WHATSAPP_VERIFY_TOKEN": self.whatsapp_verify_token,
            "WHATSAPP_APP_SECRET": self.whatsapp_app_secret,
            "WHATSAPP_ACCESS_TOKEN": self.whatsapp_access_token,
            "WHATSAPP_PHONE_NUMBER_ID": (self.whatsapp_phone_number_id or "").strip() or None,
        }
        return [name for name, value in values.items() if value is None]

    @field_validator(
        "assist_api_key", "ops_api_key", "whatsapp_verify_token", "whatsapp_app_secret", "whatsapp_access_token",
        "pseudonym_key",
    )
    @classmethod
    def _empty_key_is_unset(cls, key: SecretStr | None) -> SecretStr | None:
        # ASSIST_API_KEY= (empty) must not become a key that an empty bearer matches.
        return key if key is not None and key.get_secret_value().strip() else None

    @model_validator(mode="after")
    def _operators_key_is_not_the_agents(self) -> "Settings":
        # Agents' keys must not open the operators' review: the same value would.
        if self.ops_api_key is not None and self.assist_api_key is not None and (
            self.ops_api_key.get_secret_value() == self.assist_api_key.get_secret_value()
        ):
            raise ValueError("OPS_API_KEY must differ from ASSIST_API_KEY (agents' keys do not open /ops).")
        return self

    @field_validator("index_dir", "assist_responses_file")
    @classmethod
    def _from_repo_root(cls, path: Path) -> Path:
        # The same folder whichever directory uvicorn was started from.
        return path if path.is_absolute() else REPO_ROOT / path

    @field_validator("speech_model", mode="before")
    @classmethod
    def _empty_path_is_unset(cls, path: object) -> object:
        return None if isinstance(path, str) and not path.strip() else path

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, origins: object) -> object:
        if isinstance(origins, str):
            return [o.strip().rstrip("/") for o in origins.split(",") if o.strip()]
        return origins

    @field_validator("rasa_urls", mode="before")
    @classmethod
    def _split_rasa_urls(cls, urls: object) -> object:
        if isinstance(urls, str):
            return [url.strip() for url in urls.split(",") if url.strip()]
        return urls

    @field_validator("rasa_urls")
    @classmethod
    def _strip_trailing_slashes(cls, urls: list[str]) -> list[str]:
        # Paths are appended as "/webhooks/...", so a trailing slash would double up.
        return [url.rstrip("/") for url in urls]

    @field_validator("action_server_url", "whatsapp_graph_url")
    @classmethod
    def _strip_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")
