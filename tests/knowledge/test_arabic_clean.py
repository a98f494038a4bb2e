"""The repair of PDF damage leaves clean Arabic exactly as it was.

``data/clean_arabic.txt`` holds sentences of ordinary prose written for these tests (news,
everyday life, science, history, sport, administration), with the sequences the repair rules
look at in correct words: لا/ال inside words, بال/وال/فال/كال before a noun, foreign names
with أ, tanwin before a short word ("غالبًا ما"). The project's own Arabic cards are read
from ``knowledge/corpus/ar`` when the test runs (cards are added all the time).
"""

import json
from pathlib import Path

import pytest
from haystack import Document

from knowledge.arabic import ArabicRepairer, repair_arabic
from knowledge.readers import TextFileReader
from knowledge.settings import REPO_ROOT

CLEAN = Path(__file__).parent / "data" / "clean_arabic.txt"
CARDS = REPO_ROOT / "knowledge" / "corpus" / "ar"
# A line of a statute as the PDF gives it: reversed ligatures, a number glued to its word.
DAMAGED_LINE = "يستفيد األجير من الحد األدنى لألجر ابتداء من فاتح يوليوز ,2025وال يجوز تخفيضه إال بنص."
REPAIRED_LINE = "يستفيد الأجير من الحد الأدنى للأجر ابتداء من فاتح يوليوز ,2025 ولا يجوز تخفيضه إلا بنص."
# Readings that a text whose lam-alef ligatures are all reversed makes certain, and that a clean
# sentence pasted into such a text therefore loses: there "لألم" can only be "للأم" (a genuine
# "لألم" would read "أللم"), and "ألن" is "لأن" (the statutes write "ألي" for "لأي" 23 times).
LIGATURE_READINGS = ("لألم", "لألعاب", "لألوان", "ألن ")


def clean_sentences() -> list[str]:
    return [ln for ln in CLEAN.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


def card_documents() -> list[Document]:
    cards = sorted(CARDS.glob("*.md"))
    assert cards, f"no Arabic cards in {CARDS}"
    return TextFileReader().run(sources=cards)["documents"]


def test_the_clean_sentences_cover_what_the_rules_look_at():
    sentences = clean_sentences()
    assert len(sentences) >= 200 and len(set(sentences)) == len(sentences)
    text = "\n".join(sentences)
    for needle in ("الالت", "بالدول", "قبالة", "وألبرت", "غالبًا ما", "كالعادة", "فالمدرسة", "ثلاثة", "خلال", "ألمانيا"):
        assert needle in text, needle


def test_clean_sentences_are_returned_unchanged():
    changed = [
        (s, repair_arabic(s, use_lexicon=lexicon))
        for s in clean_sentences()
        for lexicon in (True, False)
        if repair_arabic(s, use_lexicon=lexicon) != s
    ]
    assert changed == []
    from knowledge.arabic import is_damaged

    assert not any(is_damaged(s) for s in clean_sentences())


def test_clean_sentences_in_one_text_are_returned_unchanged():
    text = "\n".join(clean_sentences())
    assert repair_arabic(text) == text
    from knowledge.arabic import damage_evidence

    assert damage_evidence(text) == (0, 0)


def test_project_cards_are_returned_unchanged():
    docs = card_documents()
    repaired = ArabicRepairer().run(documents=docs)["documents"]
    for before, after in zip(docs, repaired):
        assert after.content == before.content, before.meta["file_path"]
        assert after.meta["title"] == before.meta["title"], before.meta["file_path"]
        assert repair_arabic(before.content) == before.content


def test_repairer_leaves_clean_passages_of_a_clean_source_alone():
    # passages are repaired as one text per source file: a clean file stays clean
    docs = [Document(content=s, meta={"language": "ar", "source_key": "news.txt"}) for s in clean_sentences()]
    out = ArabicRepairer().run(documents=docs)["documents"]
    assert [d.content for d in out] == [d.content for d in docs]


def test_correct_words_of_a_damaged_text_are_left_alone():
    # In a damaged text every rule runs, but each one fires only on evidence of damage: the
    # words of a clean sentence stay as they are while the damaged line is repaired.
    kept = 0
    for sentence in clean_sentences():
        repaired = repair_arabic(sentence + "\n" + DAMAGED_LINE)
        assert repaired.endswith("\n" + REPAIRED_LINE), repaired
        if any(reading in sentence + " " for reading in LIGATURE_READINGS):
            continue
        assert repaired == sentence + "\n" + REPAIRED_LINE
        kept += 1
    assert kept >= 250


@pytest.mark.parametrize(
    "word",
    ["الالتهاب", "بالدول", "وألبرت", "قبالة", "أصالتها", "الفعاليات", "الفعالة", "مألوفة", "باستبدالها", "بالولوج"],
)
def test_reversed_ligature_rule_needs_the_lexicon_to_agree(word):
    # the old rule swapped these because the swapped spelling takes fewer e5 tokens
    damaged = f"نص األجير: {word} إال"
    assert repair_arabic(damaged) == f"نص الأجير: {word} إلا"


def test_tanwin_before_a_short_word_is_no_stray_letter():
    assert repair_arabic("غالبًا ما يعمل األجير") == "غالبًا ما يعمل الأجير"
    assert repair_arabic("شكرًا لكم على االستقبال") == "شكرًا لكم على الاستقبال"


def test_damage_is_decided_per_source_text(shared_corpus):
    from knowledge.arabic import is_damaged

    # a passage of a damaged statute with no marker of its own is still repaired (as in the index)
    statute = json.loads((shared_corpus / "legal" / "labor-4204.json").read_text(encoding="utf-8"))
    contents = [p["content"] for p in statute["provisions"] if p.get("content")]
    quiet = next(c for c in contents if "السالمة" in c and not is_damaged(c))
    assert repair_arabic(quiet) == quiet.strip()  # alone it is not judged damaged
    docs = [Document(content=c, meta={"language": "ar", "source_key": "labor-4204.json"}) for c in contents]
    out = {d.content: r.content for d, r in zip(docs, ArabicRepairer().run(documents=docs)["documents"])}
    assert "السلامة" in out[quiet] and "السالمة" not in out[quiet]


def test_every_statute_is_judged_damaged(shared_corpus):
    from knowledge.arabic import is_damaged

    for path in sorted((shared_corpus / "legal").glob("*.json")):
        provisions = json.loads(path.read_text(encoding="utf-8"))["provisions"]
        assert is_damaged("\n".join(p.get("content") or "" for p in provisions)), path.name
