"""How answers are worded for citizens (the knowledge action) and agents (agent assist)."""
from knowledge.answers import MAX_ANSWER_CHARS
from knowledge.replies import compose_answer, compose_reply
from knowledge.search import Answer, Passage, SearchResult


def test_no_passage_gives_no_answer():
    assert compose_answer("anything", [], "en") is None


def test_answer_cites_the_chosen_passage_and_keeps_it_short():
    long_text = " ".join(f"Sentence number {i} is filler." for i in range(200))
    passages = [
        Passage(long_text + " Paid annual leave is one and a half days per month.", 0.9, "en", "card-1", "Annual leave", "231", "https://example.org/a"),
        Passage("Autre texte.", 0.5, "fr", "card-2", "Congé", "", ""),
    ]
    answer = compose_answer("How many days of paid annual leave?", passages, "en")
    assert answer.text.startswith("According to Annual leave, article 231:")
    assert "annual leave" in answer.text.lower()
    assert len(answer.text) < MAX_ANSWER_CHARS + 100
    assert answer.sources[0] == {"doc_id": "card-1", "title": "Annual leave", "ref": "231", "url": "https://example.org/a"}
    assert [s["doc_id"] for s in answer.sources] == ["card-1"]  # only the passage quoted


def test_same_language_passage_is_preferred_when_nearly_as_good():
    passages = [
        Passage("النص بالعربية.", 1.0, "ar", "law", "مدونة الشغل", "12", ""),
        Passage("Le texte en français.", 0.95, "fr", "card", "Fiche", "", ""),
    ]
    answer = compose_answer("texte", passages, "fr")
    assert answer.text.startswith("Selon Fiche :")


def test_other_language_source_is_framed_in_the_users_language():
    passages = [Passage("يستفيد الأجير من راحة أسبوعية.", 1.0, "ar", "law", "مدونة الشغل", "205", "")]
    answer = compose_answer("weekly rest", passages, "en")
    assert answer.text.splitlines()[0] == "According to مدونة الشغل, article 205 (text in Arabic):"


def test_the_reply_names_the_language_the_quoted_text_is_written_in():
    """A French press text quoted to an English reader is not "text in Arabic", and has no Arabic key fact."""
    passage = Passage("x", 0.9, "fr", "seed", "Guide OIM", "", "")
    sources = [{"doc_id": "seed", "title": "Guide OIM", "ref": "", "url": ""}]
    answer = Answer(text="Le guide a réuni 24 inspecteurs.", language="fr", same_language=False, passage=passage, sources=sources)
    assert compose_reply(_result(answer), "en", "How many inspectors?").text.splitlines() == [
        "According to Guide OIM (text in French):",
        "Le guide a réuni 24 inspecteurs.",
    ]
    assert compose_reply(_result(answer), "ar").text.splitlines()[0] == "حسب Guide OIM (النص بالفرنسية):"
    english = Answer(text="The guide was launched.", language="en", same_language=False, passage=passage, sources=sources)
    assert compose_reply(_result(english), "fr").text.splitlines()[0] == "Selon Guide OIM (texte en anglais) :"


def _result(answer):
    return SearchResult(passages=[], confidence=0.9 if answer else 0.1, answer=answer)


def test_reply_words_the_pipelines_answer_and_keeps_its_sources():
    passage = Passage("x", 0.9, "ar", "law", "مدونة الشغل", "231", "https://adala")
    sources = [{"doc_id": "law", "title": "مدونة الشغل", "ref": "231", "url": "https://adala"}]
    answer = Answer(text="نص المادة.", language="ar", same_language=False, passage=passage, sources=sources)
    reply = compose_reply(_result(answer), "fr")
    assert reply.text == "Selon مدونة الشغل, article 231 (texte en arabe) :\nنص المادة."
    assert reply.sources == sources


def test_an_arabic_texts_quantity_comes_first_in_the_citizens_language():
    passage = Passage("x", 0.9, "ar", "law", "مدونة الشغل", "152", "https://adala")
    sources = [{"doc_id": "law", "title": "مدونة الشغل", "ref": "152", "url": "https://adala"}]
    text = "تتمتع الأجيرة بإجازة ولادة مدتها أربعة عشر أسبوعا."
    answer = Answer(text=text, language="ar", same_language=False, passage=passage, sources=sources)
    lines = compose_reply(_result(answer), "en", "How long is maternity leave?").text.splitlines()
    assert lines == [
        "In short: 14 weeks. The official text is in Arabic.",
        "According to مدونة الشغل, article 152 (text in Arabic):",
        text,
    ]
    # a same-language answer needs no summary
    same = Answer(text="Leave lasts 14 weeks.", language="en", same_language=True, passage=passage, sources=sources)
    assert compose_reply(_result(same), "en", "How long?").text.splitlines()[0].startswith("According to")


def test_no_reliable_answer_gives_no_reply():
    assert compose_reply(_result(None), "en") is None
