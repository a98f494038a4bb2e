from haystack import Document

from knowledge.rankers import CurrencyRanker, effective_years, in_force, same_subject, text_year

OLD = "ابتداء من فاتح سبتمبر 2023، يحدد في 16,29 درهما مبلغ الحد الأدنى القانوني للأجر عن ساعة الشغل في النشاطات غير الفلاحية."
MID = "ابتداء من فاتح يناير 2025، يحدد في 17,10 درهما مبلغ الحد الأدنى القانوني للأجر عن ساعة الشغل في النشاطات غير الفلاحية."
NEW = "ابتداء من فاتح يناير 2026، يحدد في 17,92 درهما مبلغ الحد الأدنى القانوني للأجر عن ساعة الشغل في النشاطات غير الفلاحية."
OTHER = "يستفيد الأجير من راحة أسبوعية لا تقل عن أربع وعشرين ساعة."


def doc(content, doc_id, **meta):
    return Document(content=content, meta={"doc_id": doc_id, "status": "in_force", **meta})


def test_the_latest_version_takes_the_best_position_of_its_group():
    docs = [doc(OLD, "d2023"), doc(OTHER, "rest"), doc(MID, "d2025a"), doc(NEW, "d2026")]
    ranked = CurrencyRanker().run(query="minimum wage", documents=docs)["documents"]
    assert [d.meta["doc_id"] for d in ranked] == ["d2026", "rest", "d2025a", "d2023"]
    # the versions share a mark (the answer's confidence does not count one as a rival of another)
    groups = {d.meta["doc_id"]: d.meta.get("version_group") for d in ranked}
    assert groups["d2026"] == groups["d2025a"] == groups["d2023"] is not None and groups["rest"] is None


def test_a_year_in_the_question_selects_that_version():
    docs = [doc(NEW, "d2026"), doc(MID, "d2025a"), doc(OLD, "d2023")]
    ranked = CurrencyRanker().run(query="SMIG horaire en 2025 ?", documents=docs)["documents"]
    assert ranked[0].meta["doc_id"] == "d2025a"


def test_repealed_texts_go_after_in_force_ones():
    docs = [doc(NEW, "repealed", status="repealed"), doc(OLD, "current")]
    ranked = CurrencyRanker().run(query="smig", documents=docs)["documents"]
    assert [d.meta["doc_id"] for d in ranked] == ["current", "repealed"]
    assert not in_force(Document(content="x", meta={"title": "مرسوم (نسخ)"}))


def test_year_comes_from_meta_then_title_and_content():
    assert text_year(Document(content="", meta={"year": 2019, "title": "2025"})) == 2019
    assert text_year(Document(content="", meta={"date": "2021-03-01"})) == 2021
    assert text_year(Document(content="", meta={"title": "مرسوم (29 ديسمبر 2025)"})) == 2025
    assert effective_years(Document(content=NEW, meta={"title": "2025"})) == {2026}
    assert effective_years(Document(content="ابتداء من 2122", meta={})) == set()  # damaged digits


def test_round_trip():
    ranker = CurrencyRanker.from_dict(CurrencyRanker(similarity=0.7, related_similarity=0.4).to_dict())
    assert (ranker.similarity, ranker.related_similarity) == (0.7, 0.4)


# Two SMIG decrees seven years apart: renamed sectors and amounts in words leave their articles
# sharing about a third of their words, under the 0.6 that makes versions of any two passages.
DECREE_2019 = "ابتداء من فاتح يوليو 2020 يحدد في أربعة عشر درهما وإحدى وثمانين سنتيما مبلغ الحد الأدنى القانوني للأجر الممنوح عن ساعة الشغل للأجراء في قطاعات الصناعة والتجارة والمهن الحرة."
DECREE_2025 = "ابتداء من فاتح يناير 2026 يحدد في سبعة عشر درهما واثنين وتسعين سنتيما مبلغ الحد الأدنى القانوني للأجر المؤدى للأجراء عن ساعة الشغل في النشاطات غير الفلاحية."
TITLE_2019 = "مرسوم رقم 2.19.424 صادر في 22 من شوال 1440 (26 يونيو 2019) بتحديد مبالغ الحد الأدنى القانوني للأجر في الصناعة والتجارة والمهن الحرة والفلاحة"
TITLE_2025 = "مرسوم رقم 2.25.983 صادر في 8 رجب 1447 (29 ديسمبر 2025) بتحديد مبلغ الحد الأدنى القانوني للأجر في النشاطات الفلاحية وغير الفلاحية"


def decree(content, doc_id, title, year, kind="مرسوم"):
    return doc(content, doc_id, title=title, year=year, statute_kind=kind)


def test_texts_on_one_subject_are_versions_at_a_lower_overlap():
    old, new = decree(DECREE_2019, "d2019", TITLE_2019, 2019), decree(DECREE_2025, "d2025", TITLE_2025, 2025)
    assert same_subject(old, new)
    ranked = CurrencyRanker().run(query="What is the minimum wage?", documents=[old, doc(OTHER, "rest"), new])["documents"]
    assert [d.meta["doc_id"] for d in ranked] == ["d2025", "rest", "d2019"]
    # the same articles under titles of two subjects, or of two kinds of text, stay apart
    unrelated = decree(DECREE_2025, "d2025", "مرسوم بتحديد أعضاء مجلس المفاوضة الجماعية وكيفية تعيينهم", 2025)
    order = CurrencyRanker().run(query="smig", documents=[old, unrelated])["documents"]
    assert [d.meta["doc_id"] for d in order] == ["d2019", "d2025"] and "version_group" not in order[0].meta
    assert not same_subject(old, decree(DECREE_2025, "d2025", TITLE_2025, 2025, kind="قرار"))


def test_a_card_is_never_a_version_of_the_article_it_restates():
    card = Document(content=NEW, meta={"doc_id": "cards/ar/smig", "ref": "1"})
    ranked = CurrencyRanker().run(query="smig", documents=[card, doc(NEW, "d2026", year=2026)])["documents"]
    assert ranked[0].meta["doc_id"] == "cards/ar/smig" and "version_group" not in ranked[0].meta


def test_a_version_below_top_k_still_takes_its_group_s_place():
    docs = [doc(OLD, "d2023"), doc(OTHER, "rest"), doc(MID, "d2025a"), doc(NEW, "d2026")]
    ranked = CurrencyRanker().run(query="minimum wage", documents=docs, top_k=2)["documents"]
    assert [d.meta["doc_id"] for d in ranked] == ["d2026", "rest"]


def test_the_version_that_takes_a_place_answers_with_that_place_s_probability():
    from knowledge.scoring import Signals

    old = Document(content=OLD, score=0.9, meta={"doc_id": "d2023", "status": "in_force", "signals": Signals(probability=0.9)})
    new = Document(content=NEW, score=0.2, meta={"doc_id": "d2026", "status": "in_force", "signals": Signals(probability=0.2)})
    first, second = CurrencyRanker().run(query="smig", documents=[old, new])["documents"]
    assert (first.meta["doc_id"], first.score, first.meta["signals"]["probability"]) == ("d2026", 0.9, 0.9)
    # the older version keeps its own evidence, and the original candidate is untouched
    assert (second.meta["doc_id"], second.meta["signals"]["probability"]) == ("d2023", 0.9)
    assert new.meta["signals"]["probability"] == 0.2
