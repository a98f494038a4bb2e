"""Haystack's own file converters, made to report the files they skip.

Haystack's converters (``HTMLToDocument``, ``PyPDFToDocument``,
``DOCXToDocument``, ...) log a warning and go on when a file cannot be
converted. The index build must name those files and count them, so
:class:`ReportingConverter` runs the converter one file at a time and turns a
file that gave no text into a ``{"path", "reason"}`` entry of ``skipped``,
with the converter's own warning as the reason.

Usage example:
```python
from haystack.components.converters import PyPDFToDocument
from knowledge.converters import ReportingConverter

result = ReportingConverter(PyPDFToDocument()).run(sources=["circular.pdf", "broken.pdf"])
print(len(result["documents"]), result["skipped"])
```
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from haystack import Document, component
from haystack.components.converters import DOCXToDocument, HTMLToDocument, PyPDFToDocument
from haystack.core.serialization import component_from_dict, component_to_dict, import_class_by_name

# File suffixes each haystack converter reads.
CONVERTER_SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}


def default_converters() -> dict[str, Any]:
    """The haystack converter used for each kind of file in :data:`CONVERTER_SUFFIXES`."""
    return {"html": HTMLToDocument(), "pdf": PyPDFToDocument(), "docx": DOCXToDocument()}


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@component
class ReportingConverter:
    """Runs a haystack converter file by file and reports the files that gave no text.

    Output: ``documents`` (one or more per converted file, empty ones dropped)
    and ``skipped``: ``[{"path", "reason"}]``, the reason being the converter's
    warning (unreadable, corrupt, no text).

    Usage example:
    ```python
    from haystack.components.converters import DOCXToDocument
    from knowledge.converters import ReportingConverter

    out = ReportingConverter(DOCXToDocument()).run(sources=["note.docx"], meta=[{"doc_id": "note"}])
    ```
    """

    def __init__(self, converter: Any) -> None:
        """:param converter: a haystack converter component (``run(sources, meta)`` -> ``{"documents"}``)."""
        self.converter = converter

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return {
            "type": f"{type(self).__module__}.{type(self).__name__}",
            "init_parameters": {"converter": component_to_dict(self.converter, "converter")},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ReportingConverter":
        """Deserializes the component from a dictionary."""
        inner = data["init_parameters"]["converter"]
        return cls(converter=component_from_dict(import_class_by_name(inner["type"]), inner, "converter"))

    @component.output_types(documents=list[Document], skipped=list[dict])
    def run(self, sources: list[str | Path], meta: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """
        :param sources: paths of the files to convert.
        :param meta: metadata for each file.
        :returns: ``{"documents": [...], "skipped": [{"path", "reason"}]}``.
        """
        metas = meta if meta is not None else [{} for _ in sources]
        if len(metas) != len(sources):
            raise ValueError("The length of the metadata list must match the number of sources.")
        documents: list[Document] = []
        skipped: list[dict] = []
        logger = logging.getLogger(type(self.converter).__module__)
        for source, extra in zip(sources, metas):
            warnings = _Warnings()
            logger.addHandler(warnings)
            try:
                docs = self.converter.run(sources=[source], meta=[dict(extra)])["documents"]
            except Exception as exc:  # noqa: BLE001 - a bad file must not stop the build
                docs, warnings.messages = [], [f"{type(exc).__name__}: {exc}"]
            finally:
                logger.removeHandler(warnings)
            docs = [d for d in docs if d.content and d.content.strip()]
            if not docs:
                reason = warnings.messages[-1] if warnings.messages else "no text could be extracted"
                skipped.append({"path": str(source), "reason": reason})
                continue
            documents.extend(docs)
        return {"documents": documents, "skipped": skipped}
