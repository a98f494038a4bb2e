"""The operators' review page (/ops) in Debian's Chromium against the real API (uvicorn) on a
real SQLite store: in French and in Arabic (right to left), its own key, the lists, the groups
and a group's CSV export."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy.orm import Session

from api.conversations import record_turn
from api.schemas import BotMessage
from store import get_engine, init_store
from store.models import Feedback
from tests.api.conftest import closed_port_url
from tests.browser.conftest import DESKTOP, start_api

pytestmark = pytest.mark.browser

OPS_KEY = "ops-browser-key-42"
AGENT_KEY = "agent-browser-key-42"
SOURCE = {"doc_id": "ct", "title": "Code du travail", "ref": "Art. 231", "url": "https://www.emploi.gov.ma/ct"}


def refused(engine, question: str, language: str, channel: str = "web", reason: str = "low_confidence") -> None:
    record_turn(engine, sender=f"{channel}-citizen", channel=channel, language=language, question=question,
                items=[{"custom": {"outcome": "fallback", "reason": reason}}],
                replies=[BotMessage(text="…")], pseudonym_key=None)


@pytest.fixture
def ops_api(tmp_path):
    """The real API with a store holding a few turns the assistant could not answer."""
    database_url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = get_engine(database_url)
    init_store(engine, seed_demo_cases=False)
    refused(engine, "Quelle est la durée du congé annuel ?", "fr")
    refused(engine, "Où en est mon dossier LAB-2025-000123 ?", "fr", reason="not_understood")
    refused(engine, "combien de jours de congé annuel ai-je ?", "fr")
    refused(engine, "Combien de jours de congés payés par an ?", "fr", channel="whatsapp", reason="out_of_scope")
    refused(engine, "ما هي مدة العطلة السنوية؟", "ar")
    refused(engine, "كم عدد أيام العطلة السنوية؟", "ar", channel="whatsapp")
    record_turn(engine, sender="web-rater", channel="web", language="fr", question="Quel est le SMIG ?",
                items=[{"text": "Le SMIG est de 3 000 dirhams."}],
                replies=[BotMessage(text="Le SMIG est de 3 000 dirhams.")], pseudonym_key=None)
    with Session(engine) as session, session.begin():
        session.add(Feedback(sender="web-rater", channel="web", language="fr",
                             message_text="Le SMIG est de 3 000 dirhams.", sources=[SOURCE], rating="down",
                             comment=None, created_at=dt.datetime.now(dt.timezone.utc)))
    url, popen = start_api(
        {"RASA_URL": closed_port_url(), "ACTION_SERVER_URL": closed_port_url(), "DATABASE_URL": database_url,
         "OPS_API_KEY": OPS_KEY, "ASSIST_API_KEY": AGENT_KEY},
        tmp_path / "api.log",
    )
    yield url
    popen.terminate()
    popen.wait(timeout=10)


def sign_in(page, key: str) -> None:
    page.locator("#key").fill(key)
    page.locator("#key-form button[type=submit]").click()


def test_in_french_the_agents_key_is_refused_then_the_review_lists_groups_and_exports(
    open_browser, ops_api, screenshot_dir
):
    page = open_browser(viewport=DESKTOP, locale="fr-FR")
    page.goto(f"{ops_api}/ops")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").inner_text() == "Ce que l'assistant n'a pas su répondre"

    sign_in(page, AGENT_KEY)
    notice = page.locator("#notice")
    notice.wait_for()
    assert "Clé refusée" in notice.inner_text()
    assert page.locator("#report").is_hidden()

    sign_in(page, OPS_KEY)
    page.locator("#report").wait_for()
    assert page.locator("#notice").is_hidden()
    refused_table = page.locator("#refused")
    assert refused_table.get_by_text("combien de jours de congé annuel ai-je ?").count() == 1
    assert "LAB-****-***123" in refused_table.inner_text() and "000123" not in refused_table.inner_text()
    assert "pas de réponse fiable" in refused_table.inner_text() and "hors sujet" in refused_table.inner_text()
    assert page.locator("#refused-total").inner_text() == "6 au total"

    down = page.locator("#thumbs-down")
    assert "Quel est le SMIG ?" in down.inner_text() and "Le SMIG est de 3 000 dirhams." in down.inner_text()
    assert down.get_by_role("link", name="Code du travail — Art. 231").get_attribute("href") == SOURCE["url"]

    # The three French wordings are one group of 3, the two Arabic ones another of 2 (by meaning, e5).
    assert page.locator("#groups-method").inner_text().startswith("Regroupées par sens")
    counts = page.locator("#groups tr td:first-child").all_inner_texts()
    assert counts == ["3", "2", "1", "1"], counts  # + the case question, and the question rated down
    page.screenshot(path=str(screenshot_dir / "ops-fr.png"), full_page=True)

    with page.expect_download() as downloaded:
        page.locator("#groups tr").nth(1).locator("button.export").click()
    rows = list(csv.DictReader(io.StringIO(open(downloaded.value.path(), encoding="utf-8-sig").read())))
    assert len(rows) == 3 and all("cong" in row["question"] for row in rows)
    assert {row["channel"] for row in rows} == {"web", "whatsapp"}

    # Only WhatsApp: the lists follow the filter.
    page.locator("#channel").select_option("whatsapp")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_function("document.getElementById('refused-total').textContent === '2 au total'")

    # An impossible period is refused with the API's sentence, and the page keeps what it showed.
    page.locator("#from").fill("2026-11-20")
    page.locator("#to").fill("2026-11-01")
    page.locator("#filters button[type=submit]").click()
    page.locator("#notice").wait_for()
    assert "is after 'to'" in page.locator("#notice").inner_text()
    assert page.locator("#refused-total").inner_text() == "2 au total"


def test_in_arabic_the_page_is_right_to_left_with_arabic_labels_and_questions(open_browser, ops_api, screenshot_dir):
    page = open_browser(viewport=DESKTOP, locale="ar-MA")
    page.goto(f"{ops_api}/ops")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "ما لم يستطع المساعد الإجابة عنه"
    assert page.locator("#key-form button[type=submit]").inner_text() == "دخول"

    sign_in(page, OPS_KEY)
    page.locator("#report").wait_for()
    assert page.locator("#refused-title span").first.inner_text() == "أسئلة مرفوضة أو موجّهة خطأ"
    page.locator("#language").select_option("ar")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_function("document.getElementById('refused-total').textContent === 'المجموع: 2'")
    questions = page.locator("#refused td.text").all_inner_texts()
    assert "ما هي مدة العطلة السنوية؟" in questions and "كم عدد أيام العطلة السنوية؟" in questions
    # Right to left: the first column of a table is on the right.
    first, last = (page.locator("#refused tr th").nth(i).bounding_box() for i in (0, 5))
    assert first["x"] > last["x"]
    assert page.locator("#groups tr td:first-child").all_inner_texts()[0] == "2"
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    page.screenshot(path=str(screenshot_dir / "ops-ar.png"), full_page=True)

    # The page can be switched to French without reloading; the report is re-labelled.
    page.locator("[data-language=fr]").click()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("#refused-total").inner_text() == "2 au total"
