"""The assistant's languages, defined once for every process (bot, actions, knowledge, API).

Standard library only: the Rasa environment (Python 3.10) imports it as well as the
application's (Python 3.11); the repository root is on every process's PYTHONPATH.
Darija, in Arabic letters or in Arabizi, is answered in Arabic: it is ``ar`` here.
"""
from __future__ import annotations

ARABIC = "ar"
FRENCH = "fr"
ENGLISH = "en"
LANGUAGES: tuple[str, ...] = (ARABIC, FRENCH, ENGLISH)
# The ministry's language: what a citizen is answered in until their language is known.
DEFAULT_LANGUAGE = ARABIC


def language_or_default(language: str | None) -> str:
    """``language`` when the assistant speaks it, else the default (Arabic)."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE
