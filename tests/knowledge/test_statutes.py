"""Statute metadata: number, date, status from the title, and repeals across statutes."""

import json

from haystack import Document

from knowledge.readers import StatuteJSONReader
from knowledge.statutes import StatuteStatusResolver, parse_date, repealed_references, statute_facts


def test_dates_numbers_and_title_status():
    assert parse_date("مرسوم رقم 2.25.983 صادر في 8 رجب 1447 (29 ديسمبر 2025) بتحديد") == "2025-12-29"
    assert parse_date("الصادر في 28 من رجب 1432 (فاتح يوليوز 2011)") == "2011-07-01"
    assert parse_date("بتاريخ 19 صفر 1111 (12 سبتمبر 2122)") == ""  # damaged digits are not a date
    facts = statute_facts("مرسوم بتحديد مبلغ الحد الأدنى (نسخ)", ["مادة.\nوحرر بالرباط في 2 رجب 1446 (3 يناير 2025)."])
    assert facts["status"] == "repealed" and facts["status_reason"] == "title"
    assert (facts["date"], facts["year"], facts["date_source"]) == ("2025-01-03", 2025, "signed")
    assert statute_facts("مرسوم رقم 2.17.355 بتحديد نموذج", [])["statute_number"] == "2.17.355"
    # a number cited later in the title is another text's
    assert statute_facts("مرسوم بتطبيق القانون رقم 65.99", [])["statute_number"] == ""


def test_repeal_references():
    refs = repealed_references(
        ["تنسخ ابتداء من فاتح يناير 2026، مقتضيات المرسوم رقم 2.24.1122 الصادر في 2 رجب 1446 (3 يناير 2025) بتحديد مبلغ الحد الأدنى."]
    )
    assert [(r["kind"], r["number"], r["date"]) for r in refs] == [("مرسوم", "2.24.1122", "2025-01-03")]
    assert repealed_references(["تسلم نسخة من المحضر إلى الأجير."]) == []


def _doc(doc_id, title, date, **extra):
    meta = {"doc_id": doc_id, "title": title, "date": date, "date_source": "signed", "statute_kind": "مرسوم",
            "statute_number": "", "status": "in_force", "repeals": []}
    meta.update(extra)
    return Document(content=doc_id, meta=meta)


def test_resolver_matches_by_date_kind_and_subject():
    old = _doc("old", "مرسوم بتحديد شكليات توجيه التنبيهات إلى المشغل", "2009-05-21")
    same_day = _doc("same-day", "مرسوم يتعلق بحماية العمال ضد المخاطر الناجمة عن البنزين", "2009-05-21")
    new = _doc("new", "مرسوم بتحديد شكليات توجيه التنبيهات إلى المشغل", "2021-01-13",
               repeals=[{"kind": "مرسوم", "number": "2.08.702", "date": "2009-05-21",
                         "subject": "بتحديد شكليات توجيه التنبيهات والملاحظات إلى المشغل"}])
    out = StatuteStatusResolver().run(documents=[old, same_day, new])
    assert out["repealed"] == {"old": "new"}
    assert old.meta["status"] == "repealed" and old.meta["repealed_by"] == "new"
    assert same_day.meta["status"] == "in_force" and new.meta["status"] == "in_force"


def test_reader_sets_statute_metadata(tmp_path):
    statute = {
        "id": "decree-1", "type": "statute", "status": "in_force", "url": "https://example.org/d1",
        "title": "مرسوم رقم 2.99.1 صادر في 8 رجب 1447 (29 ديسمبر 2025) بتحديد الأجر",
        "provisions": [
            {"provision_ref": "art356", "section": "356", "content": "من القانون رقم 65.99؛\nرسم ما يلي:"},
            {"provision_ref": "art1", "section": "1", "chapter": "الباب األول", "content": "يحدد الأجر."},
        ],
    }
    path = tmp_path / "d1.json"
    path.write_text(json.dumps(statute, ensure_ascii=False), encoding="utf-8")
    docs = StatuteJSONReader().run(sources=[path])["documents"]
    assert [d.meta["ref"] for d in docs] == ["", "1"]  # the preamble is no article 356
    meta = docs[1].meta
    assert (meta["statute_id"], meta["statute_number"], meta["date"], meta["year"]) == ("decree-1", "2.99.1", "2025-12-29", 2025)
    assert meta["status"] == "in_force" and meta["url"] == "https://example.org/d1" and meta["chapter"] == "الباب األول"


def test_real_corpus_statuses(shared_corpus):
    paths = sorted((shared_corpus / "legal").glob("*.json"))
    docs = StatuteJSONReader().run(sources=paths)["documents"]
    by_id = {}
    for d in docs:
        by_id.setdefault(d.meta["doc_id"], d.meta)
    smig_2025 = by_id["ma-adala-labor-9284"]
    assert (smig_2025["date"], smig_2025["statute_number"]) == ("2025-12-29", "2.25.983")
    assert by_id["ma-adala-labor-6178"]["status"] == "repealed"  # "(نسخ)" in its title
    repealed = StatuteStatusResolver().run(documents=docs)["repealed"]
    # the 2025 SMIG decree repeals the 2024 one, which repealed the 2023 one
    assert repealed["ma-adala-labor-6178"] == "ma-adala-labor-9284"
    assert repealed["ma-adala-labor-3273"] == "ma-adala-labor-6178"
    assert "ma-adala-labor-9284" not in repealed and "ma-adala-labor-428" not in repealed
    dated = sum(1 for m in by_id.values() if m["date"])
    assert dated >= 0.85 * len(by_id)
