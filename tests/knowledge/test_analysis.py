import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from haystack import Document

from knowledge import analysis
from knowledge.analysis import (
    GLOSSARY_FILE,
    QueryExpander,
    analyze,
    analyze_passage,
    arabic_gloss,
    arabizi_skeleton,
    darija_bare_forms,
    fold_accents,
    light_stem_arabic,
    query_language,
    query_script,
)
from knowledge.document_store import LabourDocumentStore


def test_arabic_light_stemming_strips_prefixes_and_suffixes():
    assert light_stem_arabic("والمشغلين") == "مشغل"
    assert light_stem_arabic("بال") == "بال"  # too short to strip
    assert analyze("للأجراء") == analyze("الأجراء") == analyze("والأجراء")


def test_latin_words_are_stemmed_by_their_language_and_accents_folded():
    assert analyze("le congé payé") == analyze("les conges payes")
    assert analyze("the paid holidays")[-1] == analyze("a paid holiday")[-1]


def _corpus_words() -> list[str]:
    from knowledge.arabic import normalize_arabic
    from knowledge.settings import AUTHORED_CORPUS

    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(AUTHORED_CORPUS.rglob("*.md")))
    return sorted(set(re.findall(r"\w+", normalize_arabic(text.lower()))))


@pytest.mark.parametrize("language", ["arabic", "french", "english"])
def test_pystemmer_stems_the_corpus_as_the_pure_python_snowball_did(language):
    # analysis.py moved from snowballstemmer to PyStemmer (the same Snowball stemmers, in C):
    # every word of the authored cards, as analysis gives it to the stemmer, stems the same
    import snowballstemmer
    import Stemmer

    words = [light_stem_arabic(w) if language == "arabic" else fold_accents(w) for w in _corpus_words()]
    reference = snowballstemmer.stemmer(language)
    assert len(words) > 3000
    assert Stemmer.Stemmer(language).stemWords(words) == [reference.stemWord(w) for w in words]


def test_analysis_gives_the_same_tokens_from_several_threads():
    texts = [" ".join(_corpus_words()[i::8]) for i in range(8)]
    want = [analyze_passage(t) for t in texts]
    # the stemmers run again rather than the token caches answering
    analysis._arabic_token.cache_clear()
    analysis._latin_token.cache_clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(analyze_passage, texts * 4)) == want * 4


def test_gloss_maps_arabizi_french_and_english_labour_words_to_arabic():
    assert "الحد الأدنى القانوني للأجر" in arabic_gloss("ch7al smig daba")
    assert "عطلة" in arabic_gloss("wach 3andi l7a9 f congé")
    assert "الساعات الإضافية" in arabic_gloss("How are overtime hours paid?")
    assert "حادثة الشغل" in arabic_gloss("accident du travail")  # longest match wins over "accident"
    assert arabic_gloss("bonjour") == ""
    assert "الحد الأدنى القانوني للأجر" in arabic_gloss("شحال فالسميك دابا")  # glued ف ال
    assert "المرأة الأجيرة" in arabic_gloss("كيعطيو للمرا")  # glued ل before ال, which loses its alef


def test_broken_plurals_index_with_their_singular():
    assert analyze("الأجراء") == analyze("أجير") == analyze("للأجراء")
    assert analyze("الأحداث") == analyze("الحدث")
    assert analyze("بالأعياد") == analyze("العيد")
    assert analyze("أشهر") == analyze("الشهر")
    assert analyze("ليلا") == analyze("الليل")  # the ل of ليلا is not a clitic


def test_gloss_translates_general_words_but_not_question_words():
    assert "كل شهر" in arabic_gloss("for each month I work")
    assert "الأدنى سن" in arabic_gloss("the minimum age")
    assert arabic_gloss("what how which chno") == ""
    assert "مدة" in arabic_gloss("ch7al")  # how much / how long in Darija


def test_glossary_terms_are_unique():
    terms = [
        line.split("\t")[0].strip().lower()
        for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(terms) == len(set(terms)), sorted({t for t in terms if terms.count(t) > 1})


@pytest.mark.parametrize(
    "query,script,language",
    [
        ("شحال السميك دابا؟", "arabic", "ar"),
        ("ما هو الحد الأدنى للأجر", "arabic", "ar"),
        ("ch7al smig daba?", "arabizi", "ar"),
        ("wach 3andi l7a9 f congé?", "arabizi", "ar"),
        ("Quelle est la durée du congé ?", "latin", "fr"),
        ("congé maternité", "latin", "fr"),
        ("What is the minimum wage?", "latin", "en"),
        ("maternity leave weeks", "latin", "en"),
        ("SMIG 2025", "latin", "en"),
    ],
)
def test_query_script_and_language(query, script, language):
    assert query_script(query) == script
    assert query_language(query) == language


def test_query_expander_outputs_by_script():
    latin = QueryExpander().run(query="smig")
    assert latin["query"] == "smig" and "الحد الأدنى" in latin["gloss_query"] and latin["dense_query"].startswith("smig\n")
    plain = QueryExpander().run(query="ما هو")
    assert plain["gloss_query"] == plain["dense_query"] == "ما هو"  # nothing glossed
    darija = QueryExpander().run(query="شحال السميك دابا؟")
    # Arabic letters: the question stays, the gloss adds the statutes' wording
    assert darija["gloss_query"].startswith("شحال السميك دابا؟\n") and "الحد الأدنى" in darija["gloss_query"]
    arabizi = QueryExpander().run(query="ch7al smig daba?")
    # the embedder reads no Arabizi: both queries are the gloss
    assert arabizi["gloss_query"] == arabizi["dense_query"] == arabic_gloss("ch7al smig daba?")


def test_a_darija_question_reaches_an_arabic_only_text_through_bm25():
    store = LabourDocumentStore(shared=False)
    store.write_documents(
        [
            Document(content="يحدد مبلغ الحد الأدنى القانوني للأجر في النشاطات غير الفلاحية."),
            Document(content="تستفيد الأجيرة من إجازة الولادة مدتها أربعة عشر أسبوعا."),
        ]
    )
    assert store.bm25_search("ch7al smig", top_k=1) == []
    hits = store.bm25_search(QueryExpander().run(query="ch7al smig")["gloss_query"], top_k=1)
    assert "الحد الأدنى" in hits[0].content


def test_a_passage_indexes_the_lam_alef_reading_of_an_inner_alef_lam():
    # Labour Code art. 152 as extracted: "ولادة" came out as "والدة"
    damaged = "تتمتع الأجيرة، التي ثبت حملها بشهادة طبية، بإجازة والدة مدتها أربعة عشر أسبوعا"
    assert set(analyze("إجازة الولادة")) <= set(analyze_passage(damaged))
    assert not set(analyze("إجازة الولادة")) <= set(analyze(damaged))
    assert analyze_passage("الأجير") == analyze("الأجير")  # the article itself is not a candidate


def test_arabizi_words_are_also_found_by_their_skeleton():
    assert arabizi_skeleton("khddamin") == arabizi_skeleton("khdamin") == arabizi_skeleton("5damin")
    assert "عقد الشغل" in arabic_gloss("3tawni kuntra")  # the glossary spells it kontra
    assert "الأجراء" in arabic_gloss("ch7al mn 5damin f charika?")  # and khddamin
    assert "الحد الأدنى القانوني للأجر" in arabic_gloss("ch7al ssmig daba?")  # doubled letter
    # spellings that differ by vowels only give both senses (months, month)
    assert {"أشهر", "شهر"} <= set(arabic_gloss("khdmt 3 chhour bla 5lass").split())
    # English and French questions are never matched loosely (smug has smig's skeleton)
    assert arabizi_skeleton("smug") == arabizi_skeleton("smig") and arabic_gloss("What is the smug policy?") == ""


def test_darija_verbs_and_glued_articles_are_looked_up_by_their_bare_form():
    # person, tense and negation affixes around the glossary's bare verb (خلص)
    for word in ("كنخلص", "كيخلصو", "ماخلصنيش", "خلصني"):
        assert "خلص" in darija_bare_forms(word), word
    assert darija_bare_forms("فالعام")[:2] == ["العام", "عام"]  # ف, then the article
    assert "أداء الأجر" in arabic_gloss("الباطرون ماخلصنيش هاد الشهر")
    assert {"زواج", "وفاة", "التغيب"} <= set(arabic_gloss("نتزوج ولا توفى ليا شي حد، شحال نغيب؟").split())
    # a stem shorter than three letters is never looked up (يوم is not ي + وم)
    assert all(len(form) >= 3 for form in darija_bare_forms("يوم"))
    # Darija writes g as گ or ڭ: السماگ is the SMAG
    assert "الحد الأدنى القانوني للأجر في النشاطات الفلاحية" in arabic_gloss("شحال السماگ دابا؟")
    assert analyze("السماڭ") == analyze("السماك")


def test_arabizi_verbs_lose_their_affixes_and_an_exact_entry_beats_a_skeleton():
    assert "أداء الأجر" in arabic_gloss("ch7al mn mra kantkhlas f chhar?")  # kan-t-khlas
    assert "وفاة" in arabic_gloss("khouya twffa, ch7al mn nhar?")
    # l + wilada is the glossary's wilada, although wlad (minors) shares its skeleton
    assert "الولادة" in arabic_gloss("ch7al d l'ijaza dyal lwilada?")
    assert "الأحداث" not in arabic_gloss("ch7al d l'ijaza dyal lwilada?")
    # no reading by affixes or skeleton where no digit letter makes the question Arabizi
    assert arabic_gloss("kantkhlas") == ""
