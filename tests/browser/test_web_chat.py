"""A citizen uses the web chat in Chromium against the real Rasa, action server and API."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from store.models import Feedback
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF]")
ANSWER_TIMEOUT_MS = 90_000


def ask(page, text: str) -> None:
    page.get_by_role("textbox").fill(text)
    page.keyboard.press("Enter")


def wait_for_bot_messages(page, count: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('#messages .msg.bot').length >= n", arg=count, timeout=ANSWER_TIMEOUT_MS
    )
    assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()


def feedback_rows(stack) -> list[Feedback]:
    # The stack's API and action server share the store under their work folder.
    engine = create_engine(f"sqlite:///{stack.processes['api'].log.parent / 'cases.db'}")
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Feedback).order_by(Feedback.id)))
    finally:
        engine.dispose()


def test_an_arabic_question_gets_a_right_to_left_cited_answer_at_phone_width(
    open_browser, stack, screenshot_dir
):
    page = open_browser(viewport=PHONE, locale="ar-MA")
    page.goto(stack.api_url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    ask(page, "ما هي مدة العطلة السنوية المؤدى عنها؟")  # answered with a margin: tests/knowledge/test_answer_margin.py
    page.locator(".msg.bot .sources li").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    answer = page.locator(".msg.bot", has=page.locator(".sources")).first
    assert answer.get_attribute("dir") == "rtl" and answer.get_attribute("lang") == "ar"
    assert ARABIC_LETTERS.search(answer.locator(".text").inner_text())
    assert answer.locator(".sources li").first.inner_text().strip()
    # Nothing spills sideways at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir / "ar-answer-375.png"))

    answer.get_by_role("button", name="هذا الجواب مفيد").click()
    answer.get_by_text("شكرًا على رأيكم.").wait_for()
    [row] = [r for r in feedback_rows(stack) if r.rating == "up" and r.language == "ar"]
    assert row.message_text == answer.locator(".text").inner_text()
    assert row.sources and row.sources[0]["title"]
    assert row.sender == page.evaluate("JSON.parse(sessionStorage['labour-assistant.session']).sender")

    # A reload keeps the conversation: same sender, same messages, the rating kept.
    shown = page.locator("#messages .msg").all_inner_texts()
    page.reload()
    assert page.locator("#messages .msg").all_inner_texts() == shown
    assert page.get_by_role("button", name="هذا الجواب مفيد").get_attribute("aria-pressed") == "true"
    assert page.locator("html").get_attribute("dir") == "rtl"


def test_a_french_question_gets_a_cited_answer_and_the_page_turns_french(open_browser, stack, screenshot_dir):
    page = open_browser(viewport=DESKTOP, locale="ar-MA")  # starts in Arabic
    page.goto(stack.api_url)
    ask(page, "Quelle est la durée de la période d'essai pour un cadre ?")  # answered with a margin (tests/e2e/test_chat.py)
    page.locator(".msg.bot .sources li").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("#send").inner_text() == "Envoyer"
    answer = page.locator(".msg.bot", has=page.locator(".sources")).first
    assert answer.get_attribute("dir") == "ltr"
    assert answer.locator(".sources-title").inner_text() == "Sources"
    page.screenshot(path=str(screenshot_dir / "fr-answer-desktop.png"))
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir / "fr-answer-375.png"))


def test_a_quick_reply_is_sent_by_clicking_it(open_browser, stack, screenshot_dir):
    page = open_browser(viewport=PHONE, locale="fr-FR")
    page.goto(stack.api_url)
    ask(page, "Bonjour")
    quick_reply = page.locator(".quick-replies button").first
    quick_reply.wait_for(timeout=ANSWER_TIMEOUT_MS)
    title = quick_reply.inner_text()
    bots_before = page.locator(".msg.bot").count()
    quick_reply.click()
    wait_for_bot_messages(page, bots_before + 1)
    assert page.locator(".msg.user").last.inner_text() == title
    assert quick_reply.is_disabled()
    assert page.locator(".msg.bot").last.inner_text().strip()
    assert page.evaluate("document.activeElement.id") == "input"
    page.screenshot(path=str(screenshot_dir / "fr-quick-reply-375.png"))


def test_the_language_picker_switches_the_conversation(open_browser, stack, screenshot_dir):
    page = open_browser(viewport=PHONE, locale="fr-FR")
    page.goto(stack.api_url)
    page.get_by_role("button", name="English").click()
    wait_for_bot_messages(page, 1)
    assert page.locator("html").get_attribute("lang") == "en"
    ask(page, "How long is the trial period for an executive?")  # answered with a margin: tests/knowledge/test_answer_margin.py
    page.locator(".msg.bot .sources li").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    answer = page.locator(".msg.bot", has=page.locator(".sources")).first
    assert answer.get_attribute("lang") == "en"
    bots_before = page.locator(".msg.bot").count()
    page.get_by_role("button", name="العربية").click()
    wait_for_bot_messages(page, bots_before + 1)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator(".msg.bot").last.get_attribute("lang") == "ar"
    page.screenshot(path=str(screenshot_dir / "switch-en-to-ar-375.png"))
