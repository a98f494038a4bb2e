import json

from knowledge.readers import StatuteJSONReader, TextFileReader, article_number, parse_front_matter


def test_txt_file_becomes_one_document(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Press note about employment.\nSecond line.", encoding="utf-8")
    result = TextFileReader().run(sources=[path], meta=[{"doc_id": "seeds/note"}])
    assert result["skipped"] == []
    [doc] = result["documents"]
    assert doc.content.startswith("Press note")
    assert doc.meta["doc_id"] == "seeds/note"
    assert doc.meta["title"] == "Press note about employment."


def test_md_card_front_matter(tmp_path):
    path = tmp_path / "leave.md"
    path.write_text(
        "---\ntitle: Paid leave\nsource: Labour Code (law 65-99), article 231\n"
        "url: https://www.emploi.gov.ma/\nlanguage: en\n---\nOne and a half days per month.\n",
        encoding="utf-8",
    )
    [doc] = TextFileReader().run(sources=[path])["documents"]
    assert doc.content == "One and a half days per month."
    assert doc.meta["title"] == "Paid leave"
    assert doc.meta["language"] == "en"
    assert doc.meta["url"] == "https://www.emploi.gov.ma/"
    assert doc.meta["citation"] == "Labour Code (law 65-99), article 231"
    assert doc.meta["ref"] == ""  # no `ref:` line in this card
    card = tmp_path / "wage.md"
    card.write_text('---\ntitle: Wage\nsource: Labour Code\nref: "356"\n---\nText.', encoding="utf-8")
    assert TextFileReader().run(sources=[card])["documents"][0].meta["ref"] == "356"


def test_front_matter_absent():
    assert parse_front_matter("just text") == ({}, "just text")


def test_statute_json_one_document_per_provision(tmp_path):
    statute = {
        "id": "test-statute-1",
        "type": "statute",
        "title": "Test statute",
        "status": "in_force",
        "url": "https://example.org/statute",
        "description": "",
        "provisions": [
            {"provision_ref": "art1", "chapter": "Chapter I", "section": "1", "title": "Article 1", "content": "First."},
            {"provision_ref": "art12", "section": "12", "title": "Article 12", "content": "Twelfth."},
            {"provision_ref": "art13", "section": "13", "title": "Article 13", "content": "  "},
        ],
    }
    path = tmp_path / "statute.json"
    path.write_text(json.dumps(statute), encoding="utf-8")
    result = StatuteJSONReader().run(sources=[path])
    docs = result["documents"]
    assert [d.meta["ref"] for d in docs] == ["1", "12"]  # the empty provision is dropped
    assert all(d.meta["doc_id"] == "test-statute-1" for d in docs)
    assert docs[0].meta["title"] == "Test statute"
    assert docs[0].meta["chapter"] == "Chapter I"
    assert docs[1].meta["chapter"] == ""
    assert docs[0].meta["url"] == "https://example.org/statute"
    assert docs[0].meta["status"] == "in_force"
    assert docs[0].meta["language"] == "ar"


def test_corrupt_and_foreign_json_are_skipped_not_fatal(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "provisions": [', encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}', encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"id": "g", "title": "G", "provisions": [{"provision_ref": "art1", "content": "x"}]}))
    result = StatuteJSONReader().run(sources=[bad, other, good])
    assert len(result["documents"]) == 1
    assert {s["path"] for s in result["skipped"]} == {str(bad), str(other)}
    assert all(s["reason"] for s in result["skipped"])


def test_article_number():
    assert article_number({"provision_ref": "art12", "section": "12"}) == "12"
    assert article_number({"provision_ref": "art7", "section": ""}) == "7"
    assert article_number({"provision_ref": "art5-1"}) == "5-1"


def test_readers_serialise():
    for cls in (TextFileReader, StatuteJSONReader):
        comp = cls()
        assert type(cls.from_dict(comp.to_dict())) is cls
