from haystack import Document

from knowledge.analysis import QueryExpander, analyze, arabic_gloss, light_stem_arabic
from knowledge.store import LabourDocumentStore


def test_arabic_light_stemming_strips_prefixes_and_suffixes():
    assert light_stem_arabic("والمشغلين") == "مشغل"
    assert light_stem_arabic("بال") == "بال"  # too short to strip
    assert analyze("للأجراء") == analyze("الأجراء") == analyze("والأجراء")


def test_latin_words_are_stemmed_by_their_language_and_accents_folded():
    assert analyze("le congé payé") == analyze("les conges payes")
    assert analyze("the paid holidays")[-1] == analyze("a paid holiday")[-1]


def test_gloss_maps_arabizi_french_and_english_labour_words_to_arabic():
    assert "الحد الأدنى القانوني للأجر" in arabic_gloss("ch7al smig daba")
    assert "عطلة" in arabic_gloss("wach 3andi l7a9 f congé")
    assert "الساعات الإضافية" in arabic_gloss("How are overtime hours paid?")
    assert "حادثة الشغل" in arabic_gloss("accident du travail")  # longest match wins over "accident"
    assert arabic_gloss("bonjour") == ""
    assert "الحد الأدنى القانوني للأجر" in arabic_gloss("شحال فالسميك دابا")  # glued ف ال


def test_query_expander_outputs():
    out = QueryExpander().run(query="smig")
    assert out["query"] == "smig" and "الحد الأدنى" in out["gloss_query"] and out["dense_query"].startswith("smig\n")
    plain = QueryExpander().run(query="ما هو الأجر")
    assert plain["gloss_query"] == plain["dense_query"] == "ما هو الأجر"


def test_a_darija_question_reaches_an_arabic_only_text_through_bm25():
    store = LabourDocumentStore(shared=False)
    store.write_documents(
        [
            Document(content="يحدد مبلغ الحد الأدنى القانوني للأجر في النشاطات غير الفلاحية."),
            Document(content="تستفيد الأجيرة من إجازة الولادة مدتها أربعة عشر أسبوعا."),
        ]
    )
    assert store.bm25_retrieval("ch7al smig", top_k=1) == []
    hits = store.bm25_retrieval(QueryExpander().run(query="ch7al smig")["gloss_query"], top_k=1)
    assert "الحد الأدنى" in hits[0].content
