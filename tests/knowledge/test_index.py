import json
import os
import shutil
import subprocess
import sys

import pytest

from knowledge.index import SourceFolderError, build_index, is_stale, read_manifest
from knowledge.settings import AUTHORED_CORPUS, REPO_ROOT

from .conftest import make_settings


def _card_count() -> int:
    return sum(1 for p in AUTHORED_CORPUS.rglob("*.md"))


def test_authored_corpus_has_ten_cards_per_language():
    for lang in ("ar", "fr", "en"):
        cards = list((AUTHORED_CORPUS / lang).glob("*.md"))
        assert len(cards) >= 10, lang
        for card in cards:
            text = card.read_text(encoding="utf-8")
            assert text.startswith("---\n"), card
            for key in ("\ntitle:", "\ntopic:", "\nsource:", "\nurl: https://", f"\nlanguage: {lang}\n"):
                assert key in text, (card, key)


def test_every_card_topic_is_written_in_the_three_languages():
    import re
    from collections import defaultdict

    languages = defaultdict(set)
    for card in AUTHORED_CORPUS.rglob("*.md"):
        topic = re.search(r"^topic: (\S+)$", card.read_text(encoding="utf-8"), re.M)
        assert topic, card
        assert card.parent.name not in languages[topic.group(1)], (card, "a topic has one card per language")
        languages[topic.group(1)].add(card.parent.name)
    assert len(languages) >= 60
    assert {topic: langs for topic, langs in languages.items() if langs != {"ar", "fr", "en"}} == {}


def test_build_over_authored_corpus(built_index):
    settings, summary = built_index
    assert summary.files_read == _card_count()
    assert summary.files_skipped == []
    assert summary.documents == _card_count()
    assert summary.chunks >= summary.documents
    manifest = read_manifest(settings.index_dir)
    assert manifest is not None
    assert manifest["documents"] == summary.chunks
    assert manifest["sources"] == [str(AUTHORED_CORPUS)]
    assert manifest["built_at"] and len(manifest["fingerprint"]) == 64
    assert not is_stale(settings)
    # nothing temporary is left next to the index
    leftovers = [p.name for p in settings.index_dir.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_second_build_reembeds_nothing(built_index, counting_model):
    settings, first = built_index
    before_manifest = read_manifest(settings.index_dir)
    calls = counting_model.passages
    summary = build_index(settings, progress=False)
    assert counting_model.passages == calls  # no passage went to the model
    assert summary.embedded == 0
    assert summary.files_read == 0
    assert summary.files_reused == first.files_read
    assert summary.chunks == first.chunks
    assert read_manifest(settings.index_dir)["fingerprint"] == before_manifest["fingerprint"]


def test_fresh_index_dir_reuses_embedding_cache(built_index, counting_model, tmp_path, embedding_cache):
    calls = counting_model.passages
    settings = make_settings(tmp_path / "other-index", embedding_cache)
    summary = build_index(settings, progress=False)
    assert summary.files_read == _card_count()  # files are read again (new index dir) ...
    assert summary.embedded == 0 and counting_model.passages == calls  # ... but not embedded again


def _stored_ids(index_dir) -> list[str]:
    return [d["id"] for d in json.loads((index_dir / "document_store.json").read_text(encoding="utf-8"))["documents"]]


def test_a_rebuild_from_the_file_cache_stores_passages_in_the_order_a_fresh_build_does(tmp_path, embedding_cache):
    """Ranking ties are broken by the store's order: reading files anew or reusing them must not change it."""
    src = tmp_path / "src"
    (src / "legal").mkdir(parents=True)
    (src / "legal" / "a.json").write_text(
        json.dumps({"id": "a-statute", "title": "قانون", "url": "https://example.org/a", "status": "in_force",
                    "provisions": [{"provision_ref": "art1", "section": "1", "content": "يستفيد الأجير من راحة أسبوعية."}]},
                   ensure_ascii=False),
        encoding="utf-8",
    )
    (src / "z.txt").write_text("The labour delegation is open from Monday to Friday.", encoding="utf-8")
    settings = make_settings(tmp_path / "index", embedding_cache, [src])
    build_index(settings, progress=False)
    fresh = _stored_ids(settings.index_dir)
    (settings.index_dir / "manifest.json").write_text(
        json.dumps({**read_manifest(settings.index_dir), "fingerprint": "forced"}), encoding="utf-8"
    )
    rebuilt = build_index(settings, progress=False)
    assert rebuilt.files_reused == _card_count() + 2 and rebuilt.files_read == 0
    assert _stored_ids(settings.index_dir) == fresh


def test_changed_and_corrupt_files(tmp_path, embedding_cache, counting_model):
    src = tmp_path / "src"
    (src / "legal").mkdir(parents=True)
    (src / "note.txt").write_text("The labour delegation is open from Monday to Friday.", encoding="utf-8")
    (src / "legal" / "broken.json").write_text('{"id": "broken", "provisions": [', encoding="utf-8")
    (src / "legal" / "ok.json").write_text(
        json.dumps(
            {
                "id": "tiny-statute",
                "title": "قانون تجريبي",
                "url": "https://example.org/t",
                "status": "in_force",
                "provisions": [{"provision_ref": "art3", "section": "3", "content": "الحد األدنى لألجر"}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    (src / "NOTICE.md").write_text("About this folder.", encoding="utf-8")  # ignored
    settings = make_settings(tmp_path / "index", embedding_cache, [src])

    first = build_index(settings, progress=False)
    assert [os.path.basename(s["path"]) for s in first.files_skipped] == ["broken.json"]
    assert first.files_read == _card_count() + 3
    manifest = read_manifest(settings.index_dir)
    assert len(manifest["skipped"]) == 1

    from knowledge.search import KnowledgeBase

    kb = KnowledgeBase.load(settings.index_dir)
    docs = kb.document_store.filter_documents({"field": "meta.doc_id", "operator": "==", "value": "tiny-statute"})
    assert [d.content for d in docs] == ["الحد الأدنى للأجر"]  # repaired before indexing
    assert docs[0].meta["ref"] == "3" and docs[0].meta["language"] == "ar"
    assert docs[0].meta["sentence_vectors"]["rows"] == 1

    # change one file: only that one is read again; the corrupt one is retried and still skipped
    (src / "note.txt").write_text("The labour delegation is open from Monday to Thursday.", encoding="utf-8")
    assert is_stale(settings)
    calls = counting_model.passages
    second = build_index(settings, progress=False)
    assert second.files_read == 2  # note.txt and broken.json
    # its one passage and that passage's one sentence (the answer picks sentences by their embeddings)
    assert second.embedded == 2 and counting_model.passages == calls + 2
    assert len(second.files_skipped) == 1
    assert not is_stale(settings)


def test_missing_source_folder(tmp_path, embedding_cache):
    settings = make_settings(tmp_path / "index", embedding_cache, [tmp_path / "does-not-exist"])
    with pytest.raises(SourceFolderError, match="does-not-exist"):
        build_index(settings, progress=False)
    assert is_stale(settings)
    env = dict(os.environ, KNOWLEDGE_SOURCES=str(tmp_path / "does-not-exist"), INDEX_DIR=str(tmp_path / "index"))
    proc = subprocess.run(
        [sys.executable, "-m", "knowledge", "build"], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert "does-not-exist" in proc.stderr


def test_read_manifest_without_index(tmp_path):
    assert read_manifest(tmp_path) is None
    assert read_manifest(tmp_path / "missing") is None


def test_index_dir_is_resolved_against_repo_root(monkeypatch, tmp_path):
    from knowledge.settings import KnowledgeSettings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INDEX_DIR", raising=False)
    assert KnowledgeSettings().index_dir == REPO_ROOT / "var" / "index"
    monkeypatch.setenv("KNOWLEDGE_SOURCES", os.pathsep.join(["a", "/abs/b"]))
    dirs = KnowledgeSettings().source_dirs()
    assert dirs[0] == AUTHORED_CORPUS and dirs[1] == REPO_ROOT / "a" and str(dirs[2]) == "/abs/b"


def test_retrieval_fusion_setting(monkeypatch):
    from pydantic import ValidationError

    from knowledge.settings import KnowledgeSettings

    monkeypatch.delenv("RETRIEVAL_FUSION", raising=False)
    assert KnowledgeSettings().retrieval_fusion == "weighted"
    monkeypatch.setenv("RETRIEVAL_FUSION", "rrf")
    assert KnowledgeSettings().retrieval_fusion == "rrf"
    monkeypatch.setenv("RETRIEVAL_FUSION", "average")
    with pytest.raises(ValidationError, match="RETRIEVAL_FUSION"):
        KnowledgeSettings()


def _statute(doc_id: str, title: str, signed: str, extra_article: str = "") -> str:
    provisions = [{"provision_ref": "art1", "section": "1", "content": "يحدد الحد األدنى لألجر.\nوحرر بالرباط في " + signed}]
    if extra_article:
        provisions.append({"provision_ref": "art2", "section": "2", "content": extra_article})
    return json.dumps({"id": doc_id, "title": title, "status": "in_force", "url": "https://example.org/" + doc_id,
                       "provisions": provisions}, ensure_ascii=False)


def test_every_format_and_repeals_across_files(tmp_path, embedding_cache):
    from knowledge.search import KnowledgeBase

    from .test_converters import HTML, write_docx, write_pdf

    src = tmp_path / "src"
    (src / "legal").mkdir(parents=True)
    write_pdf(src / "circular.pdf", "The labour inspectorate visits workplaces without notice")
    (src / "page.html").write_text(HTML, encoding="utf-8")
    write_docx(src / "note.docx", "Annual leave", "One and a half days of paid leave per month of service.")
    (src / "scan.pdf").write_bytes(b"%PDF-1.4 truncated")
    old_title = "مرسوم بتحديد مبلغ الحد الأدنى القانوني للأجر"
    (src / "legal" / "old.json").write_text(_statute("old-decree", old_title, "2 رجب 1446 (3 يناير 2025)."), encoding="utf-8")
    settings = make_settings(tmp_path / "index", embedding_cache, [src])

    first = build_index(settings, progress=False)
    assert [os.path.basename(s["path"]) for s in first.files_skipped] == ["scan.pdf"]
    assert first.repealed == {}
    kb = KnowledgeBase.load(settings.index_dir)
    contents = {d.meta["doc_id"]: d.content for d in kb.document_store.filter_documents()}
    assert "without notice" in contents["src/circular"]
    assert "contrôle l'application" in contents["src/page"]
    assert "paid leave" in contents["src/note"]

    # a new decree repeals the old one: the old file is unchanged (reused), yet marked repealed
    repeal = "ينسخ المرسوم رقم 2.24.1122 الصادر في 2 رجب 1446 (3 يناير 2025) بتحديد مبلغ الحد الأدنى القانوني للأجر."
    (src / "legal" / "new.json").write_text(
        _statute("new-decree", "مرسوم رقم 2.25.983 صادر في 8 رجب 1447 (29 ديسمبر 2025) بتحديد مبلغ الحد الأدنى القانوني للأجر",
                 "8 رجب 1447 (29 ديسمبر 2025).", repeal),
        encoding="utf-8",
    )
    second = build_index(settings, progress=False)
    assert second.files_read == 2  # new.json and the still-corrupt scan.pdf
    assert second.repealed == {"old-decree": "repealed by new-decree"}
    store = KnowledgeBase.load(settings.index_dir).document_store
    status = {d.meta["doc_id"]: (d.meta["status"], d.meta.get("year")) for d in store.filter_documents()
              if d.meta.get("statute_id")}
    assert status == {"old-decree": ("repealed", 2025), "new-decree": ("in_force", 2025)}
    assert read_manifest(settings.index_dir)["repealed"] == {"old-decree": "repealed by new-decree"}


def test_embedding_prefixes_are_part_of_the_index_config(tmp_path, monkeypatch):
    from knowledge.index import _config
    from knowledge.settings import KnowledgeSettings

    for name in ("EMBEDDING_QUERY_PREFIX", "EMBEDDING_PASSAGE_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    e5 = dict(index_dir=tmp_path, embedding_model="intfloat/multilingual-e5-small")
    default = _config(KnowledgeSettings(**e5))
    assert (default["query_prefix"], default["passage_prefix"]) == ("query: ", "passage: ")
    assert _config(KnowledgeSettings(**e5, embedding_passage_prefix="")) != default
    assert _config(KnowledgeSettings(**e5, embedding_query_prefix="search: ")) != default
    monkeypatch.setenv("EMBEDDING_PASSAGE_PREFIX", "doc: ")
    assert _config(KnowledgeSettings(**e5))["passage_prefix"] == "doc: "

