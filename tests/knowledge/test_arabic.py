import json
import re

import pytest

from knowledge.arabic import ArabicNormalizer, ArabicRepairer, normalize_arabic, repair_arabic

DAMAGE = re.compile("األ|اإل|اآل|اال")
PAGE_LINE = re.compile(r"^\s*-\s*\d+\s*-\s*$", re.MULTILINE)


def _provisions(shared_corpus):
    for path in sorted((shared_corpus / "legal").glob("*.json")):
        for provision in json.loads(path.read_text(encoding="utf-8"))["provisions"]:
            yield path.name, provision


def test_real_broken_lam_alef_is_repaired(shared_corpus):
    lines = [
        line
        for _, p in _provisions(shared_corpus)
        for line in p["content"].splitlines()
        if DAMAGE.search(line)
    ]
    assert len(lines) > 100, "expected the real corpus to show broken lam-alef ligatures"
    for line in lines[:500]:
        fixed = repair_arabic(line)
        assert not DAMAGE.search(fixed), (line, fixed)
    joined = "\n".join(repair_arabic(line) for line in lines[:500])
    assert "الأ" in joined and "الإ" in joined


def test_real_page_numbers_are_removed(shared_corpus):
    contents = [p["content"] for _, p in _provisions(shared_corpus) if PAGE_LINE.search(p["content"])]
    assert contents, "expected page-number lines inside real articles"
    for content in contents[:200]:
        fixed = repair_arabic(content)
        assert not PAGE_LINE.search(fixed)
        # the article text itself is kept
        assert len(fixed) > 0.5 * len(PAGE_LINE.sub("", content).strip())


def test_real_smig_decree_reads_correctly(shared_corpus):
    decree = json.loads((shared_corpus / "legal" / "labor-9284.json").read_text(encoding="utf-8"))
    text = repair_arabic(" ".join(p["content"] for p in decree["provisions"]))
    assert "الحد الأدنى القانوني للأجر" in text
    assert "17,92 درهما" in text  # the number no longer sticks to the word after it


def test_real_stretched_heading_words_keep_their_article(shared_corpus):
    # the public-holidays decree stretches the holidays' names with tatweel: "عـيـد الـشـغـل"
    decree = json.loads((shared_corpus / "legal" / "labor-3279.json").read_text(encoding="utf-8"))
    stretched = [p["content"] for p in decree["provisions"] if "\u0640" in p["content"]]
    assert stretched, "expected the decree to hold stretched words"
    for content in stretched:
        for use_lexicon in (False, True):
            fixed = repair_arabic(content, use_lexicon=use_lexicon)
            assert "\u0627\u0640" not in fixed, fixed  # never an alef before a tatweel
    holidays = repair_arabic(next(c for c in stretched if "عـيـد" in c))
    assert "عيد الشغل" in normalize_arabic(holidays) and "والشعب" in normalize_arabic(holidays)


def test_real_article_cut_from_its_word_is_joined(shared_corpus):
    # "األ جيرة": the PDF put a space after the broken article (maternity leave, art. 152 of the Labour Code)
    detached = re.compile(r"(?<![\u0621-\u064a])[وفبكل]?(?:األ|اإل|اآل)\s")
    contents = [p["content"] for _, p in _provisions(shared_corpus) if detached.search(p["content"])]
    assert len(contents) >= 5, "expected real articles with an article cut from its word"
    for content in contents:
        for use_lexicon in (False, True):
            fixed = repair_arabic(content, use_lexicon=use_lexicon)
            assert not re.search(r"(?<!\S)[وفبكل]?ال[أإآ](?!\S)", fixed), fixed
    maternity = next(
        p["content"] for name, p in _provisions(shared_corpus) if name == "labor-428.json" and p["provision_ref"] == "art152"
    )
    assert "الأجيرة" in repair_arabic(maternity)


def test_real_stray_letters_are_joined_to_their_word(shared_corpus):
    # "ي جب", "عل ى", "ا لمشغل": the PDF cut a letter from its word
    stray = re.compile(r"(?<![\u0621-\u064a\u0640])(?!و)[\u0621-\u064a](?![\u0621-\u064a\u0640])")
    contents = [p["content"] for _, p in _provisions(shared_corpus)]
    damaged = [c for c in contents if re.search(r"(?<!\S)ي جب|عل ى(?!\S)|(?<!\S)ا لمشغل", c)]
    assert len(damaged) >= 5, "expected real articles with a letter cut from its word"
    for content in damaged:
        fixed = repair_arabic(content)
        assert not re.search(r"(?<!\S)ي جب|عل ى(?!\S)|(?<!\S)ا لمشغل", fixed), fixed
    before = sum(len(stray.findall(repair_arabic(c, use_lexicon=False))) for c in contents)
    after = sum(len(stray.findall(repair_arabic(c))) for c in contents)
    # many stand-alone letters are list labels (أ) ب)) or abbreviations: most of the cut ones are joined
    assert before - after >= 60, (before, after)
    # a letter that labels an item stays on its own
    assert repair_arabic("المشار إليه في البند ب أعلاه") == "المشار إليه في البند ب أعلاه"


def test_repair_rules_on_own_examples():
    assert repair_arabic("الحد األدنى لألجر") == "الحد الأدنى للأجر"
    assert repair_arabic("فترة االختبار") == "فترة الاختبار"
    assert repair_arabic("بعد اإلخطار") == "بعد الإخطار"
    assert repair_arabic("ال يجوز إال بإذن") == "لا يجوز إلا بإذن"
    assert repair_arabic("السطر األول\n- 24 -\nالسطر الثاني\n-9-\n") == "السطر الأول\nالسطر الثاني"
    assert repair_arabic("المادة 9أعاله") == "المادة 9 أعلاه"
    assert repair_arabic("حقوق األ جيرة واإل يرادات") == "حقوق الأجيرة والإيرادات"
    assert repair_arabic("ثـورة الـمـلـك والـشـعـب") == "ثـورة الـمـلـك والـشـعـب"


def test_repair_keeps_correct_text():
    text = "يستحق الأجير عطلة سنوية مؤدى عنها، ولا يجوز تعويضها إلا عند انتهاء العقد. العمال والأعمال."
    assert repair_arabic(text) == text


def test_normalizer():
    assert normalize_arabic("الأُجْرَة") == "الاجره"
    assert normalize_arabic("إجازة آخر أجر") == "اجازه اخر اجر"
    assert normalize_arabic("مستشفى") == "مستشفي"
    assert normalize_arabic("الـــشغل") == "الشغل"
    assert normalize_arabic("٤٤ ساعة و۱۵ يوما") == "44 ساعه و15 يوما"
    assert normalize_arabic("SMIG") == "smig"
    assert ArabicNormalizer().run(text="الأَجْر")["text"] == "الاجر"


def test_repairer_component_only_touches_arabic():
    from haystack import Document

    docs = [
        Document(content="الحد األدنى", meta={"language": "ar", "chapter": "الباب األول"}),
        Document(content="Le salaire minimum", meta={"language": "fr"}),
    ]
    out = ArabicRepairer().run(documents=docs)["documents"]
    assert out[0].content == "الحد الأدنى"
    assert out[0].meta["chapter"] == "الباب الأول"
    assert out[1].content == "Le salaire minimum"
    comp = ArabicRepairer.from_dict(ArabicRepairer(use_lexicon=False).to_dict())
    assert comp.use_lexicon is False


def test_real_displaced_numbers_are_put_back(shared_corpus):
    from knowledge.arabic import DAMAGE_PATTERNS

    for kind in ("displaced_date", "number_outside_parens", "reversed_list_marker", "digit_glued_to_word"):
        # whole articles: a displaced date is often wrapped over two lines
        damaged = [p["content"] for _, p in _provisions(shared_corpus) if DAMAGE_PATTERNS[kind].search(p["content"])]
        assert len(damaged) > 20, kind
        before = sum(len(DAMAGE_PATTERNS[kind].findall(text)) for text in damaged)
        after = sum(len(DAMAGE_PATTERNS[kind].findall(repair_arabic(text, use_lexicon=False))) for text in damaged)
        assert after <= 0.02 * before, (kind, before, after)


def test_real_dates_read_in_order(shared_corpus):
    decree = json.loads((shared_corpus / "legal" / "labor-9284.json").read_text(encoding="utf-8"))
    text = repair_arabic("\n".join(p["content"] for p in decree["provisions"]))
    assert "(18 ديسمبر 2025)" in text and "في 2 رجب 1446 (3 يناير 2025)" in text
    assert "1 - الجريدة الرسمية" in text
    assert not re.search(r"^\s*-?\d+-?\s*$", text, re.MULTILINE)  # no page number left


def test_damage_counts_drop_over_whole_legal_corpus(shared_corpus):
    from collections import Counter

    from knowledge.arabic import damage_counts

    before, after = Counter(), Counter()
    for _, p in _provisions(shared_corpus):
        before.update(damage_counts(p["content"]))
        after.update(damage_counts(repair_arabic(p["content"], use_lexicon=False)))
    assert sum(before.values()) > 10_000
    assert sum(after.values()) <= 0.01 * sum(before.values()), after


def test_repair_displaced_numbers_own_examples():
    assert repair_arabic("في 2رجب 3( 1446يناير )2025") == "في 2 رجب 1446 (3 يناير 2025)"
    assert repair_arabic("المنعقد بتاريخ 27من جمادى اآلخرة 1447\n( 18ديسمبر ،)2025") == (
        "المنعقد بتاريخ 27 من جمادى الآخرة 1447\n(18 ديسمبر 2025)،"
    )
    assert repair_arabic("قبل 2رمضان ( 1417فاتح يناير )1998") == "قبل 2 رمضان 1417 (فاتح يناير 1998)"
    assert repair_arabic("يحدد في ( 17,92درهما) ،مبلغ") == "يحدد في (17,92 درهما)، مبلغ"
    assert repair_arabic("ثمانية آالف ( )8.000درهم") == "ثمانية آلاف (8.000) درهم"
    assert repair_arabic("الفئات:\n – 1األشخاص") == "الفئات:\n 1 – الأشخاص"
    assert repair_arabic("عن %10أو سنة .1970") == "عن 10% أو سنة 1970."
    assert repair_arabic("نص المادة\n2") == "نص المادة"  # a bare page number ending the article
    assert repair_arabic("ظهیر شریف") == "ظهير شريف"  # Persian letters


def test_normalizer_folds_persian_letters():
    assert normalize_arabic("ظهیر أکتوبر") == normalize_arabic("ظهير أكتوبر") == "ظهير اكتوبر"
