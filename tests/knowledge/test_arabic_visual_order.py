"""Arabic press lines whose numbers came out of the PDF in visual order are read in order again.

The real lines are those of the Arabic part of the press review ``seeds/003_*.txt``, read
from the shared corpus when the test runs: "ألف  892كشف وزير ... ثلاثة ملايين و" then
" .أجير من الدعم ..." for "كشف وزير ... ثلاثة ملايين و892 ألف" then "أجير من الدعم ... .".
"""

import json
import re

from knowledge import arabic
from knowledge.arabic import repair_arabic

ARABIC_LETTER = "\u0621-\u064a"
GLUED = re.compile(rf"\d[{ARABIC_LETTER}]")
LEADING_STOP = re.compile(rf"^[ \t]*\.[ \t]*[{ARABIC_LETTER}]", re.MULTILINE)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _arabic_part(shared_corpus) -> str:
    [path] = sorted((shared_corpus / "seeds").glob("003_*.txt"))
    lines = path.read_text(encoding="utf-8").split("\n")
    first = next(i for i, ln in enumerate(lines) if re.search(f"[{ARABIC_LETTER}]", ln))
    return "\n".join(lines[first:])


def test_own_examples():
    line = "ألف  892كشف الوزير عن استفادة أزيد من ثلاثة ملايين و\n .أجير من الدعم"
    assert arabic.repair_visual_order(line) == "كشف الوزير عن استفادة أزيد من ثلاثة ملايين و892 ألف\n أجير من الدعم."
    amounts = " .درهم إلى غاية نهاية الشهر 530ألف و 140مليون و 240ملايير درهم و 6بمبلغ "
    assert arabic.repair_visual_order(amounts) == " بمبلغ 6 ملايير درهم و240 مليون و140 ألف و530 درهم إلى غاية نهاية الشهر."
    assert arabic.repair_visual_order(' "قريبا.. إطلاق "مرصد الشغل\n .نص') == ' قريبا.. إطلاق "مرصد الشغل"\n نص.'
    # repair_arabic does it too, before its other rules
    assert repair_arabic(line) == "كشف الوزير عن استفادة أزيد من ثلاثة ملايين و892 ألف\n أجير من الدعم."


def test_real_figures_are_read_in_order(shared_corpus):
    damaged = _arabic_part(shared_corpus)
    assert arabic.visual_order_damaged(damaged)
    assert len(LEADING_STOP.findall(damaged)) >= 20 and len(GLUED.findall(damaged)) >= 40
    assert "ثلاثة ملايين و892 ألف أجير" not in _flat(damaged)
    for repaired in (arabic.repair_visual_order(damaged), repair_arabic(damaged)):
        flat = _flat(repaired)
        # the figure of the headline and of the first sentence of every copy of the story
        assert flat.count("ثلاثة ملايين و892 ألف أجير") >= 5, flat
        assert "بلغ ثلاثة ملايين و892 ألف و668 أجير" in flat
        assert "بمبلغ 6 ملايير درهم و240 مليون و140 ألف و530 درهم إلى غاية نهاية شهر مارس المنصرم." in flat
        assert "تحديد 8 قطاعات على رأسها قطاع السياحة" in flat
        assert not LEADING_STOP.search(repaired)
        assert not GLUED.search(repaired)
    # nothing is lost: the same characters, in another order
    assert sorted("".join(arabic.repair_visual_order(damaged).split())) == sorted("".join(damaged.split()))


def test_real_line_of_the_issue(shared_corpus):
    damaged = _arabic_part(shared_corpus)
    lines = damaged.split("\n")
    # "ألف 892 كشف وزير … أزيد من ثلاثة ملايين و" then ".أجير من الدعم ..."
    pairs = [
        (i, j)
        for i, ln in enumerate(lines)
        if ln.strip().startswith("ألف  892كشف") and ln.rstrip().endswith("و")
        for j in [next(k for k in range(i + 1, len(lines)) if lines[k].strip())]
        if lines[j].strip().startswith(".أجير")
    ]
    assert pairs, "expected the line of the issue in the review"
    i, j = pairs[0]
    fixed = arabic.repair_visual_order("\n".join(lines[i : j + 1]), damaged=True)
    assert _flat(fixed).startswith("كشف وزير")
    assert _flat(fixed).endswith("أزيد من ثلاثة ملايين و892 ألف أجير من الدعم إلى غاية متم مارس المنصرم.")


def test_text_without_the_damage_is_left_alone(shared_corpus):
    clean = "وصل 12 لاعبًا إلى الملعب.\nحضر 300 شخص الاجتماع، وغاب 5 منهم.\nفي سنة 2021 ارتفع العدد."
    assert not arabic.visual_order_damaged(clean) and arabic.repair_visual_order(clean) == clean
    assert repair_arabic(clean) == clean
    # the statutes have numbers glued to words too, but never a line in visual order
    for path in sorted((shared_corpus / "legal").glob("*.json")):
        for provision in json.loads(path.read_text(encoding="utf-8"))["provisions"]:
            assert not arabic.visual_order_damaged(provision.get("content") or ""), path.name
    # the French part of the review is never touched
    [path] = sorted((shared_corpus / "seeds").glob("003_*.txt"))
    review = path.read_text(encoding="utf-8")
    french = review[: review.index(_arabic_part(shared_corpus)[:40])]
    assert arabic.repair_visual_order(french, damaged=True) == french
