"""GET /: the citizens' chat page and its static files."""
from __future__ import annotations


def test_page_is_served_and_loads_the_chat_script(client_for):
    client = client_for()
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert 'src="static/chat.js"' in page
    assert 'href="static/chat.css"' in page
    assert 'id="messages"' in page and 'id="input"' in page and 'id="send"' in page


def test_static_files_are_served(client_for):
    client = client_for()
    script = client.get("/static/chat.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    # The conversation is kept per tab (survives a reload, not the tab's closing).
    assert "api/chat" in script.text and "sessionStorage" in script.text
    assert "api/feedback" in script.text
    style = client.get("/static/chat.css")
    assert style.status_code == 200
    assert style.headers["content-type"].startswith("text/css")


def test_missing_static_file_is_a_404(client_for):
    assert client_for().get("/static/nothing.js").status_code == 404


def test_widget_script_is_served_for_embedding(client_for):
    widget = client_for().get("/static/widget.js")
    assert widget.status_code == 200
    assert "javascript" in widget.headers["content-type"]
    assert "attachShadow" in widget.text and "iframe" in widget.text
