from haystack import Document

from knowledge.limiters import CardLimiter, SourceLimiter


def _card(name, language, score, topic=None):
    meta = {"doc_id": f"cards/{language}/{name}", "language": language, "topic": topic or name.rsplit("-", 1)[0]}
    return Document(content=f"card {name}", meta=meta, score=score)


def _article(ref, score):
    return Document(content=f"article {ref}", meta={"doc_id": "ma-adala-labor-428", "ref": ref}, score=score)


def _names(ranked):
    return [d.meta["doc_id"].split("/")[-1] for d in ranked]


def test_card_limiter_keeps_the_best_topic_in_the_users_language_in_the_best_card_place():
    docs = [_card("leave-ar", "ar", 0.9), _card("leave-en", "en", 0.8), _article("231", 0.7), _card("rest-en", "en", 0.6), _article("232", 0.5)]
    ranked = CardLimiter().run(query="How many days of paid leave?", documents=docs)["documents"]
    # another topic comes before the shown topic's other languages
    assert _names(ranked) == ["leave-en", "ma-adala-labor-428", "ma-adala-labor-428", "rest-en", "leave-ar"]
    assert [d.score for d in ranked] == [0.9, 0.7, 0.5, 0.5, 0.5]  # places keep their scores, never increasing
    # the language given by the caller wins over the question's
    ranked = CardLimiter().run(query="How many days of paid leave?", documents=docs, language="ar")["documents"]
    assert ranked[0].meta["doc_id"] == "cards/ar/leave-ar"


def test_card_limiter_never_puts_another_topic_in_the_best_cards_place_for_its_language():
    # the Arabic card on pay dates answers; an English card on overtime ranked lower does not
    docs = [_card("pay-ar", "ar", 0.9), _article("363", 0.8), _card("overtime-en", "en", 0.4)]
    ranked = CardLimiter().run(query="How often must I be paid?", documents=docs, language="en")["documents"]
    assert _names(ranked) == ["pay-ar", "ma-adala-labor-428", "overtime-en"]


def test_card_limiter_fetches_the_topics_card_in_the_users_language_from_the_store():
    from knowledge.document_store import LabourDocumentStore

    store = LabourDocumentStore()
    store.write_documents([_card("pay-fr", "fr", None), _card("pay-en", "en", None), _card("rest-fr", "fr", None)])
    pay_ar = _card("pay-ar", "ar", 0.9)
    pay_ar.meta["signals"] = {"probability": 0.8, "same_language": 0.0}
    docs = [pay_ar, _article("363", 0.8)]
    ranked = CardLimiter(document_store=store).run(query="q", documents=docs, language="fr")["documents"]
    assert _names(ranked) == ["pay-fr", "ma-adala-labor-428", "pay-ar"]
    assert ranked[0].score == 0.9
    # the place's signals come with it, now in the user's language
    assert ranked[0].meta["signals"] == {"probability": 0.8, "same_language": 1.0}
    # without the store, the list's own card stays
    assert _names(CardLimiter().run(query="q", documents=docs, language="fr")["documents"]) == ["pay-ar", "ma-adala-labor-428"]


def test_card_limiter_shows_a_candidate_card_with_its_own_signals():
    ar, fr = _card("leave-ar", "ar", 0.9), _card("leave-fr", "fr", 0.7)
    ar.meta["signals"], fr.meta["signals"] = {"gloss": 1.0, "probability": 0.95}, {"question": 1.0, "probability": 0.72}
    ranked = CardLimiter().run(query="Durée du congé de maternité ?", documents=[ar, _article("152", 0.8), fr], language="fr")["documents"]
    assert _names(ranked) == ["leave-fr", "ma-adala-labor-428", "leave-ar"]
    assert ranked[0].score == 0.9 and ranked[0].meta["signals"] == {"question": 1.0, "probability": 0.72}


def test_card_limiter_without_a_card_in_the_users_language_keeps_the_best_one():
    docs = [_article("231", 0.9), _card("leave-ar", "ar", 0.8), _card("leave-fr", "fr", 0.7)]
    ranked = CardLimiter().run(query="paid leave", documents=docs, language="en")["documents"]
    assert [d.meta["doc_id"] for d in ranked] == ["ma-adala-labor-428", "cards/ar/leave-ar", "cards/fr/leave-fr"]


def test_card_limiter_leaves_lists_with_few_cards_alone():
    docs = [_article("1", 0.9), _card("leave-fr", "fr", 0.8)]
    assert CardLimiter().run(query="x", documents=docs, language="fr")["documents"] == docs
    assert CardLimiter().run(query="x", documents=[])["documents"] == []
    cards = [_card("a", "en", 0.9), _card("b", "en", 0.8)]
    assert len(CardLimiter().run(query="x", documents=cards)["documents"]) == 2  # cards alone keep their number


def test_card_limiter_round_trip():
    limiter = CardLimiter.from_dict(CardLimiter(max_cards=2, label="faq").to_dict())
    assert (limiter.max_cards, limiter.label) == (2, "faq")


def _part(source, n, score):
    return Document(content=f"{source} part {n}", meta={"doc_id": "corpus/seeds/003", "source_id": source}, score=score)


def test_source_limiter_keeps_one_passage_per_source_in_the_first_places():
    docs = [_part("review-a", 1, 0.9), _part("review-a", 2, 0.8), _part("review-b", 1, 0.7), _part("review-a", 3, 0.6), _article("52", 0.5)]
    ranked = SourceLimiter().run(documents=docs)["documents"]
    assert [d.content for d in ranked] == ["review-a part 1", "review-b part 1", "article 52", "review-a part 2", "review-a part 3"]
    assert [d.score for d in ranked] == [0.9, 0.7, 0.5, 0.5, 0.5]
    # passages without a source_id are each their own source
    assert SourceLimiter().run(documents=[_article("1", 0.9), _article("2", 0.8)])["documents"][1].content == "article 2"


def test_source_limiter_allows_more_passages_per_source_when_asked():
    docs = [_part("a", 1, 0.9), _part("a", 2, 0.8), _part("a", 3, 0.7), _part("b", 1, 0.6)]
    limiter = SourceLimiter.from_dict(SourceLimiter(max_per_source=2).to_dict())
    ranked = limiter.run(documents=docs)["documents"]
    assert [d.content for d in ranked] == ["a part 1", "a part 2", "b part 1", "a part 3"]
