"""The assistant's languages and how a text is told to be in one of them, for every process.

One module for the bot (the Rasa NLU component ``bot.language``), the knowledge layer
(documents and questions) and the API (agent assist), so that the same text gets the
same language everywhere. Standard library only, plus langdetect (in both
environments), imported when first needed: the Rasa environment (Python 3.10) and the
application's (Python 3.11) both import it; the repository root is on every
process's PYTHONPATH.

Darija, in Arabic letters or in Arabizi, is answered in Arabic: it is ``ar`` here.

`identify(text)` returns a `LanguageGuess`. The caller only switches language when
`guess.confident` is true; otherwise it keeps the language it had (a sticky slot).

The decision is taken in this order:

1. an explicit request to change language ("in English please", "en français",
   "بالعربية", "b darija", "bel 3arbia") wins; naming a language is not one
   ("I am learning French", "الإنجليزية مدينة");
2. Arabic script means Arabic (MSA and Darija alike);
3. Latin-script Darija ("Arabizi": digits used as letters, words such as bghit,
   n3ref, wach, dyali, verb shapes such as kan-khdem or jra-wni) means Arabic, also
   when mixed with French or with Arabic-script words, as long as the Darija words
   carry the message: at least as many of them as French or English subjects,
   auxiliaries and question words ("f la société", "le montant" are borrowed
   nouns). A Darija greeting or thank-you alone does not make a French or English
   sentence Arabic ("Salam, je voudrais...", "..., chokran"). Digits among letters
   are Arabizi only in the shape of a word: ordinals ("3ème", "2nd"), units ("44h",
   "m2"), numbers and codes ("COVID-19", "Internet2", "B2i") are not, and a word that
   is Darija by its digits alone does not outvote the French or English words around
   it ("Hours 9am - 11pm can be...");
4. what is left is French or English: a small lexicon of very common words
   decides one- to three-word messages and any message where it is clear-cut;
   langdetect (restricted to ar/fr/en, fixed seed) decides the rest.

Messages with no words (empty, "👍", a number, a case number, an ID card number)
or only words that every language uses ("ok") are not confident.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ARABIC = "ar"
FRENCH = "fr"
ENGLISH = "en"
LANGUAGES: Tuple[str, ...] = (ARABIC, FRENCH, ENGLISH)
# The ministry's language: what a citizen is answered in until their language is known.
DEFAULT_LANGUAGE = ARABIC


def language_or_default(language: Optional[str]) -> str:
    """``language`` when the assistant speaks it, else the default (Arabic)."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class LanguageGuess:
    """The outcome of `identify`.

    language: best guess (`ar`, `fr`, `en`), or None when there is nothing to go on.
    confident: True when the caller should switch to `language`.
    probability: how sure the guess is, between 0 and 1.
    reason: a short tag saying which rule decided (for logs and tests).
    """

    language: Optional[str]
    confident: bool
    probability: float
    reason: str


def _sure(language: str, reason: str, probability: float = 1.0) -> LanguageGuess:
    return LanguageGuess(language, True, probability, reason)


def _unsure(reason: str, language: Optional[str] = None, probability: float = 0.0) -> LanguageGuess:
    return LanguageGuess(language, False, probability, reason)


# --------------------------------------------------------------------------
# Things that are not words of any language
# --------------------------------------------------------------------------

# Case numbers (LAB-2025-000123, lab 2025 000123, LAB2025000123, Arabic-Indic digits)
# and Moroccan national ID numbers (CIN: one or two letters then digits, AB123456,
# "ab 123456"). `\d` matches Arabic-Indic digits too. These are only removed before
# guessing the language; the NLU regexes in bot/data/nlu/case_status.yml are stricter.
CASE_NUMBER_RE = re.compile(r"\blab[\s_./-]*\d{4}[\s_./-]*\d{6}\b", re.IGNORECASE)
NATIONAL_ID_RE = re.compile(r"\b[a-z]{1,2}[\s-]?\d{4,8}\b", re.IGNORECASE)
URL_OR_EMAIL_RE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+", re.IGNORECASE)

# Letters of the Arabic script (not its digits or punctuation).
ARABIC_LETTER_RE = re.compile(
    "[\u0621-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06fa-\u06ff"
    "\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]"
)
LATIN_LETTER_RE = re.compile(r"[a-zà-öø-ÿœæ]", re.IGNORECASE)

# A Latin-script word, keeping digits (Arabizi) and apostrophes (j'ai, don't).
LATIN_TOKEN_RE = re.compile(r"[a-z0-9à-öø-ÿœæ]+(?:['’][a-z0-9à-öø-ÿœæ]+)*")
LATIN_TOKEN_RE_ANY_CASE = re.compile(LATIN_TOKEN_RE.pattern, re.IGNORECASE)
ANY_TOKEN_RE = re.compile(r"\w+")

# Words that say nothing about the language.
NEUTRAL_WORDS = frozenset(
    """
    ok okay oki okey okk kk k no lol hmm hm mm mmm ah oh eh ha haha hh hhh hhhh xd
    xdd wow yo test cv
    """.split()
)

# --------------------------------------------------------------------------
# Darija written in Latin letters ("Arabizi")
# --------------------------------------------------------------------------

# Words that, written this way, are Darija and hardly anything else.
DARIJA_WORDS = frozenset(
    """
    salam slm salamo salamou salamu salamualaykom alaykom alikom aleykoum 3alaykom
    labas lbas bikhir bkhir hamdolah hamdullah lhamdulillah hamdoulah
    bghit bghina bgha bghiti kanbghi nbghi
    n3ref n3raf n3rf na3ref nchof nchouf nchuf chof chouf
    3ref 3rafti fhamt mafhamtch ma3reftch
    dyal dyali dyalek dyalk dyalo dyalha dyalna dial diali dialk dialo dialna
    wach wash kifach kifash kifch kidayr kidayra chno chnou chnu chnowa achno ashno
    ach 3lach 3lash lach lash fach fash imta emta mnin fin
    fou9ach fo9ach fu9ach foqach fouqach wa9tach wqtach weqtach
    ch7al chhal shhal ch7el sh7al b7al bhal
    mzyan mezyan mzian mziana zwin zwina bzaf bzzaf bezaf chwiya chwia shwiya
    daba ghadi ghan ghadin kayn kayna kaynin kain kaina makaynch makainch
    khdma khedma lkhdma lkhedma khdam khedam kankhdem kanekhdem tkhdem khdamt
    khdemt l3amal 3amel 3ummal
    l9anon lqanon qanon 9anon l9anoun l9anun
    khlas khlass khalso khallsni khalsoni
    3afak afak 3fak lah ykhalik ykhlik smhli sme7li smh7li
    chokran choukran chukran shukran baraka barakallah wakha waxa safi yallah
    inchallah nchallah incha2allah
    ana nta nti ntia ntiya howa hia hiya hna 7na homa ntoma
    rah raha rani rak rakom hadchi hadak hadik hadi hada
    3and 3andi 3endi 3ndi 3ndk 3andek 3ando 3andha andi
    khas khass khassni khasni khasek khassek
    ndir kandir ndiro 3tini 3tina 3awni 3awnni 3awenni m3a m3ak m3aya
    machi mashi walo wallo walou wla ghir gha
    sa7bi khoya khouya khti lflous flous mo9awala
    tsrih tasri7 tesri7 jraya hder hdar snin ykhalsni ykhalesni khalesni khlesni
    bslama beslama bslamtek thalla sbah msa lkhir kidayrin
    tbarklah tbarkallah chkoun chkon bnadem nhder nhdar mowadaf lwizara dawezni
    nchki chikaya lmilaf wsel wslat dri drari khadema charika nqaba simana
    jra jrat jraw jrani jratni jrawni jrawh jrawha jrawna jrit tjra khlles khelles khless khellesni
    fhmt fhemt fhamt nfhem fhemti mchit nmchi mcha mchat mazal mazel baqi ba9i
    chi wahed wahd kolchi tani bach ila kan 7it
    dkhelt dkhel khrej khrejt nkhrej tkhelles ykhelles ntkhelles sifet
    3la 3lik 3lih 3liha 3liya 3lina b3d ba3d m3ah m3aha m3ahom wa7ed wa7d l7a9 l7o9o9
    ra9m sa3a khdama khddam khddama nkhdem bghaw bghawni
    """.split()
)

# Greetings, thanks and blessings: Darija, but a French or English sentence often
# opens or closes with one ("Salam, je voudrais...", "..., chokran"), and the reply
# follows the words that carry the request, not the courtesy.
DARIJA_COURTESY_WORDS = frozenset(
    """
    salam slm salamo salamou salamu salamualaykom alaykom alikom alikoum aleykoum
    3alaykom 3likom chokran choukran chukran shukran inchallah nchallah incha2allah
    hamdolah hamdullah lhamdulillah hamdoulah barakallah baraka bzaf bzzaf bezaf
    yallah bslama beslama 3afak afak 3fak
    """.split()
)
# The same in Arabic script, inside a mostly Latin message ("..., شكرا").
ARABIC_COURTESY_WORDS = frozenset(
    """
    السلام سلام عليكم شكرا شكراً مرحبا الله إن ان شاء انشاء إنشاء الحمد لله بسلامة
    بزاف جزيلا بارك فيك عافاك
    """.split()
)
ARABIC_WORD_RE = re.compile(f"(?:{ARABIC_LETTER_RE.pattern})+")

# Darija words that also appear in French or English text ("fin du contrat",
# "le SMIG"), and the one-letter prepositions and conjunctions of Arabizi (f "in",
# w "and", l "to"): they only count when the rest of the message agrees.
WEAK_DARIJA_WORDS = frozenset(
    "fin ana smig cnss anapec wla ghir rah f w l mn li bla ila".split()
)
STRONG_DARIJA_WORDS = DARIJA_WORDS - WEAK_DARIJA_WORDS - DARIJA_COURTESY_WORDS

# Darija negation wraps the verb in ma-...-ch: makaynch, mabghitch, "ma bghach".
DARIJA_NEGATION_RE = re.compile(r"^ma[a-z0-9]{2,}(?:ch|sh)$")
# City names of that shape, in French and English text as much as in Darija.
NOT_NEGATIONS = frozenset({"marrakech", "marrakesh"})
DARIJA_NEGATED_VERB_RE = re.compile(r"^[a-z0-9]{2,}(?:ch|sh)$")
# Verb shapes no French or English word has: the present prefix ka- (kankhdem,
# kaykhlles, katdom), a consonant cluster before the negation -tch (fhmtch), and
# object suffixes after consonants (jrawni, khallsni).
DARIJA_VERB_RES = (
    re.compile(r"^ka[nty][a-z]{3,}$"),  # and few vowels: see _is_darija_verb
    re.compile(r"[bcdfghjklmnpqrstvwxz](?:tch|tsh)$"),
    re.compile(r"^[a-z]{2,}(?:awni|ouni|iwni)$|[bcdfghjklmnpqrstvwxz]{2}ni$"),
)

# Latin tokens mixing letters and digits that are not Arabizi.
NOT_ARABIZI = frozenset(
    {"mp3", "mp4", "b2b", "b2c", "p2p", "m2m", "w3c", "3g", "5g", "3d", "2d", "g7", "g20", "h24"}
)
ARABIZI_DIGITS = "235789"

# French and English ordinals ("1er", "2e", "3ème", "2nd", "3rd", "21st"): a digit
# followed by an ordinal ending is a number, never a letter of Arabizi.
ORDINAL_RE = re.compile(
    r"^\d+(?:er|re|ère|ere|e|è|ème|eme|éme|ième|ieme|em|nd|rd|st|th|d)s?$"
)
# A number followed by a unit ("44h", "2h", "20kg", "12dh", "5mad", "3km", "2pm"), and
# area or volume units ("m2", "cm3"). Darija writes no word this way. "3am" (year)
# and "9am" (he did) are Darija as well as clock times: the message decides (see
# _darija_decision).
UNIT_RE = re.compile(
    r"^\d+(?:[.,]\d+)?(?:h|hr|hrs|mn|min|mins|s|sec|ms|m|km|cm|mm|kg|g|mg|t|l|ml|cl|"
    r"dh|dhs|mad|dt|da|eur|usd|k|kb|ko|mo|go|gb|mb|tb|kw|kwh|j|x|ans|pm|am)$"
    r"|^(?:m|cm|km|mm|dm)[23]$"
)
ARABIZI_AMBIGUOUS_UNITS = frozenset({"3am", "9am"})
DIGIT_RUN_RE = re.compile(r"\d\d")
VOWEL_RE = re.compile(r"[aeiouyàâäéèêëîïôöùûü]")
INTERIOR_DIGIT_RE = re.compile(r"[^\W\d_]\d+[^\W\d_]")
VOWELLESS_INTERIOR_DIGIT_RE = re.compile(r"[^\W\d_][3579][^\W\d_]")


def _is_arabizi_token(token: str) -> bool:
    """True for words like n3ref, ch7al, l9anon, 3afak: digits standing for letters.

    A digit stands for a letter inside a word that is otherwise spelt like one. Not
    Arabizi (every one seen in French or English text taken for Darija): ordinals
    ("3ème", "2nd"), numbers with a unit ("2h", "m2", "cm3"), numbers of two digits
    or more ("37ème", "Ag37"), codes without a vowel that do not have the digit
    between letters ("F3", "Q2", "mp3", "5th"), and a word with a version or serial
    number after it ("Internet2", "Win7"): Arabizi puts 3, 7 or 9 at the end of a
    word only after a vowel (sba7, l7a9, sway3). Codes known by their capitals
    ("CANet3", "le B2i") are left out by the caller, who sees the original case.
    """
    if token in NOT_ARABIZI or not token.isalnum():
        return False
    if ORDINAL_RE.match(token) or (UNIT_RE.match(token) and token not in ARABIZI_AMBIGUOUS_UNITS):
        return False
    letters = sum(ch.isalpha() for ch in token)
    digits = [ch for ch in token if ch.isdigit()]
    if not (
        letters >= 1
        and 1 <= len(digits) <= letters
        and all(d in ARABIZI_DIGITS for d in digits)
    ):
        return False
    if DIGIT_RUN_RE.search(token):
        return False
    interior = bool(INTERIOR_DIGIT_RE.search(token))
    # Vowel-less Arabizi (b3d, l9t3, n9dr) has a consonant digit between letters; 2
    # (hamza) comes with a vowel (so2al, 2ana), so "h2g2" or "p2p" is a code.
    if not VOWEL_RE.search(token) and not VOWELLESS_INTERIOR_DIGIT_RE.search(token):
        return False
    if not interior and token[-1].isdigit() and not VOWEL_RE.match(token[-2]):
        return False
    return True


def _code_tokens(text: str) -> frozenset:
    """Tokens with a digit that are written as codes or names, not as Arabizi: with a
    capital inside them ("CANet3", "H2G2", "COVID19", "4G"), or capitalised inside a
    sentence ("le B2i", "les ions Cu2+"); Arabizi is typed in small letters. A
    message typed all in capitals ("CH7AL SMIG") keeps its words."""
    letters = LATIN_LETTER_RE.findall(text)
    if letters and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters):
        return frozenset()
    codes = set()
    for match in LATIN_TOKEN_RE_ANY_CASE.finditer(text):
        token = match.group()
        if not any(ch.isdigit() for ch in token) or token.islower() or token.isdigit():
            continue
        i = match.start() - 1
        while i >= 0 and text[i].isspace():
            i -= 1
        sentence_start = i < 0 or text[i] in ".!?:;"
        if any(ch.isupper() for ch in token[1:]) or not sentence_start:
            codes.add(token.lower())
    return frozenset(codes)


# --------------------------------------------------------------------------
# Very common French and English words (short messages, clear-cut cases)
# --------------------------------------------------------------------------

FRENCH_WORDS = frozenset(
    """
    bonjour bonsoir salut coucou merci oui ouais non svp stp plait plaît revoir adieu
    bienvenue d'accord daccord parfait génial super bien très tres ça ca va
    je tu il elle nous vous ils elles moi toi mon ma mes ton ta tes son sa ses notre votre
    le la les un une des du de au aux et ou où est sont suis es êtes ai as avez avons
    ce cet cette ces qui que quoi quel quelle quels quelles comment combien quand pourquoi
    avec pour dans sur sans par chez pas plus aussi mais donc car si
    j'ai c'est qu'est-ce qu'il l'employeur d'un d'une
    voudrais veux voulez peux pouvez dois doit faut savoir parler aide aider besoin
    travail emploi salaire congé congés licenciement employeur salarié salariée
    dossier demande droit droits retraite heures semaine mois jours année contrat
    humain conseiller personne quelqu'un vrai
    préavis indemnité indemnités supplémentaires grève syndicat chômage chomage
    employé employée travailleur travailleurs domestique ministère inspecteur plainte
    réclamation embauche stage formation maternité paternité annuel annuelle
    slt bjr bsr cc mrc jsp tkt bcp pk pq qqn qqch dac dacc
    """.split()
)

ENGLISH_WORDS = frozenset(
    """
    hi hello hey thanks thank thx ty cheers yes yeah yep please pls plz bye goodbye
    good morning afternoon evening night great nice fine welcome sorry
    i you he she we they me my your his her our their it its this that these those
    the a an is are am was were be been do does did have has had will would can could
    should shall may might must not
    what which who whom whose when where why how much many
    of to for in on at with from by about and or but if so than
    i'm it's don't can't i'd i've what's
    want need help know tell ask check get find talk speak work job jobs wage wages
    salary leave hours week month year contract employer employee right rights
    case status human person agent real someone bot
    dismissal dismissed fired overtime maternity paternity annual holiday holidays
    injury union unions strike pension retirement unemployment insurance domestic
    worker workers notice severance compensation labor labour ministry inspector
    complaint hiring training program
    """.split()
)

FRENCH_ELISION_RE = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]")

ENGLISH_CONTRACTION_RE = re.compile(r"['’](?:s|t|m|re|ve|ll|d)$")
FRENCH_ACCENT_RE = re.compile(r"[éèêëàâîïôûùüçœ]")
# Ordinals say which language the number is written in ("1er mai", "the 1st of May").
FRENCH_ORDINAL_RE = re.compile(r"^\d+(?:er|re|ère|e|ème|eme|ième|ieme)s?$")
ENGLISH_ORDINAL_RE = re.compile(r"^\d*(?:1st|2nd|3rd|\dth)$")

# Subjects, auxiliaries and question words: the words that carry a request. French
# or English nouns borrowed into a Darija sentence ("f la société", "le montant")
# come without them.
FRENCH_CARRIERS = frozenset(
    """
    je j'ai j'suis tu il elle nous vous ils elles est sont suis ai avez avons peux peut
    pouvez puis voudrais veux voulez voudrait dois doit devez faut comment combien
    pourquoi quand quel quelle quels quelles où
    """.split()
)
ENGLISH_CARRIERS = frozenset(
    """
    i i'm i've i'd i'll you we they is are was were am do does did have has can could
    would should will want need how what when where why who which please
    """.split()
)

# --------------------------------------------------------------------------
# Explicit requests to change language
# --------------------------------------------------------------------------

# How each language is named, in Latin letters and in Arabic script (without the
# article or a preposition).
_LANGUAGE_NAMES_LATIN = {
    ENGLISH: r"english|anglais|l?[ie]ngliziy?a|l?[ie]nglizi",
    FRENCH: r"french|fran[cç]ais|l?fran[cs]awiy?a|l?fran[cs]awi|l?fran[cs]ia",
    ARABIC: r"arabic|arabe|l?3arbiy?a|l?3arabiy?a|l?3arbi|d?darija|d?darja",
}
_LANGUAGE_NAMES_ARABIC = {
    ENGLISH: r"[اإ]?ن[جك]ليزي[ةه]?",
    FRENCH: r"فرنساوي[ةه]?|فرنسي[ةه]?",
    ARABIC: r"عربي[ةه]?|دارج[ةه]",
}
# "in English", "en français", "b darija", "bel 3arbia", "bl3arbia", "بالعربية".
_PREPOSITION_LATIN = r"(?:in|en|b|bi|bel|bl|f|fel|fl)"
_PREPOSITION_ARABIC = r"(?:بال|ب)"


def _name_pattern(language: str, preposition_required: bool) -> re.Pattern:
    latin, arabic = _LANGUAGE_NAMES_LATIN[language], _LANGUAGE_NAMES_ARABIC[language]
    if preposition_required:
        return re.compile(
            rf"\b{_PREPOSITION_LATIN}\s?(?:{latin})\b|{_PREPOSITION_ARABIC}(?:ال)?(?:{arabic})"
        )
    return re.compile(
        rf"\b(?:{_PREPOSITION_LATIN}\s?)?(?:{latin})\b|(?:{_PREPOSITION_ARABIC}|ال)?(?:{arabic})"
    )


LANGUAGE_MENTIONS = {lang: _name_pattern(lang, False) for lang in LANGUAGES}
LANGUAGE_REQUESTS = {lang: _name_pattern(lang, True) for lang in LANGUAGES}

# "in English please", "svp en français", "بالعربية من فضلك": a "please" right next to
# "in <language>" asks for it, whatever follows ("in French please, what is the SMIG?");
# one further away may belong to another request ("could you please tell me whether my
# contract must be written in Arabic?").
_POLITE = (
    r"(?:\b(?:please|pls|plz|svp|stp|s['’]il (?:vous|te) pla[iî]t|3afak|afak)\b"
    r"|من فضلك|رجاء|لو سمحت|عافاك)"
)
POLITE_REQUESTS = {
    lang: re.compile(
        rf"(?:{pattern.pattern})[\s,]*{_POLITE}|{_POLITE}[\s,]*(?:{pattern.pattern})"
    )
    for lang, pattern in LANGUAGE_REQUESTS.items()
}

# Verbs that ask the assistant to answer in a language ("answer", "parle", "hder").
SWITCH_VERBS_LATIN = frozenset(
    """
    speak talk answer reply respond write switch change use language
    parle parler parlez parles réponds répondre repondre reponds répondez repondez
    écris ecris écrivez ecrivez écrire ecrire passe passez passer utilise utilisez langue
    hder hdr hdar hdri nhder nhdr nhdar tkellem tkalem tkalam ntkellem jaweb jawbni
    jawebni kteb ktb
    """.split()
)
SWITCH_VERBS_ARABIC = (
    "تكلم", "تحدث", "أجب", "اجب", "جاوب", "تجاوب", "اكتب", "كتب", "كلمني", "هضر",
    "باللغة", "لغة", "الرد",
)
POLITE_WORDS_LATIN = frozenset("please pls plz svp stp plait plaît 3afak afak".split())
SWITCH_CUES_LATIN = SWITCH_VERBS_LATIN | POLITE_WORDS_LATIN

# Everything else a request may be made of, around the language name: pronouns,
# the framing of a question ("can you", "est-ce que", "wach t9der", "هل يمكنك"),
# prepositions and courtesy. A message made only of these and one language name is
# a request ("English", "vous parlez français ?", "هل تتحدث العربية؟"); a word
# outside them ("English is a city", "I am learning French", "الإنجليزية مدينة")
# makes it a statement about the language.
REQUEST_WORDS_LATIN = SWITCH_CUES_LATIN | frozenset(
    """
    in en b bi bel bl f fel fl to into with now only just from on the me us i you u we
    can could would will do does let lets let's want prefer continue go back ok okay
    yes sure thanks thank hi hello
    tu vous moi nous je on peux peut pouvez pourriez pourrais veux voudrais voulez
    préfère prefere préférerais est ce que qu s il vous plait maintenant seulement
    uniquement le la l avec continuer continuez merci oui bonjour désormais
    m3aya m3ana m3ak m3a wach momkin mumkin momkine mumkine t9der tqder n9der nqder
    bghit bghina kathder kathdar kathdr kat3ref ta3ref t3ref lia liya lina li daba ghir
    ana salam safi
    """.split()
)
ARABIC_REQUEST_WORDS = frozenset(
    """
    من فضلك فضلكم رجاء لو سمحت سمحتي عافاك عافاكم هل واش ممكن يمكنك يمكن تقدر رد الرد
    معي معايا معانا ليا لي لنا بغيت أريد اريد أفضل افضل فقط غير دابا الآن الان شكرا
    اللغة باللغة لغة أنا انا تعرف كتعرف أتكلم اتكلم نتكلم نهضر السلام سلام مرحبا
    """.split()
)
# Verb stems that carry pronouns and prefixes in Arabic script (تجاوبني, كتهضر, أجبني).
ARABIC_REQUEST_STEMS = ("تكلم", "تحدث", "أجب", "اجب", "جاوب", "كتب", "كلم", "هضر", "يمكن")
CUED_REQUEST_MAX_WORDS = 12


def _is_request_word(word: str) -> bool:
    if word in REQUEST_WORDS_LATIN or word in ARABIC_REQUEST_WORDS:
        return True
    if not ARABIC_LETTER_RE.match(word):
        return False
    if len(word) == 1 or (word[0] in "وف" and word[1:] in ARABIC_REQUEST_WORDS):
        return True  # a clitic left by the name ("فالعربية"), "وشكرا"
    return any(stem in word for stem in ARABIC_REQUEST_STEMS)


def _explicit_switch(text: str) -> Optional[str]:
    """The language the user asks for, if the message is a request to switch.

    Naming a language is not enough: "الإنجليزية مدينة", "I am learning French" or
    "la langue arabe est belle" talk about a language. A message is a request when

    * besides one language name, all its words are request words ("English",
      "English please", "vous parlez français ?", "b darija 3afak", "هل تتحدث
      العربية؟", "can you answer in French?");
    * or, in twelve words at most, it says "in <language>" ("en français", "b darija",
      "بالعربية") with a verb such as "answer", "répondez" or "أجب" ("answer in
      English, I do not read Arabic well"), or with a "please" right next to it ("in
      French please, what is the SMIG?").

    So "must the contract be written in Arabic?" and "please, what are the rules in
    French law?" are not requests.
    """
    lowered = text.lower()
    named = [lang for lang, pattern in LANGUAGE_MENTIONS.items() if pattern.search(lowered)]
    asked = [lang for lang, pattern in LANGUAGE_REQUESTS.items() if pattern.search(lowered)]
    if len(named) == 1:
        language = named[0]
    elif len(asked) == 1:  # "answer in English, I do not read Arabic well"
        language = asked[0]
    else:
        return None
    words = ANY_TOKEN_RE.findall(lowered)
    if len(words) > CUED_REQUEST_MAX_WORDS:
        return None
    rest = LANGUAGE_MENTIONS[language].sub(" ", lowered)
    if all(_is_request_word(word) for word in ANY_TOKEN_RE.findall(rest)):
        return language
    if not LANGUAGE_REQUESTS[language].search(lowered):
        return None
    has_verb = any(word in SWITCH_VERBS_LATIN for word in words) or any(
        verb in lowered for verb in SWITCH_VERBS_ARABIC
    )
    if has_verb or POLITE_REQUESTS[language].search(lowered):
        return language
    return None


# --------------------------------------------------------------------------
# langdetect, restricted to ar / fr / en
# --------------------------------------------------------------------------

LANGDETECT_SEED = 0
LANGDETECT_MIN_PROBABILITY = 0.80  # used for messages of four words or more
SHORT_MESSAGE_MAX_WORDS = 3  # shorter messages rely on the lexicon only


@lru_cache(maxsize=1)
def _detector_factory():
    """A langdetect factory that only knows Arabic, French and English."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    profiles = [
        (Path(PROFILES_DIRECTORY) / lang).read_text(encoding="utf-8") for lang in LANGUAGES
    ]
    factory.load_json_profile(profiles)
    factory.set_seed(LANGDETECT_SEED)
    return factory


def langdetect_probabilities(text: str) -> Dict[str, float]:
    """Probabilities of ar / fr / en for `text` (empty when langdetect finds no feature)."""
    from langdetect.lang_detect_exception import LangDetectException

    detector = _detector_factory().create()
    detector.append(text)
    try:
        return {item.lang: item.prob for item in detector.get_probabilities()}
    except LangDetectException:
        return {}


# --------------------------------------------------------------------------
# identify
# --------------------------------------------------------------------------


def _strip_non_words(text: str) -> str:
    """Remove case numbers, ID numbers, links and e-mail addresses."""
    for pattern in (URL_OR_EMAIL_RE, CASE_NUMBER_RE, NATIONAL_ID_RE):
        text = pattern.sub(" ", text)
    return text


def _carriers(words: List[str]) -> int:
    """How many words carry a French or an English sentence (the larger count)."""
    french = sum(1 for w in words if w in FRENCH_CARRIERS or w.startswith(("j'", "j’")))
    english = sum(1 for w in words if w in ENGLISH_CARRIERS)
    return max(french, english)


# Arabizi leaves most short vowels out of the stem (kan-khdem, kay-tkhalso, jra-wni);
# "Kan-tian" and "kat-ana" keep theirs.
DARIJA_VERB_MAX_VOWEL_SHARE = 0.34


def _is_darija_verb(word: str) -> bool:
    stem = word[3:]
    if not stem:
        return False
    vowels = sum(ch in "aeiou" for ch in stem) / len(stem)
    return vowels <= DARIJA_VERB_MAX_VOWEL_SHARE and any(
        pattern.search(word) for pattern in DARIJA_VERB_RES
    )


def _is_negation(word: str) -> bool:
    return bool(DARIJA_NEGATION_RE.match(word)) and word not in NOT_NEGATIONS


def _is_darija_content_word(word: str, codes: frozenset = frozenset()) -> bool:
    return (
        word in STRONG_DARIJA_WORDS
        or (_is_arabizi_token(word) and word not in DARIJA_COURTESY_WORDS and word not in codes)
        or _is_negation(word)
        or _is_darija_verb(word)
    )


def _is_shape_only(word: str) -> bool:
    """A Darija content word known by its digits alone, not by the lexicon or a verb shape."""
    return (
        word not in STRONG_DARIJA_WORDS
        and not _is_negation(word)
        and not _is_darija_verb(word)
    )


def _darija_decision(
    words: List[str], arabic_words: List[str], codes: frozenset = frozenset()
) -> Optional[str]:
    """Return a reason when the message reads as Darija, else None.

    `words` are the Latin words; `arabic_words` the Arabic-script words of a mostly
    Latin message. Darija wins when its words carry the message: at least as many
    Darija content words as French or English subjects, auxiliaries and question
    words. A greeting or a thank-you in Darija only decides a message that has no
    French or English carrier ("merci bzaf", "salam").
    """
    lexical = sum(1 for w in words if _is_darija_content_word(w, codes) and not _is_shape_only(w))
    lexical += sum(
        1
        for first, second in zip(words, words[1:])
        if first == "ma" and DARIJA_NEGATED_VERB_RE.match(second)
    )
    lexical += sum(1 for w in arabic_words if w not in ARABIC_COURTESY_WORDS)
    # Words that are Darija only by their shape (a digit among letters, such as
    # "y3tini" or "9ra") are the one kind of evidence that French and English text
    # also produces (codes, times: "9am", "boto3"). Alone, they decide only when
    # they are at least as many as the French or English words of the message.
    shape = sum(1 for w in words if _is_darija_content_word(w, codes) and _is_shape_only(w))
    if not lexical and shape and shape < max(_lexicon_counts(words)):
        shape = 0
    content = lexical + shape
    courtesy = sum(1 for w in words if w in DARIJA_COURTESY_WORDS)
    courtesy += sum(1 for w in arabic_words if w in ARABIC_COURTESY_WORDS)
    weak = sum(1 for w in words if w in WEAK_DARIJA_WORDS)
    carriers = _carriers(words)
    share = (content + courtesy + weak) / (len(words) + len(arabic_words))
    if content >= 1 and content >= carriers:
        return "darija-latin"
    if carriers == 0 and courtesy >= 1 and share >= 0.25:
        return "darija-latin"
    if carriers == 0 and weak >= 2 and share >= 0.5:
        return "darija-latin"
    return None


def _lexicon_counts(words: List[str]) -> Tuple[int, int]:
    """How many words look French, how many look English."""
    french = english = 0
    for word in words:
        if (
            word in FRENCH_WORDS
            or FRENCH_ELISION_RE.match(word)
            or FRENCH_ACCENT_RE.search(word)
            or FRENCH_ORDINAL_RE.match(word)
        ):
            french += 1
        elif (
            word in ENGLISH_WORDS
            or ENGLISH_CONTRACTION_RE.search(word)
            or ENGLISH_ORDINAL_RE.match(word)
        ):
            english += 1
    return french, english


def _lexicon_is_decisive(french: int, english: int) -> bool:
    """Common function words outvote langdetect, which over-trusts rare trigrams on
    short sentences ("I have a question" reads as French to it)."""
    high, low = max(french, english), min(french, english)
    return high >= 2 and high >= 3 * low


def identify(text: Optional[str], switch_requests: bool = True) -> LanguageGuess:
    """Guess the language of one chat message (see the module docstring).

    With `switch_requests=False` a request such as "in English please" is not acted
    on and the guess is the language the message is written in (benchmarks group
    training examples that way).
    """
    text = unicodedata.normalize("NFC", (text or "")).strip()
    if not text:
        return _unsure("empty")

    requested = _explicit_switch(text) if switch_requests else None
    if requested:
        return _sure(requested, "switch-request")

    text = _strip_non_words(text)
    arabic_letters = len(ARABIC_LETTER_RE.findall(text))
    latin_letters = len(LATIN_LETTER_RE.findall(text))
    if arabic_letters and arabic_letters >= latin_letters:
        return _sure(ARABIC, "arabic-script")
    if not latin_letters:
        return _unsure("no-words")

    words = [
        w
        for w in LATIN_TOKEN_RE.findall(text.lower())
        if not w.isdigit() and w not in NEUTRAL_WORDS
    ]
    if not words:
        return _unsure("neutral-words")

    darija = _darija_decision(words, ARABIC_WORD_RE.findall(text), _code_tokens(text))
    if darija:
        return _sure(ARABIC, darija)

    french, english = _lexicon_counts(words)
    short = len(words) <= SHORT_MESSAGE_MAX_WORDS
    if short and french != english:
        return _sure(FRENCH if french > english else ENGLISH, "lexicon", 0.9)
    if _lexicon_is_decisive(french, english):
        return _sure(FRENCH if french > english else ENGLISH, "lexicon", 0.9)

    probabilities = langdetect_probabilities(" ".join(words))
    probabilities.pop(ARABIC, None)  # Arabic was decided by script or Darija above
    if not probabilities:
        return _unsure("langdetect-no-features")
    best = max(probabilities, key=probabilities.get)
    probability = probabilities[best] / sum(probabilities.values())

    # On one to three words langdetect is a coin toss ("smig", "Idmaj", "dismissal"):
    # its guess is reported but never trusted.
    if short:
        return _unsure("short-unknown-words", best, probability)
    if probability >= LANGDETECT_MIN_PROBABILITY:
        return _sure(best, "langdetect", probability)
    return _unsure("langdetect-unsure", best, probability)


def writing_form(text: Optional[str]) -> str:
    """How a message is written, for per-language reports: ``en``, ``fr``,
    ``ar (Arabic script)``, ``ar (Latin script)`` (Arabizi) or ``unsure``."""
    guess = identify(text, switch_requests=False)
    if not guess.confident:
        return "unsure"
    if guess.language != "ar":
        return guess.language
    return "ar (Arabic script)" if guess.reason == "arabic-script" else "ar (Latin script)"
