"""Fuzz every operation of the API's OpenAPI schema against the real assistant (schemathesis).

Nothing is stubbed: requests go to the real API in front of the real Rasa and
action server, so a 5xx is a real bug, except a 503 that the schema documents
for that operation (e.g. the WhatsApp channel, which the test stack leaves
unconfigured). Every 4xx must be the API's one error shape. The agents'
endpoints get the stack's key, so they are fuzzed behind the key, not just
refused. The budget is small (`MAX_EXAMPLES` per operation and phase).
"""
from __future__ import annotations

import itertools
import json
import re

import httpx
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import app
from api.schemas import SENDER_MAX_CHARS, SENDER_PATTERN
from tests.conftest import E2E_AGENT_KEY

pytestmark = pytest.mark.e2e

MAX_EXAMPLES = 12


# The schema is the API's own (same code as the running server's); requests go to the
# running stack, whose port is known only once the `assistant` fixture has started it.
schema = schemathesis.openapi.from_dict(app.openapi())
# No stateful phase: it would chain calls (open tickets, ...) far past the budget.
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)


@schemathesis.check
def error_shape(ctx, response, case) -> bool | None:
    """Every 4xx/5xx is {"error": {"code": str, "message": str, ...}} (the /health report aside)."""
    if response.status_code < 400 or case.path == "/health":
        return None
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(error, dict), f"{response.status_code} without the error shape: {response.text[:300]}"
    assert isinstance(error.get("code"), str) and error["code"], f"no error code: {body}"
    assert isinstance(error.get("message"), str) and error["message"], f"no error message: {body}"
    return True


@schemathesis.check
def no_undocumented_server_error(ctx, response, case) -> bool | None:
    """A 5xx only where the operation documents it, with its error code (never 500)."""
    if response.status_code < 500:
        return None
    documented = {str(code) for code in case.operation.definition.raw.get("responses", {})}
    assert response.status_code != 500 and str(response.status_code) in documented, (
        f"undocumented {response.status_code} on {case.method} {case.path}: {response.text[:300]}"
    )
    return True


CHECKS = [
    error_shape,
    no_undocumented_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


_SENDERS = itertools.count()


def one_sender_per_case(case) -> None:
    """A valid generated sender becomes a fresh one: the generator repeats a few short ids,
    and the per-sender rate limit would answer most of them 429 before anything else ran.
    An invalid sender is left as it is, so negative cases stay negative."""
    for values in (case.body, case.path_parameters):
        sender = values.get("sender") if isinstance(values, dict) else None
        if isinstance(sender, str) and len(sender) <= SENDER_MAX_CHARS and re.fullmatch(SENDER_PATTERN, sender):
            values["sender"] = f"fuzz-{next(_SENDERS)}"


@schema.parametrize()
def test_api_withstands_generated_requests(case, assistant):
    one_sender_per_case(case)
    case.call_and_validate(
        base_url=assistant.api_url,
        headers={"Authorization": f"Bearer {E2E_AGENT_KEY}"}, checks=CHECKS, timeout=60
    )


def test_the_fuzzed_schema_is_the_one_the_stack_serves(assistant):
    served = httpx.get(f"{assistant.api_url}/openapi.json", timeout=30)
    assert served.status_code == 200
    assert served.json() == json.loads(json.dumps(app.openapi()))
