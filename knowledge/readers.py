"""Haystack components that turn source files into Documents.

- :class:`TextFileReader`: ``.txt`` and ``.md`` files; a Markdown FAQ card may
  open with a small front matter block (``title``, ``source``, ``url``,
  ``language``) between ``---`` lines.
- :class:`StatuteJSONReader`: statute JSON files
  (``{id, type, title, status, url, provisions: [...]}``), one Document per
  provision (article), with what the statute says about itself (number,
  date, repealed or not, the texts it repeals: see :mod:`knowledge.statutes`).

HTML, PDF and DOCX files are read by haystack's own converters (see
:mod:`knowledge.converters`).

Both take a list of paths and optional per-file metadata (like haystack's own
converters), and return ``documents`` plus ``skipped``: a list of
``{"path", "reason"}`` for every file that could not be read. A bad file never
stops the others.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from knowledge.arabic import normalize_arabic, repair_arabic
from knowledge.statutes import IN_FORCE, REPEALED, statute_facts
from languages import ARABIC

logger = logging.getLogger(__name__)

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*\n?", re.DOTALL)
_KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*)$")


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a small YAML-ish front matter (``key: value`` lines) from the body.

    >>> parse_front_matter("---\\ntitle: Minimum wage\\nlanguage: en\\n---\\nBody")
    ({'title': 'Minimum wage', 'language': 'en'}, 'Body')
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        kv = _KEY_VALUE.match(line.strip())
        if kv:
            value = kv.group(2).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            meta[kv.group(1).lower()] = value
    return meta, text[match.end() :]


def _normalise_sources(sources: list[str | Path], meta: dict[str, Any] | list[dict[str, Any]] | None) -> list[tuple[Path, dict]]:
    if meta is None:
        metas: list[dict[str, Any]] = [{} for _ in sources]
    elif isinstance(meta, dict):
        metas = [dict(meta) for _ in sources]
    else:
        if len(meta) != len(sources):
            raise ValueError("The length of the metadata list must match the number of sources.")
        metas = [dict(m) for m in meta]
    return [(Path(s), m) for s, m in zip(sources, metas)]


class SkippedSource(Exception):
    """A source file that cannot be read; the message is the reason reported in ``skipped``."""


class _SourceReader:
    """What the readers share: one file at a time, so that a bad file is reported in
    ``skipped`` and never stops the others. A reader implements ``_read(path, meta)``."""

    @component.output_types(documents=list[Document], skipped=list[dict])
    def run(
        self, sources: list[str | Path], meta: dict[str, Any] | list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """
        :param sources: paths of the files to read.
        :param meta: metadata for all files (a dict) or for each file (a list of dicts).
        :returns: ``{"documents": [...], "skipped": [{"path", "reason"}]}``.
        """
        documents: list[Document] = []
        skipped: list[dict] = []
        for path, extra in _normalise_sources(sources, meta):
            try:
                documents.extend(self._read(path, extra))
            except SkippedSource as exc:
                logger.warning("Skipping %s: %s", path, exc)
                skipped.append({"path": str(path), "reason": str(exc)})
        return {"documents": documents, "skipped": skipped}

    def _read(self, path: Path, extra: dict[str, Any]) -> list[Document]:
        raise NotImplementedError

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)


@component
class TextFileReader(_SourceReader):
    """Reads ``.txt`` and ``.md`` files into one Document each.

    Front matter keys become metadata (``source`` is also stored as
    ``citation``; ``ref`` is the main article number, when the card gives one). ``doc_id`` defaults to the file name without extension and
    ``title`` to the first Markdown heading or the file name.

    Usage example:
    ```python
    from knowledge.readers import TextFileReader

    result = TextFileReader().run(sources=["knowledge/corpus/en/minimum-wage.md"])
    doc = result["documents"][0]
    print(doc.meta["title"], doc.meta["source"], result["skipped"])
    ```
    """

    def __init__(self, encoding: str = "utf-8") -> None:
        """:param encoding: file encoding."""
        self.encoding = encoding

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, encoding=self.encoding)

    def _read(self, path: Path, extra: dict[str, Any]) -> list[Document]:
        try:
            text = path.read_text(encoding=self.encoding)
        except (OSError, UnicodeDecodeError) as exc:
            raise SkippedSource(f"unreadable: {exc}") from exc
        front, body = parse_front_matter(text) if path.suffix.lower() == ".md" else ({}, text)
        body = body.strip()
        if not body:
            raise SkippedSource("empty file")
        doc_meta: dict[str, Any] = {"doc_id": path.stem, "file_path": path.name}
        doc_meta.update(extra)
        doc_meta.update(front)
        if "source" in doc_meta and "citation" not in doc_meta:
            doc_meta["citation"] = doc_meta["source"]
        if "title" not in doc_meta:
            heading = re.search(r"^#+\s+(.+)$", body, re.MULTILINE)
            # first line with a real word in it (press texts may open with "-" or a date)
            first_line = next((ln.strip() for ln in body.splitlines() if re.search(r"\w{3}", ln)), "")
            doc_meta["title"] = (heading.group(1).strip() if heading else first_line)[:120] or path.stem
        # `ref` (article number) only when the front matter gives one; the full
        # legal source of a card is in `source` / `citation`
        doc_meta.setdefault("ref", "")
        doc_meta.setdefault("url", "")
        return [Document(content=body, meta=doc_meta)]


_ARTICLE_NUMBER = re.compile(r"(\d+(?:[-.]\d+)*(?:\s*(?:مكرر|bis))?)")


def article_number(provision: dict[str, Any]) -> str:
    """The article number of a provision: ``section`` when numeric, else the digits of ``provision_ref``.

    >>> article_number({"provision_ref": "art12", "section": "12"})
    '12'
    >>> article_number({"provision_ref": "art5-1"})
    '5-1'
    """
    section = str(provision.get("section") or "").strip()
    if section and _ARTICLE_NUMBER.fullmatch(section):
        return section
    ref = str(provision.get("provision_ref") or "")
    match = _ARTICLE_NUMBER.search(ref)
    if match:
        return match.group(1)
    return section or ref


# The enacting formula that closes a preamble ("رسم ما يلي:", "أصدرنا أمرنا الشريف بما يلي:").
_ENACTING_FORMULA = re.compile(r"(?:رسم|اصدرنا امرنا الشريف ب)\s*ما\s*[يب]لي\s*:?\s*$")


def is_preamble(content: str) -> bool:
    """True for a provision that is the statute's preamble (the JSON may file it under an article it cites)."""
    return bool(_ENACTING_FORMULA.search(normalize_arabic(content.strip())))


@component
class StatuteJSONReader(_SourceReader):
    """Reads statute JSON files into one Document per provision (article).

    Metadata of each Document: ``doc_id`` and ``statute_id`` (the statute's
    ``id``), ``title`` (the statute's title), ``ref`` (article number; empty for
    the preamble, whatever article the JSON files it under), ``chapter``,
    ``url``, ``type``, ``provision_ref``, ``language`` (``ar`` unless the file
    says otherwise), and from :func:`knowledge.statutes.statute_facts`:
    ``statute_number``, ``statute_kind``, ``date`` (ISO), ``year``,
    ``date_source``, ``repeals`` and ``status``: ``repealed`` when the JSON or
    the title (``(نسخ)``) says so, else the JSON's status or ``in_force``
    (:class:`knowledge.statutes.StatuteStatusResolver` later marks the texts
    that another statute repeals).

    Usage example:
    ```python
    from knowledge.readers import StatuteJSONReader

    result = StatuteJSONReader().run(sources=["../shared/corpus/legal/labor-9284.json"])
    first = result["documents"][0]
    print(first.meta["doc_id"], first.meta["ref"], len(result["documents"]))
    ```
    """

    def __init__(self, language: str = ARABIC) -> None:
        """:param language: language of statutes that do not state one (the statutes are Arabic)."""
        self.language = language

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, language=self.language)

    def _read(self, path: Path, extra: dict[str, Any]) -> list[Document]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            provisions = data["provisions"] if isinstance(data, dict) else None
            if not isinstance(provisions, list):
                raise ValueError("no 'provisions' list: not a statute file")
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise SkippedSource(f"{type(exc).__name__}: {exc}") from exc
        title = str(data.get("title") or path.stem)
        articles = [str(p.get("content") or "") for p in provisions if isinstance(p, dict)]
        # safe repair only: dates and numbers must be readable, the lexicon pass comes later
        facts = statute_facts(repair_arabic(title, use_lexicon=False), [repair_arabic(a, use_lexicon=False) for a in articles])
        declared = str(data.get("status") or "")
        if declared == REPEALED:
            facts.update(status=REPEALED, status_reason="source")
        elif facts["status"] != REPEALED:
            facts["status"] = declared or IN_FORCE
        base = {
            "doc_id": str(data.get("id") or path.stem),
            "statute_id": str(data.get("id") or path.stem),
            "title": title,
            "url": str(data.get("url") or ""),
            "type": str(data.get("type") or "statute"),
            "language": str(data.get("language") or self.language),
            "file_path": path.name,
            **facts,
        }
        base.update({k: v for k, v in extra.items() if k != "doc_id"})
        documents: list[Document] = []
        for provision in provisions:
            if not isinstance(provision, dict):
                continue
            content = str(provision.get("content") or "").strip()
            if not content:
                continue
            doc_meta = dict(base)
            doc_meta["ref"] = "" if is_preamble(content) else article_number(provision)
            doc_meta["provision_ref"] = str(provision.get("provision_ref") or "")
            doc_meta["chapter"] = str(provision.get("chapter") or "")
            doc_meta["article_title"] = str(provision.get("title") or "")
            documents.append(Document(content=content, meta=doc_meta))
        return documents
