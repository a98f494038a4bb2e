"""Agent endpoints need the agents' key; citizens' endpoints do not."""
from __future__ import annotations

import pytest

KEY = "s3cret-agent-key"
AGENT_CALLS = [
    ("GET", "/api/agent/tickets", None),
    ("GET", "/api/agent/tickets/HT-ABCDEF", None),
    ("POST", "/api/agent/tickets/HT-ABCDEF/reply", {"text": "hi"}),
    ("POST", "/api/agent/tickets/HT-ABCDEF/close", None),
    ("POST", "/api/assist/suggest", {"text": "hello"}),
]


@pytest.mark.parametrize("method, path, body", AGENT_CALLS)
@pytest.mark.parametrize("configured", [None, "", "   "])
def test_agent_endpoints_are_closed_when_no_key_is_configured(client_for, database_url, method, path, body, configured):
    client = client_for(assist_api_key=configured, database_url=database_url)
    response = client.request(method, path, json=body, headers={"Authorization": "Bearer "})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "agent_console_not_configured"


@pytest.mark.parametrize("method, path, body", AGENT_CALLS)
@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": f"Bearer {KEY}x"},
    {"Authorization": f"Bearer {KEY[:-1]}"},
    {"Authorization": f"Basic {KEY}"},
    {"Authorization": "Bearer clé-erronée".encode("utf-8")},
], ids=["missing", "longer", "shorter", "not-bearer", "non-ascii"])
def test_agent_endpoints_refuse_a_wrong_key(client_for, database_url, method, path, body, headers):
    client = client_for(assist_api_key=KEY, database_url=database_url)
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


def test_the_right_key_opens_the_agent_endpoints(client_for, database_url):
    client = client_for(assist_api_key=KEY, database_url=database_url)
    response = client.get("/api/agent/tickets", headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 200, response.text
    assert response.json() == {"tickets": []}


def test_citizens_endpoints_need_no_key(client_for, database_url):
    client = client_for(assist_api_key=KEY, database_url=database_url)
    assert client.get("/api/chat/web-1/agent-messages").status_code == 200


def test_openapi_documents_the_bearer_scheme_and_errors(client_for, database_url):
    spec = client_for(assist_api_key=KEY, database_url=database_url).get("/openapi.json").json()
    suggest = spec["paths"]["/api/assist/suggest"]["post"]
    assert suggest["security"] == [{"HTTPBearer": []}]
    assert {"200", "401", "422", "503"} <= set(suggest["responses"])
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert "200" in documented or "201" in documented, (method, path)
            assert any(code.startswith(("4", "5")) for code in documented), (method, path)
