from haystack import Document

from knowledge.rankers import CurrencyRanker, effective_years, in_force, text_year

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
    assert CurrencyRanker.from_dict(CurrencyRanker(similarity=0.7).to_dict()).similarity == 0.7
