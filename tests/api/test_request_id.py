"""A request id is echoed back and handed to Rasa in the message metadata, with the channel."""
from observability.pseudonyms import client_pseudonym


def chat(client, **headers):
    return client.post("/api/chat", json={"sender": "web-1", "message": "salam"}, headers=headers)


def test_callers_request_id_goes_to_rasa_and_back(client_for, rasa, actions):
    rasa.on("POST", "/webhooks/rest/webhook", 200, [{"recipient_id": "web-1", "text": "مرحبا"}])
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)
    response = chat(client, **{"X-Request-ID": "call-centre-0001"})
    assert response.headers["x-request-id"] == "call-centre-0001"
    metadata = rasa.calls("POST", "/webhooks/rest/webhook")[0].body["metadata"]
    # The client address goes as its keyed hash only (TestClient's address is "testclient").
    assert metadata == {
        "request_id": "call-centre-0001", "channel": "web", "client": client_pseudonym("ip", "testclient"),
    }


def test_odd_request_ids_are_replaced(client_for, rasa, actions):
    rasa.on("POST", "/webhooks/rest/webhook", 200, [{"recipient_id": "web-1", "text": "مرحبا"}])
    client = client_for(rasa_url=rasa.url, action_server_url=actions.url)
    response = chat(client, **{"X-Request-ID": "<script>"})
    given = response.headers["x-request-id"]
    assert given != "<script>" and len(given) == 32
    assert rasa.calls("POST", "/webhooks/rest/webhook")[0].body["metadata"]["request_id"] == given
