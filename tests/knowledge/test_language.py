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


def test_mixed_chunks_take_the_dominant_language():
    french_with_arabic = (
        "Le ministre du travail a indiqué lundi que plus de trois millions de salariés ont bénéficié du soutien "
        "de la caisse nationale de sécurité sociale pendant la crise. الشغل والإدماج المهني"
    )
    arabic_with_french = "أكد وزير الشغل أن الوزارة تشتغل على مرصد حقيقي لسوق الشغل (Observatoire du marché) بالمغرب"
    english_with_french = (
        "The ministry launched a digital platform for employment services and labour relations, "
        "described in the press as « la digitalisation au service de l'emploi »."
    )
    assert detect_language(french_with_arabic) == "fr"
    assert detect_language(arabic_with_french) == "ar"
    assert detect_language(english_with_french) == "en"
    docs = LanguageTagger().run(documents=[Document(content=t) for t in (french_with_arabic, arabic_with_french)])
    assert [d.meta["language"] for d in docs["documents"]] == ["fr", "ar"]
