"""Language tagging of documents, with the assistant's one language module (:mod:`languages`).

>>> detect_language("Quelle est la durée du congé de maternité ?")
'fr'
>>> detect_language("ما هو الحد الأدنى للأجر")
'ar'
"""

from __future__ import annotations

from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from languages import ARABIC_WORD_RE, LANGUAGES, LanguageGuess, identify

SUPPORTED_LANGUAGES = LANGUAGES


def detect_language(text: str, languages: tuple[str, ...] = SUPPORTED_LANGUAGES, default: str = "en") -> str:
    """The language of ``text`` among ``languages``, as :func:`languages.identify` reads it
    (the same reading as a chat message's), or ``default`` when it has none.

    A mixed text gets its dominant language: Arabic letters at least as many as
    Latin ones mean ``ar`` (MSA or Darija); otherwise the Latin-script part alone
    decides (Arabizi, French or English), so that an Arabic headline inside a French
    article does not sway it.
    """
    guess = _dominant(text)
    return guess.language if guess.language in languages else default


def shown_language(text: str, passage_language: str) -> str:
    """The language of the text an answer shows, read from that text when it is clear.

    A passage may mix languages (a web page's French menu before an English article is
    tagged French as a whole), and a reply says which language it quotes; when the
    shown text is too short to tell, the passage's own tag stands.

    >>> shown_language("A guide for labour inspectors was launched in Rabat in December 2018.", "fr")
    'en'
    """
    guess = _dominant(text)
    return guess.language if guess.confident and guess.language in SUPPORTED_LANGUAGES else passage_language


def _dominant(text: str) -> LanguageGuess:
    guess = identify(text, switch_requests=False)
    if guess.reason != "arabic-script":
        guess = identify(ARABIC_WORD_RE.sub(" ", text), switch_requests=False)
    return guess


@component
class LanguageTagger:
    """Puts ``meta["language"]`` (``ar``, ``fr`` or ``en``) on each Document.

    A language already in the metadata (from a card's front matter or a
    statute's source) is kept unless ``overwrite`` is true.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.language import LanguageTagger

    docs = LanguageTagger().run(documents=[Document(content="Le salaire minimum")])["documents"]
    assert docs[0].meta["language"] == "fr"
    ```
    """

    def __init__(self, languages: list[str] | None = None, default: str = "en", overwrite: bool = False) -> None:
        """
        :param languages: allowed languages (default ``["ar", "fr", "en"]``).
        :param default: language used when detection has no answer.
        :param overwrite: re-detect even when ``meta["language"]`` is set.
        """
        self.languages = list(languages or SUPPORTED_LANGUAGES)
        self.default = default
        self.overwrite = overwrite

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, languages=self.languages, default=self.default, overwrite=self.overwrite)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LanguageTagger":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        """
        :param documents: documents to tag.
        :returns: ``{"documents": [...]}``, the same documents with ``meta["language"]`` set.
        """
        for doc in documents:
            current = doc.meta.get("language")
            if self.overwrite or current not in self.languages:
                doc.meta["language"] = detect_language(
                    doc.content or "", tuple(self.languages), default=self.default
                )
        return {"documents": documents}
