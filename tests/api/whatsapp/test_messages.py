"""api.whatsapp.messages: the bot's replies within WhatsApp's limits."""
from __future__ import annotations

import pytest

from api.schemas import BotMessage, Button, Source
from api.whatsapp.messages import reply_payloads, shorten, split_text, with_sources

TO = "212600000001"


@pytest.mark.parametrize("limit", [40, 100, 4096])
def test_split_text_keeps_every_sentence_whole_and_under_the_limit(limit):
    sentences = [f"Sentence {i} is short." for i in range(300)]
    text = " ".join(sentences)
    chunks = split_text(text, limit)
    assert all(len(c) <= limit for c in chunks)
    assert " ".join(chunks) == text
    assert all(c.endswith(".") for c in chunks)


def test_split_text_cuts_after_arabic_question_marks_and_at_line_breaks():
    text = "ما هو الحد الأدنى للأجر؟ يحدده مرسوم.\nالمادة 356 من مدونة الشغل"
    assert split_text(text, 30) == ["ما هو الحد الأدنى للأجر؟", "يحدده مرسوم.", "المادة 356 من مدونة الشغل"]


def test_split_text_falls_back_to_spaces_then_to_a_hard_cut():
    assert split_text("one two three four", 9) == ["one two", "three", "four"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_split_text_keeps_line_breaks_inside_a_chunk_and_drops_blank_edges():
    assert split_text("  Line one.\nLine two.  ", 4096) == ["Line one.\nLine two."]
    assert split_text("   ", 10) == []


def test_sources_are_appended_as_short_lines_once_each():
    sources = [
        Source(doc_id="ct", title="Code du travail", ref="Art. 231", url="https://example.org/ct"),
        Source(doc_id="ct", title="Code du travail", ref="Art. 231", url="https://example.org/ct"),
        Source(doc_id="smig", title="Décret SMIG", ref=None, url=None),
        Source(doc_id="x", title="Loi 65-99", ref="Art. 2", url=""),
    ]
    assert with_sources("Réponse.", sources) == (
        "Réponse.\n\n• Code du travail, Art. 231 — https://example.org/ct\n• Décret SMIG\n• Loi 65-99, Art. 2"
    )
    assert with_sources("Réponse.", None) == "Réponse."
    assert with_sources("", sources[2:3]) == "• Décret SMIG"


def test_shorten_cuts_with_an_ellipsis_within_the_limit():
    assert shorten("Parler à un conseiller humain", 20) == "Parler à un conseil…"
    assert len(shorten("Parler à un conseiller humain", 20)) == 20
    assert shorten("  Oui  ", 20) == "Oui"


def buttons(n: int) -> list[Button]:
    return [Button(title=f"Choix numéro {i} avec un long titre", payload=f"/choice_{i}") for i in range(n)]


def test_up_to_three_buttons_are_reply_buttons():
    (payload,) = reply_payloads(TO, [BotMessage(text="Choisissez.", buttons=buttons(3))], "fr")
    assert payload["to"] == TO and payload["type"] == "interactive"
    assert payload["interactive"]["type"] == "button"
    replies = [b["reply"] for b in payload["interactive"]["action"]["buttons"]]
    assert [r["id"] for r in replies] == ["/choice_0", "/choice_1", "/choice_2"]
    assert all(len(r["title"]) <= 20 for r in replies)


def test_four_to_ten_buttons_are_a_list_and_more_are_cut_to_ten():
    (four,) = reply_payloads(TO, [BotMessage(text="Choisissez.", buttons=buttons(4))], "ar")
    assert four["interactive"]["type"] == "list"
    assert four["interactive"]["action"]["button"] == "الخيارات"
    rows = four["interactive"]["action"]["sections"][0]["rows"]
    assert len(rows) == 4
    assert all(len(r["title"]) <= 24 for r in rows)
    assert rows[0]["description"] == "Choix numéro 0 avec un long titre"  # the full title, under the cut one
    (many,) = reply_payloads(TO, [BotMessage(text="Choisissez.", buttons=buttons(15))], "en")
    assert len(many["interactive"]["action"]["sections"][0]["rows"]) == 10


def test_buttons_without_text_get_a_prompt_in_the_conversation_language():
    (payload,) = reply_payloads(TO, [BotMessage(text="", buttons=buttons(2))], "fr")
    assert payload["interactive"]["body"]["text"] == "Choisissez :"


def test_long_text_with_buttons_sends_the_head_as_text_and_keeps_the_end_with_the_buttons():
    text = " ".join(f"Phrase {i} de la réponse." for i in range(100))
    payloads = reply_payloads(TO, [BotMessage(text=text, buttons=buttons(2))], "fr")
    *texts, last = payloads
    assert [p["type"] for p in texts] == ["text"] * len(texts) and last["type"] == "interactive"
    body = last["interactive"]["body"]["text"]
    assert len(body) <= 1024 and body.endswith("Phrase 99 de la réponse.")
    assert " ".join([*(p["text"]["body"] for p in texts), body]) == text


def test_messages_keep_their_order():
    payloads = reply_payloads(TO, [BotMessage(text="Un."), BotMessage(text="Deux.", buttons=buttons(1))], "fr")
    assert [p["type"] for p in payloads] == ["text", "interactive"]


def test_a_button_whose_payload_is_too_long_for_whatsapp_is_dropped():
    too_long = Button(title="Long", payload="/inform" + "x" * 300)
    (payload,) = reply_payloads(TO, [BotMessage(text="Texte.", buttons=[too_long])], "fr")
    assert payload["type"] == "text"
