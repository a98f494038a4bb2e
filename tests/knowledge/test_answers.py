import pytest
import numpy as np
from haystack import Document

from knowledge.answers import (
    AnswerExtractor,
    DenseSimilarity,
    Selection,
    confidence_of,
    extract_sentences,
    runner_up,
    sentence_chunks,
)
from knowledge.document_store import LabourDocumentStore, pack_vectors
from knowledge.scoring import LinearModel


def passage(content, score, language, doc_id, ref="", title="T", url="https://example.org"):
    return Document(content=content, score=score, meta={"language": language, "doc_id": doc_id, "ref": ref, "title": title, "url": url})


def test_extracts_at_most_three_sentences_from_the_matching_one():
    content = "Intro one. Intro two. " * 30 + "Paid annual leave is 1.5 days per month. Next. After. Last."
    text = extract_sentences("How many days of paid annual leave?", content).text
    assert text == "Paid annual leave is 1.5 days per month. Next. After."


def test_a_short_article_is_shown_whole_and_pdf_lines_do_not_cut_a_number_from_its_unit():
    article = "Intro.\nLa salariée a droit à un congé de maternité de 14\nsemaines. Autre phrase."
    assert extract_sentences("Combien de semaines ?", article).text == "Intro. La salariée a droit à un congé de maternité de 14 semaines. Autre phrase."
    long_article = "Préambule sans rapport. " * 30 + "Le congé dure 14\nsemaines. Fin."
    assert "14 semaines" in extract_sentences("Combien de semaines de congé ?", long_article).text


def test_a_quantity_question_prefers_the_sentence_with_a_number():
    content = "Filler sentence here. " * 30 + "Overtime is paid more. Overtime is paid 25% more by day. End."
    assert extract_sentences("How much more is overtime paid?", content, max_sentences=1).text == "Overtime is paid 25% more by day."


def test_arabic_sentence_found_for_an_english_question_through_the_gloss():
    content = "تطبق هذه المادة على المقاولات.\n" * 20 + "يحدد مبلغ الحد الأدنى القانوني للأجر في 17,92 درهما.\nمادة أخرى."
    assert extract_sentences("What is the minimum wage?", content, max_sentences=1).text.startswith("يحدد مبلغ الحد الأدنى")


def test_sentence_scores_choose_the_sentence_across_languages():
    content = "تطبق هذه المادة على المقاولات. " * 20 + "يستفيد الأجير من راحة أسبوعية. تحدد مدة الراحة في أربع وعشرين ساعة. مادة أخرى."
    sentences = content.count(". ") + 1
    scores = [0.1] * sentences
    scores[-2] = 0.8  # the embedding says: the sentence on the rest's length
    chosen = extract_sentences("How long is the weekly rest?", content, max_sentences=1, scores=scores)
    assert chosen.text == "تحدد مدة الراحة في أربع وعشرين ساعة." and chosen.similarity == 0.8
    # scores of another version of the text (another sentence count) are not used
    assert extract_sentences("How long is the weekly rest?", content, max_sentences=1, scores=[0.9]).similarity == 0.0


def test_a_quantity_question_prefers_a_sentence_with_a_number_among_close_scores():
    content = "Filler sentence here. " * 30 + "Overtime is paid more. Overtime is paid 25% more by day. End."
    scores = [0.2] * 30 + [0.75, 0.7, 0.1]
    assert extract_sentences("How much more is overtime paid?", content, max_sentences=1, scores=scores).text == "Overtime is paid 25% more by day."
    assert extract_sentences("Is overtime paid more?", content, max_sentences=1, scores=scores).text == "Overtime is paid more."


def test_a_shown_whole_passage_reports_its_best_sentence():
    assert extract_sentences("x", "One. Two.", scores=[0.3, 0.6]) == Selection("One. Two.", 0.6)


def test_answer_cites_and_prefers_a_nearly_as_good_same_language_passage():
    docs = [passage("نص عربي.", 1.0, "ar", "law", "12"), passage("Texte français.", 0.95, "fr", "card"), passage("x", 0.2, "en", "z")]
    out = AnswerExtractor(min_confidence=0.0).run(query="texte", documents=docs, language="fr")
    answer = out["answers"][0]
    assert answer.document.meta["doc_id"] == "card" and answer.meta["same_language"]
    # only the passage the answer quotes is cited
    assert answer.meta["sources"] == [{"doc_id": "card", "title": "T", "ref": "", "url": "https://example.org"}]


def test_other_language_source_when_no_same_language_one_is_as_good():
    docs = [passage("نص عربي.", 1.0, "ar", "law", "12"), passage("Texte.", 0.5, "fr", "card")]
    answer = AnswerExtractor(min_confidence=0.0).run(query="texte", documents=docs, language="fr")["answers"][0]
    assert answer.document.meta["doc_id"] == "law" and not answer.meta["same_language"] and answer.meta["language"] == "ar"


def test_the_answer_names_the_language_of_the_text_it_shows_not_of_the_whole_passage():
    """A web page's French menu before an English article makes the passage French as a whole;
    the sentence quoted from it is English, and the reply must not call it French."""
    menu = " ".join(
        f"L'organisation présente ses priorités transversales et son travail au Maroc, rubrique {n}." for n in range(1, 9)
    )
    content = f"{menu} A guide for labour inspectors on the identification and referral of victims of trafficking was launched in Rabat in 2018."
    docs = [passage(content, 1.0, "fr", "seed")]
    answer = AnswerExtractor(min_confidence=0.0, max_sentences=1).run(query="When was the guide for labour inspectors launched?", documents=docs, language="en")["answers"][0]
    assert answer.data.startswith("A guide for labour inspectors")
    assert answer.meta["language"] == "en" and answer.meta["same_language"]
    # a text too short to read keeps its passage's language
    short = AnswerExtractor(min_confidence=0.0).run(query="x", documents=[passage("OK.", 1.0, "fr", "card")], language="en")["answers"][0]
    assert short.meta["language"] == "fr"


# A model that trusts a probable passage with a clear lead: the fitted one's shape (knowledge/scoring.json).
MODEL = LinearModel({"probability": 6.0, "lead": 4.0, "similarity": 2.0}, bias=-5.0)


def test_below_the_threshold_there_is_no_answer_but_a_confidence():
    docs = [passage("Something.", 0.3, "en", "a")]
    docs[0].meta["dense_score"] = 0.70
    out = AnswerExtractor(min_confidence=0.5, model=MODEL).run(query="weather", documents=docs)
    assert out["answers"] == [] and out["confidence"] == confidence_of(docs, docs[0], MODEL)[0] < 0.5
    assert AnswerExtractor().run(query="x", documents=[]) == {"answers": [], "confidence": 0.0}


def test_confidence_is_the_answer_models_probability_over_the_passage_signals():
    sure = passage("A.", 0.95, "en", "a")
    sure.meta["signals"] = {"probability": 0.95, "card": 1.0, "same_language": 1.0}
    sure.meta["dense_score"] = 0.9
    sure.meta["sentence_scores"] = (0.5, 0.8)
    confidence, features = confidence_of([sure], sure, MODEL, "How many weeks of maternity leave?", "A.", shown_similarity=0.5)
    assert features == {
        "probability": 0.95, "lead": 0.95, "similarity": 0.9, "question": 0.0, "gloss": 0.0, "card": 1.0,
        "same_language": 1.0, "sentence": 0.8, "shown": 0.5, "overlap": 0.0, "quantity": -1.0, "citizen_en": 0.0,
        "citizen_fr": 0.0,
    }
    assert confidence == round(MODEL.predict(features), 4) > 0.9
    answer = AnswerExtractor(min_confidence=0.0, model=MODEL).run(query="x", documents=[sure])["answers"][0]
    assert answer.meta["features"]["probability"] == 0.95 and answer.meta["features"]["quantity"] == 0.0


def test_the_answer_signals_say_whether_the_text_fits_the_question():
    doc = passage("Maternity leave lasts 14 weeks.", 0.9, "en", "a")
    _, fits = confidence_of([doc], doc, MODEL, "How many weeks is maternity leave?", "The maternity leave lasts 14 weeks.")
    _, misses = confidence_of([doc], doc, MODEL, "How many weeks is maternity leave?", "Leave is granted by the employer.")
    assert fits["quantity"] == 1.0 and misses["quantity"] == -1.0
    assert fits["overlap"] > misses["overlap"]


def test_confidence_drops_when_another_text_scores_alike():
    docs = [passage("A.", 0.9, "en", "a"), passage("B.", 0.89, "en", "b")]
    close = AnswerExtractor(min_confidence=0.0, model=MODEL).run(query="x", documents=docs)["confidence"]
    alone = AnswerExtractor(min_confidence=0.0, model=MODEL).run(query="x", documents=docs[:1])["confidence"]
    assert close == confidence_of(docs, docs[0], MODEL)[0] < alone


def test_runner_up_skips_older_versions_of_the_best_passage():
    decree = passage("Art. 1.", 0.9, "ar", "decree-2026", "1")
    old_version = passage("Art. 1.", 0.89, "ar", "decree-2025", "1")
    decree.meta["version_group"] = old_version.meta["version_group"] = "smig"
    other = passage("Art. 356.", 0.5, "ar", "labour-code", "356")
    assert runner_up([decree, old_version, other]) is other
    assert runner_up([other, decree]) is decree
    assert runner_up([decree, old_version]) is None and runner_up([]) is None
    assert runner_up([decree, other, old_version], chosen=other) is decree


def test_the_same_card_in_another_language_agrees_rather_than_competes():
    """"How many weeks of maternity leave?": the Arabic card ranks first, the English one is
    quoted; the Arabic card is not a rival, and its probability counts for the answer."""
    arabic = passage("إجازة ولادة مدتها أربعة عشر أسبوعا.", 0.96, "ar", "cards/ar/rukhsat-al-wilada", "152")
    english = passage("Maternity leave lasts 14 weeks.", 0.49, "en", "cards/en/maternity-leave", "152")
    other = passage("Paternity leave lasts 3 days.", 0.34, "en", "cards/en/paternity-leave", "269")
    arabic.meta["topic"] = english.meta["topic"] = "maternity-leave"
    other.meta["topic"] = "paternity-leave"
    for doc in (arabic, english, other):
        doc.meta["signals"] = {"probability": doc.score}
    assert runner_up([arabic, english, other], chosen=english) is other
    _, features = confidence_of([arabic, english, other], english, MODEL)
    assert features["probability"] == 0.96 and features["lead"] == pytest.approx(0.96 - 0.34)
    # a statute article is not a card: the card on it stays a rival
    article = passage("تتمتع الأجيرة بإجازة ولادة.", 0.9, "ar", "labour-code", "152")
    article.meta["topic"] = "maternity-leave"
    assert runner_up([article, english], chosen=english) is article


def test_dense_similarity_scores_every_passage_the_store_embedded():
    store = LabourDocumentStore(shared=False)
    store.write_documents(
        [
            Document(
                id="near", content="a. b.", embedding=[0.6, 0.8],
                meta={"sentence_vectors": pack_vectors(np.array([[0.0, 1.0], [1.0, 0.0]]))},
            ),
            Document(id="far", content="b", embedding=[0.0, 1.0]),
            Document(id="bare", content="c"),
        ]
    )
    # passages as BM25 returns them: without their embedding
    found = [Document(id=i, content="x", meta={"doc_id": i}) for i in ("far", "near", "bare")]
    out = DenseSimilarity(store).run(query_vector=np.array([1.0, 0.0], dtype=np.float32), documents=found)["documents"]
    assert [d.id for d in out] == ["far", "near", "bare"]
    assert [round(d.meta.get("dense_score", -1), 4) for d in out] == [0.0, 0.6, -1]
    # each sentence of a passage whose sentences the store embedded
    assert out[1].meta["sentence_scores"] == (0.0, 1.0) and "sentence_scores" not in out[0].meta
    assert out[1].meta["doc_id"] == "near" and "dense_score" not in found[1].meta  # inputs untouched
    restored = DenseSimilarity.from_dict(DenseSimilarity(store).to_dict())
    assert isinstance(restored.document_store, LabourDocumentStore)


def test_long_texts_are_cut_between_sentences_with_the_last_ones_repeated():
    text = " ".join(f"Sentence {i} has five words." for i in range(1, 13))  # 12 sentences, 60 words
    chunks = sentence_chunks(text, length=20, overlap=5)
    assert chunks[0] == "Sentence 1 has five words. Sentence 2 has five words. Sentence 3 has five words. Sentence 4 has five words."
    assert all(c.startswith("Sentence ") and c.endswith("words.") for c in chunks)
    assert all(len(c.split()) <= 20 for c in chunks)
    # each chunk repeats the previous one's last sentence (5 words fit the overlap)
    assert all(a.split(". ")[-1] in b.split(". ")[0] + "." for a, b in zip(chunks, chunks[1:]))
    assert chunks[-1].endswith("Sentence 12 has five words.")
    # a short text is one passage, and a tail of fewer than `threshold` own words joins the one before
    assert sentence_chunks("Short. Text.", length=20) == ["Short. Text."]
    assert len(sentence_chunks(text, length=55, threshold=10)) == 1


def test_a_pdf_line_break_inside_a_sentence_is_no_place_to_cut_and_a_long_sentence_is_cut_by_words():
    text = "Le salaire est de 14\nsemaines. " + "mot " * 30 + "fin."
    chunks = sentence_chunks(text, length=10)
    assert chunks[0] == "Le salaire est de 14\nsemaines."
    assert all(len(c.split()) <= 10 for c in chunks) and chunks[-1].endswith("fin.")
