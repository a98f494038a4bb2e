import pytest

from knowledge.keyfact import key_fact, quantities


@pytest.mark.parametrize(
    "text, language, question, fact",
    [
        ("تستفيد الأجيرة من إجازة ولادة مدتها أربعة عشر أسبوعا", "en", "", "14 weeks"),
        ("تستفيد الأجيرة من إجازة ولادة مدتها أربعة عشر أسبوعا", "fr", "", "14 semaines"),
        ("يستحق الأجير ثلاثة أيام عند ولادة طفل", "en", "", "3 days"),
        ("لا يمكن تشغيل الأحداث قبل بلوغهم خمس عشرة سنة كاملة", "fr", "", "15 ans"),
        ("حددت مدة الشغل في 2288 ساعة في السنة", "en", "", "2288 hours"),
        ("يوم ونصف يوم شغل فعلي عن كل شهر من الخدمة", "en", "how many days a month?", "1.5 days"),
        ("مائتان وخمسون درهما", "en", "", "250 dirhams"),
        # an amount in words with its centimes, as the wage decrees write it
        ("يحدد في ثلاثة عشر درهما وخمسة وأربعون سنتيما عن الساعة", "en", "", "13,45 dirhams"),
        ("يحدد في ثمانية دراهم وخمس سنتيمات", "fr", "", "8,05 dirhams"),
        ("ثلاثون درهما وثلاثة أيام", "en", "", "30 dirhams"),
        # the unit the question asks for wins over the first one
        ("بعد ستة أشهر من الشغل يستحق الأجير 18 يوما", "en", "how many days?", "18 days"),
    ],
)
def test_the_quantity_of_an_arabic_sentence_in_the_citizens_language(text, language, question, fact):
    assert key_fact(text, language, question) == fact


def test_no_key_fact_when_the_text_gives_a_scale_of_values():
    # article 53's severance scale: "In short: 96 hours" would be wrong for 15 years of service
    scale = "96 ساعة فيما يخص الخمس سنوات الأولى، و144 ساعة فيما يخص مدة الأقدمية من 6 إلى 10 سنوات، و240 ساعة فيما يخص ما فوق 15 سنة"
    assert key_fact(scale, "fr", "plus de 15 ans d'ancienneté : combien d'heures ?") is None
    # one value in the asked unit beside others in another unit is still a key fact
    assert key_fact("بعد ستة أشهر و12 شهرا يستحق الأجير 18 يوما", "en", "how many days?") == "18 days"


def test_no_key_fact_without_a_quantity_or_for_arabic():
    assert key_fact("يحدد النظام الداخلي قواعد الانضباط", "en") is None
    assert key_fact("مدتها أربعة عشر أسبوعا", "ar") is None
    assert quantities("") == []
