"""HTML, PDF and DOCX files through haystack's converters, with unreadable files reported, not fatal."""

from pathlib import Path

import docx
from haystack.components.converters import PyPDFToDocument

from knowledge.converters import ReportingConverter, default_converters


def write_pdf(path: Path, text: str) -> None:
    """A one-page PDF showing ``text`` (Latin-1) in Helvetica, written by hand with a correct xref table."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def write_docx(path: Path, heading: str, paragraph: str) -> None:
    document = docx.Document()
    document.add_heading(heading, level=1)
    document.add_paragraph(paragraph)
    document.save(path)


HTML = (
    "<html><head><title>Inspection du travail</title></head><body><nav>Accueil | Contact</nav>"
    "<article><h1>Inspection du travail</h1><p>L'inspecteur du travail contrôle l'application de la "
    "législation du travail dans les entreprises et conseille les employeurs et les salariés.</p></article>"
    "<footer>Tous droits réservés</footer></body></html>"
)


def test_each_format_gives_its_text_and_metadata(tmp_path):
    pdf, page, note = tmp_path / "circular.pdf", tmp_path / "page.html", tmp_path / "note.docx"
    write_pdf(pdf, "Working hours: 44 hours per week")
    page.write_text(HTML, encoding="utf-8")
    write_docx(note, "Annual leave", "One and a half days of paid leave per month of service.")
    converters = default_converters()
    for kind, path, expected in (
        ("pdf", pdf, "44 hours per week"),
        ("html", page, "L'inspecteur du travail contrôle"),
        ("docx", note, "One and a half days of paid leave"),
    ):
        result = ReportingConverter(converters[kind]).run(sources=[path], meta=[{"doc_id": f"src/{path.stem}"}])
        assert result["skipped"] == [], kind
        [doc] = result["documents"]
        assert expected in doc.content, kind
        assert doc.meta["doc_id"] == f"src/{path.stem}"
    # boilerplate around the HTML article is dropped by trafilatura
    html_doc = ReportingConverter(converters["html"]).run(sources=[page])["documents"][0]
    assert "Tous droits réservés" not in html_doc.content


def test_corrupt_and_empty_files_are_reported_by_name(tmp_path):
    good, broken, blank = tmp_path / "good.pdf", tmp_path / "broken.pdf", tmp_path / "scan.pdf"
    write_pdf(good, "Minimum wage")
    broken.write_bytes(b"%PDF-1.4 this is not a pdf")
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)  # a scanned page: no text layer
    writer.write(blank)
    result = ReportingConverter(PyPDFToDocument()).run(sources=[broken, good, blank])
    assert [d.content.strip() for d in result["documents"]] == ["Minimum wage"]
    assert [s["path"] for s in result["skipped"]] == [str(broken), str(blank)]
    assert all(s["reason"] for s in result["skipped"])

    bad_docx = tmp_path / "bad.docx"
    bad_docx.write_bytes(b"not a zip archive")
    out = ReportingConverter(default_converters()["docx"]).run(sources=[bad_docx])
    assert out["documents"] == [] and "zip" in out["skipped"][0]["reason"].lower()


def test_reporting_converter_serialises():
    comp = ReportingConverter(PyPDFToDocument())
    again = ReportingConverter.from_dict(comp.to_dict())
    assert type(again.converter) is PyPDFToDocument
