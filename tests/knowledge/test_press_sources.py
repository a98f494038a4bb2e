"""Each press article is titled by its headline and cites its outlet and date.

Checked on the real review ``seeds/003_*.txt`` (read from the shared corpus when the test
runs) and on a small review made here.
"""

import re

from haystack import Document

from knowledge.arabic import arabic_ratio
from knowledge import press
from knowledge.press import PressReviewSplitter, split_press_review

GLUED = re.compile(r"\d[\u0621-\u064a]")


def _review_text(shared_corpus) -> str:
    [path] = sorted((shared_corpus / "seeds").glob("003_*.txt"))
    return path.read_text(encoding="utf-8")


def _by_host(articles, host):
    return next(a for a in articles if host in a.url)


def test_outlet_of_url_host():
    assert press.outlet_of("http://www.mapexpress.ma/actualite/activites-parlementaires/x/") == "MAP Express"
    assert press.outlet_of("https://m.2m.ma/fr/news/x-20210412/") == "2M"
    assert press.outlet_of("https://www.maroc-hebdo.press.ma/echec") == "Maroc Hebdo"
    assert press.outlet_of("https://maroc.ma/ar") == "Maroc.ma"
    assert press.outlet_of("https://news.example.org/a") == "Example"
    assert press.outlet_of("") == ""


def test_headline_dateline_and_signature_of_a_made_review():
    body = "Le ministre a indiqué lundi que le soutien continue pour les salariés déclarés. " * 3
    review = "\n".join(
        [
            " LE SOUTIEN CONTINUE \n\nPOUR LES SALARIÉS ",
            "Un chapeau en minuscules qui n'est pas le titre.",
            "https://www.medias24.com/2021/04/12/le-soutien-continue/ \n",
            body,
            " AUTRE TITRE EN CAPITALES ",
            "https://outlet-b.example/news/123 \n",
            body.replace("lundi", "mardi") + " Fin.",
            " (12/04/2021)ومع ",
            "",
            " PJD   13-04-2021  www.pjd.ma ",
            "",
            ' "قريبا.. إطلاق "مرصد لسوق الشغل',
            " http://www.pjd.ma/node/78197 ",
            "",
            "قال الوزير إن الوزارة تشتغل على برنامج مندمج",
            "",
            " .لرصد سوق الشغل",  # the Arabic part came out in visual order: its full stop leads the line
        ]
    )
    articles = split_press_review(review)
    assert [a.title for a in articles] == [
        "LE SOUTIEN CONTINUE POUR LES SALARIÉS",  # the lede is body text, not title
        "AUTRE TITRE EN CAPITALES",
        'قريبا.. إطلاق "مرصد لسوق الشغل"',  # the closing quote that led the line goes back to its end
    ]
    assert [a.citation for a in articles] == ["Médias24, 12/04/2021", "Outlet-b, 12/04/2021", "PJD, 13/04/2021"]
    assert articles[2].published == "2021-04-13" and "PJD" not in articles[2].text
    assert " ".join(articles[2].text.split()).endswith("برنامج مندمج لرصد سوق الشغل.")
    assert "chapeau" in articles[0].text


def test_real_review_titles_are_headlines(shared_corpus):
    articles = split_press_review(_review_text(shared_corpus))
    assert _by_host(articles, "mapexpress.ma").title == (
        "PLUS DE 3.892.000 SALARIÉS ONT BÉNÉFICIÉ DU SOUTIEN JUSQU’À FIN MARS DERNIER (M. AMEKRAZ )"
    )
    # a lede in small letters between the headline and the URL is not part of the title
    assert _by_host(articles, "maroc-hebdo").title == "L'ÉCHEC DE L’ETAT FACE AUX SALARIÉS NON DÉCLARÉS"
    assert _by_host(articles, "fnh.ma").title == "EMPLOI: LA TUTELLE MISE SUR LE DIGITAL POUR MIEUX CERNER LE MARCHÉ DU TRAVAIL"
    # Arabic headlines, their figures read in order again
    assert _by_host(articles, "maroc.ma/ar").title == (
        "السيد أمكراز : أزيد من ثلاثة ملايين و892 ألف أجير استفادوا من الدعم إلى غاية متم مارس المنصرم"
    )
    assert _by_host(articles, "pjd.ma").title == 'قريبا.. إطلاق "مرصد لسوق الشغل"'
    for article in articles:
        # a headline, never the start of the body: short, and no sentence of the body runs into it
        assert len(article.title) <= 150, article.title
        assert not GLUED.search(article.title), article.title
        if article.url and arabic_ratio(article.text) < 0.5:
            assert article.title.isupper() or not any(c.islower() for c in article.title), article.title


def test_real_review_citations_name_outlet_and_date(shared_corpus):
    articles = split_press_review(_review_text(shared_corpus))
    assert _by_host(articles, "mapexpress.ma").citation == "MAP Express"
    assert _by_host(articles, "medias24.com").citation == "Médias24, 12/04/2021"  # the date of its URL
    assert _by_host(articles, "2m.ma").citation == "2M, 12/04/2021"
    assert _by_host(articles, "maroc.ma/ar").citation == "Maroc.ma, 12/04/2021"  # its agency signature
    assert _by_host(articles, "pjd.ma").citation == "PJD, 12/04/2021"  # its dateline
    for article in articles:
        if article.url:
            assert article.citation.startswith(press.outlet_of(article.url)), article
            assert len(article.citation) <= 40, article.citation  # a source line, not a piece of the body


def test_real_review_documents_carry_title_and_citation(shared_corpus):
    review = Document(content=_review_text(shared_corpus), meta={"doc_id": "seeds/003", "title": "PLUS DE 3.892.000"})
    docs = PressReviewSplitter().run(documents=[review])["documents"]
    for doc in docs:
        meta = doc.meta
        assert meta["title"] and meta["title"] != "PLUS DE 3.892.000"
        assert not doc.content.startswith(meta["title"]) or len(meta["title"]) <= 150
        if meta["url"]:
            assert meta["citation"].startswith(press.outlet_of(meta["url"])) and meta["outlet"]
    arabic = [d for d in docs if arabic_ratio(d.content) > 0.5]
    assert arabic, "expected the Arabic part of the review"
    for doc in arabic:
        # the figures of the Arabic articles read in order before they are shown
        assert not GLUED.search(doc.content) and not GLUED.search(doc.meta["title"])
        assert not re.search(r"^\s*\.", doc.content, re.MULTILINE)
    story = next(d for d in arabic if "maroc.ma/ar" in d.meta["url"])
    assert "ثلاثة ملايين و892 ألف أجير" in " ".join(story.content.split())
    assert story.meta["citation"] == "Maroc.ma, 12/04/2021" and story.meta["published"] == "2021-04-12"
    assert story.meta["title"].startswith("السيد أمكراز : أزيد من ثلاثة ملايين و892 ألف أجير")
