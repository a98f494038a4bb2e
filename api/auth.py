"""The call-centre agents' API key: `Authorization: Bearer <ASSIST_API_KEY>`; the
operators' key of the review of what the assistant could not answer: `OPS_API_KEY`.

Citizens' endpoints need no key. Agent endpoints are closed (503) until a key
is configured, so a deployment that forgot it is never open by default.
"""

import secrets
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr

from api.deps import SettingsDep
from api.errors import ApiError

NOT_CONFIGURED = "The agent console is not configured on this server (ASSIST_API_KEY is not set)."
UNAUTHORIZED = "Send the agents' API key as 'Authorization: Bearer <key>'."

# auto_error=False: a missing header is answered with our own error shape, not FastAPI's.
_bearer = HTTPBearer(auto_error=False, description="The agents' key, ASSIST_API_KEY.")


def _check_key(configured: SecretStr | None, credentials: HTTPAuthorizationCredentials | None,
               not_configured: ApiError, unauthorized: str) -> None:
    """Let a request through only with the ``configured`` key."""
    if configured is None:
        raise not_configured
    expected = configured.get_secret_value().encode("utf-8")
    given = credentials.credentials.encode("utf-8") if credentials else b""
    # Constant-time: the comparison must not tell how much of a guessed key was right.
    if not secrets.compare_digest(given, expected):
        raise ApiError(401, "unauthorized", unauthorized, headers={"WWW-Authenticate": "Bearer"})


async def require_agent(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Let the request through only with the configured agents' key."""
    _check_key(
        settings.assist_api_key, credentials,
        ApiError(503, "agent_console_not_configured", NOT_CONFIGURED), UNAUTHORIZED,
    )


AgentDep = Depends(require_agent)

OPS_NOT_CONFIGURED = "The operators' review is not configured on this server (OPS_API_KEY is not set)."
OPS_UNAUTHORIZED = "Send the operators' key (OPS_API_KEY, not an agent's key) as 'Authorization: Bearer <key>'."

_ops_bearer = HTTPBearer(auto_error=False, description="The operators' key, OPS_API_KEY.")


async def require_operator(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_ops_bearer)],
) -> None:
    """Let the request through only with the operators' key; the agents' key is refused like any other."""
    _check_key(
        settings.ops_api_key, credentials, ApiError(503, "ops_not_configured", OPS_NOT_CONFIGURED), OPS_UNAUTHORIZED
    )


OpsDep = Depends(require_operator)
