"""In Chromium, against the real API with its Rasa stopped: errors read as sentences
in the page's language, and the widget embeds the chat in another site's page."""
from __future__ import annotations

import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.api.conftest import closed_port_url
from tests.browser.conftest import PHONE, start_api

pytestmark = pytest.mark.browser

# What the page must never show a citizen.
RAW = re.compile(r"[{}]|assistant_unavailable|error", re.IGNORECASE)


@pytest.fixture
def api_without_rasa(tmp_path):
    """The real API, its Rasa and action server stopped (nothing listens on their ports)."""
    url, popen = start_api(
        {
            "RASA_URL": closed_port_url(),
            "ACTION_SERVER_URL": closed_port_url(),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        },
        tmp_path / "api.log",
    )
    yield url, popen
    popen.terminate()
    popen.wait(timeout=10)


def ask(page, text: str) -> None:
    page.get_by_role("textbox").fill(text)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("locale, language, expected", [
    ("fr-FR", "fr", "momentanément indisponible"),
    ("ar-MA", "ar", "غير متاح مؤقتًا"),
    ("en-GB", "en", "temporarily unavailable"),
])
def test_a_503_is_a_sentence_in_the_page_language(open_browser, api_without_rasa, screenshot_dir,
                                                  locale, language, expected):
    url, _ = api_without_rasa
    page = open_browser(viewport=PHONE, locale=locale)
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    ask(page, "Quelle est la durée du congé annuel ?")
    error = page.locator(".msg.error")
    error.wait_for()
    text = error.inner_text()
    assert expected in text, text
    assert not RAW.search(text), text
    # The typed question is given back, to send again once the assistant is up.
    assert page.get_by_role("textbox").input_value() == "Quelle est la durée du congé annuel ?"
    assert page.locator("#typing").is_hidden()
    page.screenshot(path=str(screenshot_dir / f"error-503-{language}-375.png"))


def test_an_api_that_cannot_be_reached_is_explained(open_browser, api_without_rasa, screenshot_dir):
    url, popen = api_without_rasa
    page = open_browser(locale="fr-FR")
    page.goto(url)
    popen.terminate()
    popen.wait(timeout=10)
    ask(page, "Bonjour")
    error = page.locator(".msg.error")
    error.wait_for()
    assert "Impossible de joindre l'assistant" in error.inner_text()
    page.screenshot(path=str(screenshot_dir / "error-offline-fr.png"))


def test_the_page_is_keyboard_usable_and_labelled(open_browser, api_without_rasa):
    url, _ = api_without_rasa
    page = open_browser(locale="en-US")
    page.goto(url)
    assert page.get_by_label("Your message").is_visible()
    assert page.locator("#messages").get_attribute("aria-live") == "polite"
    # Tab walks the language picker, the restart button, then the message box and Send.
    focused = []
    for _ in range(6):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.textContent"))
    assert focused[:3] == ["العربية", "Français", "English"]
    assert "restart" in focused and "input" in focused and "send" in focused, focused
    page.keyboard.press("Shift+Tab")  # back to the message box
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    page.locator(".msg.error").wait_for()
    assert page.evaluate("document.activeElement.id") == "input"


def test_the_language_picker_flips_the_page_to_right_to_left(open_browser, api_without_rasa):
    url, _ = api_without_rasa
    page = open_browser(locale="en-US")
    page.goto(url)
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.get_by_role("button", name="العربية").click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.get_by_role("button", name="العربية").get_attribute("aria-pressed") == "true"
    assert page.locator("#send").inner_text() == "إرسال"
    # The switch is also sent to the bot; here it is down, which is said in Arabic.
    assert page.locator(".msg.user").inner_text() == "بالعربية"
    page.locator(".msg.error").wait_for()
    assert "غير متاح" in page.locator(".msg.error").inner_text()


@pytest.fixture
def host_site(tmp_path, api_without_rasa):
    """Another site (its own origin) whose page embeds the widget with the documented snippet."""
    api_url, _ = api_without_rasa
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Site</title></head>'
        f'<body><h1>Un site partenaire</h1><script src="{api_url}/static/widget.js" defer></script></body></html>',
        encoding="utf-8",
    )
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "site"))
    handler.log_message = lambda *args: None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", api_url
    httpd.shutdown()
    httpd.server_close()


def test_the_widget_opens_the_chat_in_a_panel_on_another_site(open_browser, host_site, screenshot_dir):
    site_url, api_url = host_site
    page = open_browser(locale="en-US")
    page.goto(site_url)
    launcher = page.get_by_role("button", name="Ouvrir la conversation avec l'assistant")
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.click()
    assert launcher.get_attribute("aria-expanded") == "true"
    frame = page.frame_locator("iframe[title='Assistant virtuel du ministère du Travail']")
    # The frame's <html lang="ar"> is static; chat.js sets the asked language once it runs,
    # which may be after #input is on the page, so wait for it rather than read it once.
    expect(frame.locator("html")).to_have_attribute("lang", "fr")
    src = page.locator("iframe").get_attribute("src")
    assert src.startswith(f"{api_url}/?") and "embed=1" in src
    frame.locator("#input").fill("Bonjour")
    frame.locator("#input").press("Enter")
    frame.locator(".msg.error").wait_for()  # the chat in the frame talks to its own API
    page.screenshot(path=str(screenshot_dir / "widget-open-fr.png"))
    frame.locator("#input").press("Escape")
    page.locator("iframe").wait_for(state="hidden")
    assert launcher.get_attribute("aria-expanded") == "false"
