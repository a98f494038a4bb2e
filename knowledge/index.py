"""Building the index: incremental, atomic, with a manifest.

Layout of ``INDEX_DIR``::

    document_store.json   # LabourDocumentStore.save_to_disk (documents + embeddings)
    manifest.json         # documents, sources, built_at, fingerprint, ...
    files/<key>.json      # per source file: its sha256 and its indexed chunks

A file whose content (and the indexing configuration) is unchanged is not read
again: its chunks come from ``files/``. New text is embedded through the
embedding cache, so even a fresh index dir embeds only text never seen before.
The new index is written to a temporary folder next to ``INDEX_DIR`` and
renamed into place.

Usage example:
```python
from knowledge.index import build_index, is_stale, read_manifest
from knowledge.settings import KnowledgeSettings

settings = KnowledgeSettings()
if is_stale(settings):
    print(build_index(settings).line())
print(read_manifest(settings.index_dir)["documents"])
```
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from haystack import Document
from haystack.document_stores.types import DuplicatePolicy

from knowledge import CODE_VERSION
from knowledge.document_store import LabourDocumentStore
from knowledge.embedding_models import resolve_prefixes
from knowledge.pipelines import READER_BY_SUFFIX, READERS, build_indexing_pipeline, indexing_config, indexing_inputs
from knowledge.settings import AUTHORED_CORPUS, AUTHORED_LABEL, KnowledgeSettings
from knowledge.statutes import StatuteStatusResolver

logger = logging.getLogger(__name__)

STORE_FILE = "document_store.json"
MANIFEST_FILE = "manifest.json"
FILES_DIR = "files"
# Files in a source folder that describe the folder rather than belong to it.
IGNORED_STEMS = {"readme", "notice", "license", "licence", "changelog", "contributing"}


class SourceFolderError(FileNotFoundError):
    """A configured source folder does not exist."""


@dataclass
class SourceFile:
    path: Path
    key: str  # "<label>/<relative path>", unique and stable across machines
    sha256: str

    @property
    def doc_id(self) -> str:
        return self.key.rsplit(".", 1)[0]


@dataclass
class BuildSummary:
    """What a build did."""

    index_dir: str
    files_read: int = 0
    files_reused: int = 0
    files_skipped: list[dict] = field(default_factory=list)  # {"path", "reason"}
    documents: int = 0  # source documents (cards, texts, statute articles)
    chunks: int = 0  # indexed documents after splitting
    embedded: int = 0  # embeddings computed (not found in the cache): passages and their sentences
    press_articles: int = 0  # articles found in press reviews
    duplicates_collapsed: int = 0  # reprints of a press article folded into another
    repealed: dict[str, str] = field(default_factory=dict)  # statute doc_id -> why it is repealed
    seconds: float = 0.0

    def line(self) -> str:
        """A one-line summary for logs and the CLI."""
        return (
            f"index: {self.chunks} chunks from {self.documents} documents; "
            f"files read {self.files_read}, reused {self.files_reused}, skipped {len(self.files_skipped)}; "
            f"embedded {self.embedded} new; press articles {self.press_articles} "
            f"({self.duplicates_collapsed} duplicates collapsed); statutes repealed {len(self.repealed)}; "
            f"{self.seconds:.1f}s -> {self.index_dir}"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _labels(dirs: list[Path]) -> list[str]:
    labels, used = [], set()
    for i, d in enumerate(dirs):
        base = AUTHORED_LABEL if (i == 0 and d == AUTHORED_CORPUS) else (d.name or "source")
        label, n = base, 2
        while label in used:
            label, n = f"{base}-{n}", n + 1
        used.add(label)
        labels.append(label)
    return labels


def discover_sources(dirs: list[Path]) -> list[SourceFile]:
    """All indexable files (``.txt``, ``.md``, ``.json``, ``.html``, ``.pdf``, ``.docx``) under ``dirs``, sorted.

    Hidden files and folders and README/NOTICE/LICENSE files are ignored.

    :raises SourceFolderError: when a folder does not exist.
    """
    for d in dirs:
        if not d.is_dir():
            raise SourceFolderError(f"knowledge source folder does not exist: {d}")
    files: list[SourceFile] = []
    for d, label in zip(dirs, _labels(dirs)):
        for path in sorted(d.rglob("*")):
            rel = path.relative_to(d)
            if any(part.startswith(".") for part in rel.parts) or not path.is_file():
                continue
            if path.suffix.lower() not in READER_BY_SUFFIX:
                continue
            if path.stem.lower() in IGNORED_STEMS:
                continue
            files.append(SourceFile(path=path, key=f"{label}/{rel.as_posix()}", sha256=_sha256_file(path)))
    return files


def _config(settings: KnowledgeSettings) -> dict[str, Any]:
    # the prefixes are part of it, so that changing EMBEDDING_*_PREFIX makes the index stale
    query_prefix, passage_prefix = resolve_prefixes(settings.embedding_model, None, None, settings)
    return {"code_version": CODE_VERSION, **indexing_config(settings.embedding_model, query_prefix, passage_prefix)}


def _config_hash(config: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()


def fingerprint(files: list[SourceFile], config: dict[str, Any]) -> str:
    """Hash of every source file's key and hash plus the code version and indexing config."""
    h = hashlib.sha256(_config_hash(config).encode())
    for f in sorted(files, key=lambda f: f.key):
        h.update(f"\n{f.key}\t{f.sha256}".encode())
    return h.hexdigest()


def current_fingerprint(settings: KnowledgeSettings | None = None) -> str:
    """The fingerprint an index built now from the configured sources would have."""
    settings = settings or KnowledgeSettings()
    return fingerprint(discover_sources(settings.source_dirs()), _config(settings))


def read_manifest(index_dir: str | Path | None = None) -> dict | None:
    """The manifest of the index in ``index_dir`` (default: ``INDEX_DIR``), or ``None`` when there is no index."""
    index_dir = Path(index_dir) if index_dir is not None else KnowledgeSettings().index_dir
    try:
        with open(index_dir / MANIFEST_FILE, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        return None
    if not (index_dir / STORE_FILE).exists():
        return None
    return manifest


def is_stale(settings: KnowledgeSettings | None = None) -> bool:
    """True when the index is missing, or was built from other sources, config or code version.

    A missing source folder also counts as stale (the build then reports it).
    """
    settings = settings or KnowledgeSettings()
    manifest = read_manifest(settings.index_dir)
    if manifest is None:
        return True
    try:
        return manifest.get("fingerprint") != current_fingerprint(settings)
    except SourceFolderError:
        return True


def _entry_path(files_dir: Path, source: SourceFile) -> Path:
    return files_dir / (hashlib.sha256(source.key.encode()).hexdigest()[:32] + ".json")


def _load_entry(files_dir: Path, source: SourceFile, config_hash: str) -> dict | None:
    try:
        with open(_entry_path(files_dir, source), encoding="utf-8") as f:
            entry = json.load(f)
    except (OSError, ValueError):
        return None
    if entry.get("sha256") != source.sha256 or entry.get("config") != config_hash or entry.get("key") != source.key:
        return None
    return entry


def build_index(settings: KnowledgeSettings | None = None, progress: bool = True) -> BuildSummary:
    """Build (or update) the index in ``settings.index_dir`` from ``settings.source_dirs()``.

    :param settings: the settings (default: from the environment).
    :param progress: show a progress bar while embedding.
    :returns: a :class:`BuildSummary`.
    :raises SourceFolderError: when a configured source folder does not exist.
    """
    t0 = time.perf_counter()
    settings = settings or KnowledgeSettings()
    index_dir = Path(settings.index_dir)
    dirs = settings.source_dirs()
    files = discover_sources(dirs)
    config = _config(settings)
    config_hash = _config_hash(config)
    summary = BuildSummary(index_dir=str(index_dir))

    old_files_dir = index_dir / FILES_DIR
    entries: dict[str, dict] = {}
    to_read: list[SourceFile] = []
    for source in files:
        entry = _load_entry(old_files_dir, source, config_hash)
        if entry is None:
            to_read.append(source)
        else:
            entries[source.key] = entry
    summary.files_reused = len(entries)

    store = LabourDocumentStore(shared=False)
    if to_read:
        summary.files_read = len(to_read)
        pipe = build_indexing_pipeline(
            store,
            model=settings.embedding_model,
            cache_dir=str(settings.embedding_cache_dir),
            progress_bar=progress,
            passage_prefix=config["passage_prefix"],
        )
        result = pipe.run(
            indexing_inputs(
                [s.path for s in to_read], [{"doc_id": s.doc_id, "source_key": s.key, "file_path": s.key} for s in to_read]
            ),
            include_outputs_from={*READERS, "press_splitter", "embedder", "sentence_embedder"},
        )
        by_key: dict[str, list[dict]] = {s.key: [] for s in to_read}
        sources_per_key: dict[str, int] = {s.key: 0 for s in to_read}
        press_per_key: dict[str, dict] = {}
        for reader in READERS:
            summary.files_skipped.extend(result.get(reader, {}).get("skipped", []))
        # source documents: press articles count one each, as split by press_splitter
        for name in ("press_splitter", *(r for r in READERS if r != "text_reader")):
            for doc in result.get(name, {}).get("documents", []):
                sources_per_key[doc.meta["source_key"]] += 1
                if doc.meta.get("article"):
                    press = press_per_key.setdefault(doc.meta["source_key"], {"articles": 0, "collapsed": 0})
                    press["articles"] += 1 + doc.meta.get("duplicates", 0)
                    press["collapsed"] += doc.meta.get("duplicates", 0)
        for doc in result["sentence_embedder"]["documents"]:
            by_key[doc.meta["source_key"]].append(doc.to_dict(flatten=False))
        summary.embedded = result["embedder"]["meta"]["embedded"] + result["sentence_embedder"]["meta"]["embedded"]
        skipped_paths = {item["path"] for item in summary.files_skipped}
        for source in to_read:
            if str(source.path) in skipped_paths:
                continue
            entries[source.key] = {
                "key": source.key,
                "sha256": source.sha256,
                "config": config_hash,
                "source_documents": sources_per_key[source.key],
                "press": press_per_key.get(source.key, {"articles": 0, "collapsed": 0}),
                "documents": by_key[source.key],
            }

    # documents of unchanged files (new ones are already in the store, written by the pipeline)
    reused = [
        Document.from_dict(d)
        for key, entry in entries.items()
        if key not in {s.key for s in to_read}
        for d in entry["documents"]
    ]
    if reused:
        store.write_documents(reused, policy=DuplicatePolicy.OVERWRITE)

    # repeals cross files: resolved on every build over all statutes, new and reused (metadata only)
    everything = store.filter_documents()
    summary.repealed = {
        doc_id: f"repealed by {by}" for doc_id, by in StatuteStatusResolver().run(documents=everything)["repealed"].items()
    }
    for doc in everything:
        if doc.meta.get("status_reason") == "title":
            summary.repealed.setdefault(doc.meta["doc_id"], "marked (نسخ) in its title")
    # One order whether a file was read now or reused: by source file, then as the file gave its
    # passages. Ranking ties are broken by this order, and the fitted models learn from rankings.
    # Haystack's overwrite deletes and re-inserts each passage, so the store takes this order.
    place = {d["id"]: i for i, d in enumerate(d for key in sorted(entries) for d in entries[key]["documents"])}
    everything.sort(key=lambda doc: place.get(doc.id, len(place)))
    store.write_documents(everything, policy=DuplicatePolicy.OVERWRITE)

    summary.documents = sum(e["source_documents"] for e in entries.values())
    summary.press_articles = sum(e.get("press", {}).get("articles", 0) for e in entries.values())
    summary.duplicates_collapsed = sum(e.get("press", {}).get("collapsed", 0) for e in entries.values())
    summary.chunks = store.count_documents()

    manifest = {
        "documents": summary.chunks,
        "source_documents": summary.documents,
        "sources": [str(d) for d in dirs],
        "files": len(files),
        "skipped": summary.files_skipped,
        "repealed": summary.repealed,
        "press_articles": summary.press_articles,
        "duplicates_collapsed": summary.duplicates_collapsed,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "fingerprint": fingerprint(files, config),
        "code_version": CODE_VERSION,
        "embedding_model": settings.embedding_model,
        "config": config,
    }
    _write_atomically(index_dir, store, entries, files, manifest)
    summary.seconds = time.perf_counter() - t0
    return summary


def _write_atomically(
    index_dir: Path, store: LabourDocumentStore, entries: dict[str, dict], files: list[SourceFile], manifest: dict
) -> None:
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp = index_dir.parent / f".{index_dir.name}.tmp-{tag}"
    try:
        (tmp / FILES_DIR).mkdir(parents=True)
        store.save_to_disk(str(tmp / STORE_FILE))
        for source in files:
            entry = entries.get(source.key)
            if entry is not None:
                with open(_entry_path(tmp / FILES_DIR, source), "w", encoding="utf-8") as f:
                    json.dump(entry, f, ensure_ascii=False)
        with open(tmp / MANIFEST_FILE, "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=2)
        old = None
        if index_dir.exists():
            old = index_dir.parent / f".{index_dir.name}.old-{tag}"
            os.rename(index_dir, old)
        os.rename(tmp, index_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
