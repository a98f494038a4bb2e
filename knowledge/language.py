"""Language tagging restricted to the assistant's languages (ar, fr, en).

>>> detect_language("Quelle est la durée du congé de maternité ?")
'fr'
>>> detect_language("ما هو الحد الأدنى للأجر")
'ar'
"""

from __future__ import annotations

import re
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from knowledge.arabic import arabic_ratio

SUPPORTED_LANGUAGES = ("ar", "fr", "en")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f]+")


def detect_language(text: str, languages: tuple[str, ...] = SUPPORTED_LANGUAGES, default: str = "en") -> str:
    """Return the most likely language of ``text`` among ``languages``.

    A mixed text gets its dominant language: text mostly in Arabic script (by
    letters) is ``ar`` (MSA or Darija); otherwise langdetect decides between the
    remaining languages on the Latin-script part alone, so that an Arabic
    headline inside a French article does not sway it. ``default`` is used when
    langdetect has no opinion (empty text, digits only, ...).
    """
    if not text or not text.strip():
        return default
    if "ar" in languages and arabic_ratio(text) >= 0.5:
        return "ar"
    latin = [lang for lang in languages if lang != "ar"]
    if not latin:
        return default
    try:
        from langdetect import DetectorFactory, detect_langs
        from langdetect.lang_detect_exception import LangDetectException

        DetectorFactory.seed = 0  # deterministic
        try:
            guesses = detect_langs(_ARABIC_SCRIPT.sub(" ", text))
        except LangDetectException:
            return default
    except ImportError:  # pragma: no cover - langdetect is a declared dependency
        return default
    scores = {g.lang: g.prob for g in guesses if g.lang in latin}
    if not scores:
        return default if default in latin else latin[0]
    return max(scores, key=scores.get)


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
