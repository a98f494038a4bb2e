"""Unit tests for the language module (pure Python, no Rasa)."""
import pytest

from languages import LanguageGuess, identify


def assert_sure(text: str, language: str) -> LanguageGuess:
    guess = identify(text)
    assert guess.confident, f"{text!r} should be confident: {guess}"
    assert guess.language == language, f"{text!r}: {guess}"
    return guess


@pytest.mark.parametrize(
    "text, language",
    [
        ("hi", "en"),
        ("hello", "en"),
        ("Thanks", "en"),
        ("good morning", "en"),
        ("see you", "en"),
        ("minimum wage", "en"),
        ("check my case", "en"),
        ("overtime", "en"),
        ("Bonjour", "fr"),
        ("merci", "fr"),
        ("salut", "fr"),
        ("oui", "fr"),
        ("non", "fr"),
        ("au revoir", "fr"),
        ("salaire minimum", "fr"),
        ("congé maternité", "fr"),
        ("mon dossier", "fr"),
        ("salam", "ar"),
        ("merci bzaf", "ar"),
        ("wakha", "ar"),
        ("bslama", "ar"),
    ],
)
def test_one_to_three_words(text, language):
    assert_sure(text, language)


@pytest.mark.parametrize(
    "text",
    [
        "ما هو الحد الأدنى للأجر في المغرب؟",  # MSA
        "مرحبا",
        "شحال هو السميك دابا؟",  # Darija, Arabic script
        "بغيت نعرف فين وصل الملف ديالي",
        "الباطرون ما مصرحش بيا فالضمان",
    ],
)
def test_arabic_script_is_arabic(text):
    guess = assert_sure(text, "ar")
    assert guess.reason == "arabic-script"


@pytest.mark.parametrize(
    "text",
    [
        "ch7al howa smig daba?",
        "bghit n3ref fin wsel dossier dyali",
        "wach 3andi l7a9 f cnss",
        "kifach ntsajel f anapec",
        "l patron ma bghach ykhalesni",  # ma-...-ch negation
        "makaynch l khdma",
        "3afak",
    ],
)
def test_darija_in_latin_letters_is_arabic(text):
    guess = assert_sure(text, "ar")
    assert guess.reason == "darija-latin"


@pytest.mark.parametrize(
    "text",
    [
        "bonjour bghit n3ref le salaire minimum",
        "est-ce que le patron 3ndo l7a9 ymna3ni mn congé",
        "wach l'employeur y9der yn9es mn salaire dyali?",
        "chno howa le délai de préavis ila bghit nkhrej?",
    ],
)
def test_french_mixed_with_darija_is_arabic(text):
    assert_sure(text, "ar")


def test_french_sentence_with_one_darija_courtesy_stays_french():
    assert_sure(
        "Bonjour, je voudrais connaître mes droits en cas de licenciement, merci bzaf", "fr"
    )


@pytest.mark.parametrize(
    "text, language",
    [
        ("What is the minimum wage in Morocco?", "en"),
        ("I was fired without notice, what can I do?", "en"),
        ("can my employer make me work on Sundays?", "en"),
        ("I have a question", "en"),  # langdetect alone says French
        ("Quel est le SMIG ?", "fr"),  # SMIG alone does not make it Darija
        ("Mon employeur ne me déclare pas à la CNSS", "fr"),
        ("Combien de jours de congé annuel ?", "fr"),
        ("la fin du contrat", "fr"),  # "fin" is also Darija for "where"
    ],
)
def test_french_and_english_sentences(text, language):
    assert_sure(text, language)


@pytest.mark.parametrize(
    "text, language",
    [
        ("my case number is LAB-2024-000417", "en"),
        ("mon numéro de dossier est LAB-2024-000417", "fr"),
        ("رقم ملفي LAB-٢٠٢٥-٠٠٠١٢٣", "ar"),
    ],
)
def test_case_numbers_do_not_count_as_words(text, language):
    assert_sure(text, language)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "ok",
        "OK",
        "👍",
        "?",
        "123",
        "LAB-2025-000123",
        "lab 2025 000123",
        "AB123456",
        "K987654",
        "smig",  # a word every language here uses
        "Idmaj",
    ],
)
def test_ambiguous_messages_are_not_confident(text):
    guess = identify(text)
    assert not guess.confident, f"{text!r}: {guess}"


@pytest.mark.parametrize(
    "text, language",
    [
        ("in English please", "en"),
        ("English", "en"),
        ("can you answer me in English?", "en"),
        ("بالإنجليزية من فضلك", "en"),
        ("répondez-moi en anglais s'il vous plaît", "en"),
        ("en français", "fr"),
        ("en français svp", "fr"),
        ("answer me in French please", "fr"),
        ("بالفرنسية", "fr"),
        ("بالعربية", "ar"),
        ("b darija", "ar"),
        ("bel 3arbia", "ar"),
        ("bl3arbia", "ar"),
        ("hder m3aya b darija 3afak", "ar"),
        ("Can you reply in Arabic?", "ar"),
        ("من فضلك أجبني بالإنجليزية لأنني لا أفهم العربية جيدا", "en"),
        ("واش ممكن تجاوبني بالفرنسية عافاك", "fr"),
    ],
)
def test_explicit_switch_requests(text, language):
    guess = assert_sure(text, language)
    assert guess.reason == "switch-request"


@pytest.mark.parametrize(
    "text, language",
    [
        ("Le contrat doit-il être rédigé en arabe ou en français ?", "fr"),
        ("Is my contract valid if the employer wrote it in French only?", "en"),
        ("Please tell me about the rights of French workers in Morocco", "en"),
    ],
)
def test_naming_a_language_in_a_question_is_not_a_switch(text, language):
    guess = assert_sure(text, language)
    assert guess.reason != "switch-request"


def test_result_is_deterministic():
    text = "salam je veux savoir"
    assert len({identify(text) for _ in range(5)}) == 1


def test_guess_fields():
    guess = identify("Bonjour")
    assert isinstance(guess, LanguageGuess)
    assert guess.language == "fr" and guess.confident
    assert 0.0 < guess.probability <= 1.0
    assert guess.reason


@pytest.mark.parametrize(
    "text",
    [
        "الباطرون ما عطانيش le certificat de travail",  # mostly Latin letters, Darija carries
        "chno khassni ndir bach nakhod la pension",
        "kanqra f la fac w kankhdem f weekend",  # ka- prefix verbs
        "ma3reftch kifach n3emmer le formulaire",
        "mon patron jrawni bla sbab",  # object suffix -wni
    ],
)
def test_darija_carrying_french_nouns_is_arabic(text):
    assert_sure(text, "ar")


@pytest.mark.parametrize(
    "text, language",
    [
        ("Bonjour, est-ce que je peux avoir une attestation de travail, شكرا", "fr"),
        ("شكرا, thank you so much for the help", "en"),
        ("salam alaykom, can you help me with my contract", "en"),
        ("3afak, what is the minimum wage?", "en"),
        ("Kantian ethics at work", "en"),  # ka- prefix, but the stem keeps its vowels
    ],
)
def test_darija_courtesy_in_a_french_or_english_sentence(text, language):
    guess = identify(text)
    assert guess.language == language, f"{text!r}: {guess}"
    assert guess.reason != "darija-latin"


@pytest.mark.parametrize("text", ["slt", "bjr", "mrc", "slt cv"])
def test_french_chat_abbreviations(text):
    assert_sure(text, "fr")


@pytest.mark.parametrize(
    "text, written_in",
    [("hder m3aya b lenglizia", "ar"), ("réponds-moi en anglais", "fr"), ("بالفرنسية من فضلك", "ar")],
)
def test_switch_requests_can_be_read_for_the_language_they_are_written_in(text, written_in):
    assert identify(text).reason == "switch-request"
    guess = identify(text, switch_requests=False)
    assert guess.reason != "switch-request"
    assert guess.language == written_in


# --------------------------------------------------------------------------
# Numbers are not Arabizi (issue: French or English with an ordinal, a unit or a
# code was answered in Arabic)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, language",
    [
        ("salaire du 3ème mois", "fr"),
        ("Mon 2ème contrat CDD", "fr"),
        ("Licenciement pendant la 2e année", "fr"),
        ("C'est mon 3eme arrêt maladie", "fr"),
        ("surface de 20 m2 pour le local", "fr"),
        ("1er mai", "fr"),  # the ordinal says French
        ("44h par semaine", "fr"),
        ("CDD de 12 mois", "fr"),
        ("2h du matin", "fr"),
        ("Qui était le 37ème président des États-Unis ?", "fr"),
        ("Pour obtenir le B2i il faut valider 3 modules", "fr"),
        ("Le colis pèse 25 kg, il coûte 120 DH", "fr"),
        ("My 3rd payslip is missing", "en"),
        ("Overtime on the 2nd shift", "en"),
        ("the 1st of May", "en"),
        ("I was fired on the 21st of March", "en"),
        ("My 4th contract in 5 years", "en"),
        ("Hours 7 days a week 9am - 11pm", "en"),
        ("The CANet3 network uses the 3rd link", "en"),
        # a city whose name has the shape of a Darija negation (ma-...-ch)
        ("Je cherche un emploi de serveur à Marrakech pour la 2eme saison", "fr"),
        ("je travaille a marrakech depuis 3 ans, c'est combien le smig ?", "fr"),
        ("Is there a labour inspection office in Marrakesh near the medina?", "en"),
    ],
)
def test_ordinals_units_and_codes_are_not_darija(text, language):
    guess = assert_sure(text, language)
    assert guess.reason != "darija-latin"


@pytest.mark.parametrize(
    "text", ["Internet2", "art. 231", "4G", "COVID-19", "H2G2", "cm3", "Win7", "5th", "3rd"]
)
def test_a_code_or_a_number_alone_is_not_darija(text):
    guess = identify(text)
    assert guess.reason != "darija-latin", f"{text!r}: {guess}"
    assert not (guess.confident and guess.language == "ar"), f"{text!r}: {guess}"


@pytest.mark.parametrize(
    "text",
    [
        "ch7al smig daba?",
        "3afak bghit n3ref",
        "wach 3andi l7a9 f congé",
        "khdmt 3 snin",
        "9ra",
        "m3a",
        "l9anon",
        "ana khddam f l'agriculture, ch7al l'SMAG?",
        "khdemt 44h f simana w ma khlsonich",  # a unit inside Darija
        "lpatron khlesni 2000 dh f chhar",
        "wach 1er mai kaytkhlles?",  # an ordinal inside Darija
        "Ch7al kaykhlsou f sa3a?",  # capital at the start of the message
        "CH7AL SMIG DABA",  # typed in capitals
        "2ana 5dam f l9t3 lfla7i",  # 2 = hamza, 5 = kh, vowel-less l9t3
        "y3tik saha",
        "l'inspection du travail f agadir fou9ach kat7el?",  # "when" carries a message of French nouns
        "fou9ach l'inspection du travail de rabat?",
        "ma bghawch y3tiwni l'attestation de travail f marrakech",
    ],
)
def test_arabizi_with_digits_is_still_darija(text):
    assert_sure(text, "ar")


# --------------------------------------------------------------------------
# Only a request switches the language
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "الإنجليزية مدينة",
        "la langue française est belle",
        "la langue arabe est belle",
        "I am learning French",
        "English is hard",
        "français ou anglais, c'est pareil",
        "Is the contract in French?",
        "Please, what are the rules in French law?",
        "Could you please tell me whether my contract must be written in Arabic?",
        "Comment dit-on congé en français ?",
    ],
)
def test_talking_about_a_language_is_not_a_switch(text):
    guess = identify(text)
    assert guess.reason != "switch-request", f"{text!r}: {guess}"


@pytest.mark.parametrize(
    "text, language",
    [
        ("in English please", "en"),
        ("répondez en français", "fr"),
        ("بالعربية من فضلك", "ar"),
        ("b darija 3afak", "ar"),
        ("can you answer in French?", "fr"),
        ("parle moi en arabe", "ar"),
        ("do you speak English?", "en"),
        ("vous parlez français ?", "fr"),
        ("هل تتحدث العربية؟", "ar"),
        ("in French please, what is the minimum wage?", "fr"),
        ("svp en anglais, c'est quoi le SMIG ?", "en"),
        ("in English pls bro", "en"),
    ],
)
def test_requests_switch(text, language):
    guess = assert_sure(text, language)
    assert guess.reason == "switch-request"
