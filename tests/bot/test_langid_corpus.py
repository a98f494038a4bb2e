"""languages.identify on whole sets of sentences: French and English text is never taken for
Darija, and Darija in Latin letters still is.

* Real public text: the French and English dialogues of the `chatterbot-corpus`
  package (user-contributed, BSD-3-Clause; pinned in requirements/rasa.lock).
* tests/bot/data/langid_fr_en_numbers.txt: French and English sentences full of
  ordinals, units, codes and acronyms with digits ("3ème", "2nd", "m2", "44h",
  "COVID-19", "Internet2"), the kind of text that was taken for Arabizi.
* tests/bot/data/langid_arabizi.txt: Darija in Latin letters, with numbers, units and
  French words in it.
"""
from pathlib import Path
from typing import List, Tuple

import pytest
import yaml
from chatterbot_corpus.corpus import DATA_DIRECTORY

from languages import identify

DATA = Path(__file__).resolve().parent / "data"
# Share of French or English sentences that may be taken for Darija. Darija answers a
# French or English speaker in Arabic, which they may not read: none is allowed.
MAX_FALSE_DARIJA_RATE = 0.0
# Share of the Arabizi messages that must be read as Arabic.
MIN_ARABIZI_RECALL = 1.0


def _taken_for_darija(text: str) -> bool:
    guess = identify(text)
    return guess.confident and guess.language == "ar"


def chatterbot_sentences(folder: str) -> List[str]:
    """Every line of every dialogue of one language of chatterbot-corpus."""
    sentences = []
    for path in sorted(Path(DATA_DIRECTORY, folder).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for conversation in data.get("conversations") or []:
            sentences += [line for line in conversation if isinstance(line, str) and line.strip()]
    return sentences


def labelled_sentences(name: str) -> List[Tuple[str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            language, text = line.split("\t", 1)
            rows.append((language, text))
    return rows


def messages(name: str) -> List[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("folder, at_least", [("french", 150), ("english", 1000)])
def test_public_french_and_english_text_is_not_darija(folder, at_least):
    sentences = chatterbot_sentences(folder)
    assert len(sentences) >= at_least  # the package still ships its data
    wrong = [text for text in sentences if _taken_for_darija(text)]
    assert len(wrong) / len(sentences) <= MAX_FALSE_DARIJA_RATE, wrong


def test_sentences_with_ordinals_units_and_codes_are_not_darija():
    rows = labelled_sentences("langid_fr_en_numbers.txt")
    assert len(rows) >= 150 and {language for language, _ in rows} == {"fr", "en"}
    wrong = [text for _, text in rows if _taken_for_darija(text)]
    assert len(wrong) / len(rows) <= MAX_FALSE_DARIJA_RATE, wrong


def test_sentences_with_ordinals_units_and_codes_keep_their_language():
    """When the identifier is sure, it names the language the sentence is written in."""
    wrong = []
    for language, text in labelled_sentences("langid_fr_en_numbers.txt"):
        guess = identify(text)
        if guess.confident and guess.language != language:
            wrong.append((text, guess))
    assert not wrong


def test_arabizi_is_arabic():
    texts = messages("langid_arabizi.txt")
    assert len(texts) >= 100
    missed = [text for text in texts if not _taken_for_darija(text)]
    assert (len(texts) - len(missed)) / len(texts) >= MIN_ARABIZI_RECALL, missed
