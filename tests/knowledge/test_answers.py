import numpy as np
from haystack import Document

from knowledge.answers import AnswerExtractor, DenseSimilarity, confidence_of, extract_sentences, runner_up
from knowledge.store import LabourDocumentStore


def passage(content, score, language, doc_id, ref="", title="T", url="https://example.org"):
    return Document(content=content, score=score, meta={"language": language, "doc_id": doc_id, "ref": ref, "title": title, "url": url})


def test_extracts_at_most_three_sentences_from_the_matching_one():
    content = "Intro one. Intro two. Paid annual leave is 1.5 days per month. Next. After. Last."
    text = extract_sentences("How many days of paid annual leave?", content)
    assert text == "Paid annual leave is 1.5 days per month. Next. After."


def test_arabic_sentence_found_for_an_english_question_through_the_gloss():
    content = "تطبق هذه المادة على المقاولات.\nيحدد مبلغ الحد الأدنى القانوني للأجر في 17,92 درهما.\nمادة أخرى."
    assert extract_sentences("What is the minimum wage?", content, max_sentences=1).startswith("يحدد مبلغ الحد الأدنى")


def test_answer_cites_and_prefers_a_nearly_as_good_same_language_passage():
    docs = [passage("نص عربي.", 1.0, "ar", "law", "12"), passage("Texte français.", 0.95, "fr", "card"), passage("x", 0.2, "en", "z")]
    out = AnswerExtractor(min_confidence=0.0).run(query="texte", documents=docs, language="fr")
    answer = out["answers"][0]
    assert answer.document.meta["doc_id"] == "card" and answer.meta["same_language"]
    assert [s["doc_id"] for s in answer.meta["sources"]] == ["card", "law", "z"]
    assert answer.meta["sources"][1] == {"doc_id": "law", "title": "T", "ref": "12", "url": "https://example.org"}


def test_other_language_source_when_no_same_language_one_is_as_good():
    docs = [passage("نص عربي.", 1.0, "ar", "law", "12"), passage("Texte.", 0.5, "fr", "card")]
    answer = AnswerExtractor(min_confidence=0.0).run(query="texte", documents=docs, language="fr")["answers"][0]
    assert answer.document.meta["doc_id"] == "law" and not answer.meta["same_language"] and answer.meta["language"] == "ar"


def test_below_the_threshold_there_is_no_answer_but_a_confidence():
    docs = [passage("Something.", 0.3, "en", "a")]
    docs[0].meta["dense_score"] = 0.70
    out = AnswerExtractor(min_confidence=0.5).run(query="weather", documents=docs)
    assert out["answers"] == [] and out["confidence"] == confidence_of(0.3, 0.70) < 0.5
    assert AnswerExtractor().run(query="x", documents=[]) == {"answers": [], "confidence": 0.0}


def test_confidence_grows_with_agreement_and_similarity():
    assert confidence_of(1.0, 0.95) == 1.0
    assert confidence_of(0.3, None) < confidence_of(0.3, 0.85) < confidence_of(0.9, 0.85)


def test_confidence_drops_when_another_text_scores_alike():
    assert confidence_of(0.9, 0.85, runner_up_score=0.88) < confidence_of(0.9, 0.85, runner_up_score=0.5)
    docs = [passage("A.", 0.9, "en", "a"), passage("B.", 0.89, "en", "b")]
    close = AnswerExtractor(min_confidence=0.0).run(query="x", documents=docs)["confidence"]
    alone = AnswerExtractor(min_confidence=0.0).run(query="x", documents=docs[:1])["confidence"]
    assert close == confidence_of(0.9, None, 0.89) < alone


def test_runner_up_skips_older_versions_of_the_best_passage():
    decree = passage("Art. 1.", 0.9, "ar", "decree-2026", "1")
    old_version = passage("Art. 1.", 0.89, "ar", "decree-2025", "1")
    decree.meta["version_group"] = old_version.meta["version_group"] = "smig"
    other = passage("Art. 356.", 0.5, "ar", "labour-code", "356")
    assert runner_up([decree, old_version, other]) is other
    assert runner_up([other, decree]) is decree
    assert runner_up([decree, old_version]) is None and runner_up([]) is None


def test_dense_similarity_scores_every_passage_the_store_embedded():
    store = LabourDocumentStore(shared=False)
    store.write_documents(
        [
            Document(id="near", content="a", embedding=[0.6, 0.8]),
            Document(id="far", content="b", embedding=[0.0, 1.0]),
            Document(id="bare", content="c"),
        ]
    )
    # passages as BM25 returns them: without their embedding
    found = [Document(id=i, content="x", meta={"doc_id": i}) for i in ("far", "near", "bare")]
    out = DenseSimilarity(store).run(query_vector=np.array([1.0, 0.0], dtype=np.float32), documents=found)["documents"]
    assert [d.id for d in out] == ["far", "near", "bare"]
    assert [round(d.meta.get("dense_score", -1), 4) for d in out] == [0.0, 0.6, -1]
    assert out[1].meta["doc_id"] == "near" and "dense_score" not in found[1].meta  # inputs untouched
    restored = DenseSimilarity.from_dict(DenseSimilarity(store).to_dict())
    assert isinstance(restored.document_store, LabourDocumentStore)
