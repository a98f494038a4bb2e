from knowledge.factcheck import carries, carries_facts, normalise


def test_normalising_forgives_digits_diacritics_and_thousands_separators():
    assert normalise("3.892.668") == normalise("3 892 668") == normalise("3,892,668") == "3892668"
    assert normalise("٣٠ يوماً") == "30 يوما"
    assert normalise("Congé PAYÉ") == "conge paye"
    assert normalise("أجيرة") == normalise("اجيره")
    assert normalise("1,5 jour") == "1,5 jour"  # a decimal is not a thousands separator


def test_numbers_match_whole():
    assert carries("18 jours ouvrables", "18")
    assert not carries("180 jours", "18") and not carries("2018", "18")
    assert carries("و892 ألف أجير", "892")


def test_a_number_the_statute_writes_in_words_carries_its_digits():
    # articles 272 and 526 of the Labour Code write these quantities in words
    assert carries("إذا زاد غيابه على مائة وثمانين يوما متوالية", "180")
    assert carries("يحدد سن التقاعد في خمس وخمسين سنة", "55")
    assert carries("أجرة قدرها سبعة عشر درهما واثنان وتسعون سنتيما", "17,92")
    # whole numbers still: 180 days do not carry 18, 5 years do not carry 55, and words need a unit
    assert not carries("مائة وثمانين يوما", "18") and not carries("خمس سنوات", "55")
    assert not carries("الفصل الخامس والخمسون", "55")


def test_every_fact_needs_one_of_its_forms():
    facts = [["14", "quatorze"], ["semaines", "weeks"]]
    assert carries_facts("14 weeks", facts)
    assert not carries_facts("14 days", facts)
    assert not carries("anything", "")
