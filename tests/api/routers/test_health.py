"""GET /health: 200 only when Rasa, the action server and the index are all ready."""
from __future__ import annotations

import time

from tests.api.conftest import Recorded, closed_port_url, write_manifest


def components(response) -> dict:
    body = response.json()
    assert set(body) == {"status", "components"}
    assert set(body["components"]) == {"rasa", "actions", "index"}
    return body["components"]


def test_all_ready_gives_200(client_for, rasa, actions, tmp_path):
    write_manifest(tmp_path / "index", documents=42)
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)

    response = client.get("/health")

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"
    parts = components(response)
    assert all(part["ready"] for part in parts.values()), parts
    assert "20250101-120000-labour.tar.gz" in parts["rasa"]["detail"]
    assert "42 documents" in parts["index"]["detail"]


def test_index_missing_gives_503(client_for, rasa, actions):
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)

    response = client.get("/health")

    assert response.status_code == 503, response.text
    assert response.json()["status"] == "degraded"
    parts = components(response)
    assert parts["index"]["ready"] is False
    assert "no index" in parts["index"]["detail"]
    assert parts["rasa"]["ready"] and parts["actions"]["ready"]


def test_empty_index_is_not_ready(client_for, rasa, actions, tmp_path):
    write_manifest(tmp_path / "index", documents=0)
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)
    response = client.get("/health")
    assert response.status_code == 503
    assert components(response)["index"]["ready"] is False


def test_rasa_down_gives_503(client_for, actions, tmp_path):
    write_manifest(tmp_path / "index", documents=42)
    client = client_for(action_server_url=actions.url)  # Rasa: closed loopback port

    response = client.get("/health")

    assert response.status_code == 503
    parts = components(response)
    assert parts["rasa"]["ready"] is False
    assert "unreachable" in parts["rasa"]["detail"]
    assert parts["actions"]["ready"] and parts["index"]["ready"]


def test_rasa_without_a_model_is_not_ready(client_for, rasa, actions, tmp_path):
    write_manifest(tmp_path / "index", documents=42)
    # Rasa 3.6's /status while no model is loaded.
    rasa.on("GET", "/status", 409, {
        "version": "3.6.21", "status": "failure", "reason": "Conflict", "code": 409,
        "message": "No agent loaded. To continue processing, a model of a trained agent needs to be loaded.",
    })
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)
    response = client.get("/health")
    assert response.status_code == 503
    assert "no model" in components(response)["rasa"]["detail"]


def test_action_server_down_gives_503(client_for, rasa, tmp_path):
    write_manifest(tmp_path / "index", documents=42)
    client = client_for(rasa_url=rasa.url)  # action server: closed loopback port
    response = client.get("/health")
    assert response.status_code == 503
    parts = components(response)
    assert parts["actions"]["ready"] is False
    assert parts["rasa"]["ready"] and parts["index"]["ready"]


def test_probes_run_concurrently_with_short_timeouts(client_for, rasa, actions, tmp_path):
    write_manifest(tmp_path / "index", documents=42)

    def hang(_: Recorded):
        time.sleep(1.5)
        return 200, {"status": "ok"}

    rasa.routes[("GET", "/status")] = hang
    actions.routes[("GET", "/health")] = hang
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url, health_timeout_s=0.5)
    client.get("/health")  # the first call imports the knowledge package

    started = time.monotonic()
    response = client.get("/health")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    parts = components(response)
    assert not parts["rasa"]["ready"] and not parts["actions"]["ready"]
    assert "0.5s" in parts["rasa"]["detail"]
    assert parts["index"]["ready"]
    assert elapsed < 1.2, f"probes took {elapsed:.2f}s: not concurrent, or no timeout"


def test_several_rasa_servers_are_ready_while_one_is(client_for, rasa, actions, tmp_path):
    # The API fails over to a server that is up, so one down server is reported, not fatal.
    write_manifest(tmp_path / "index", documents=42)
    down = closed_port_url()
    client = client_for(rasa_urls=f"{rasa.url},{down}", action_server_url=actions.url)

    response = client.get("/health")

    assert response.status_code == 200, response.text
    detail = components(response)["rasa"]["detail"]
    assert detail.startswith("1 of 2 servers ready") and down in detail and "unreachable" in detail

    both_down = client_for(rasa_urls=f"{closed_port_url()},{down}", action_server_url=actions.url).get("/health")
    assert both_down.status_code == 503
    assert components(both_down)["rasa"]["ready"] is False
