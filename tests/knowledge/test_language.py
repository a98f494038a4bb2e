from haystack import Document

from knowledge.language import LanguageTagger, detect_language


def test_detect_language():
    assert detect_language("ما هو الحد الأدنى للأجر في المغرب؟") == "ar"
    assert detect_language("Quelle est la durée du congé de maternité ?") == "fr"
    assert detect_language("How many days of paid annual leave do I get?") == "en"
    assert detect_language("") == "en"
    assert detect_language("12345") == "en"


def test_arabic_script_rule_wins_for_darija():
    assert detect_language("شحال السميگ ديال هاد العام") == "ar"


def test_tagger_sets_and_keeps_language():
    docs = [
        Document(content="Le salaire minimum interprofessionnel garanti"),
        Document(content="Whatever text", meta={"language": "fr"}),
        Document(content="الحد الأدنى للأجر"),
    ]
    out = LanguageTagger().run(documents=docs)["documents"]
    assert [d.meta["language"] for d in out] == ["fr", "fr", "ar"]
    tagger = LanguageTagger.from_dict(LanguageTagger(overwrite=True).to_dict())
    assert tagger.run(documents=[Document(content="Hello there, this is English text.", meta={"language": "fr"})])[
        "documents"
    ][0].meta["language"] == "en"
