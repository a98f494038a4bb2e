"""Press reviews split into articles; reprints of one story collapsed with their URLs kept."""

from haystack import Document

from knowledge.arabic import arabic_ratio
from knowledge.press import PressReviewSplitter, group_near_duplicates, section_headings, split_press_review, split_sections

STORY = (
    "Le ministre du travail a annoncé lundi devant la Chambre des représentants que plus de trois millions "
    "de salariés déclarés à la caisse de sécurité sociale ont reçu une indemnité pendant le confinement, "
    "pour un montant total de six milliards de dirhams, et que le soutien au secteur du tourisme continue."
)
OTHER = (
    "Un nouvel observatoire du marché de l'emploi utilisera les données publiées sur les plateformes "
    "d'offres d'emploi pour orienter la formation professionnelle vers les métiers les plus demandés."
)


def _review() -> str:
    # the layout of an extracted press review: headline in capitals opening a page, URL (wrapped), body
    parts = [
        " PLUS DE TROIS MILLIONS DE SALARIÉS \n\nONT ÉTÉ SOUTENUS \nhttps://outlet-a.example/actualite/salaries-\n\nsoutenus/ \n\n"
        + STORY.replace(", ", ", \n\n"),
        " M. LE MINISTRE: TROIS MILLIONS DE SALARIÉS SOUTENUS \n\nhttps://outlet-b.example/news/123 \n\n"
        + STORY + " Source: agence.",
        " EMPLOI : UN OBSERVATOIRE DU MARCHÉ \nhttps://outlet-c.example/emploi/observatoire \n\n" + OTHER,
    ]
    return "\n".join(parts) + "\n"


def test_split_on_headlines_and_join_wrapped_urls():
    articles = split_press_review(_review())
    assert [a.url for a in articles] == [
        "https://outlet-a.example/actualite/salaries-soutenus/",
        "https://outlet-b.example/news/123",
        "https://outlet-c.example/emploi/observatoire",
    ]
    assert articles[0].title == "PLUS DE TROIS MILLIONS DE SALARIÉS ONT ÉTÉ SOUTENUS"
    # the text keeps the headline and body, without the URL lines
    assert "http" not in articles[0].text and articles[0].text.startswith("PLUS DE TROIS")
    assert "Le ministre du travail" in articles[0].text


def test_plain_text_is_not_a_review():
    assert split_press_review("Functions\n\nThe Ministry of Labour is responsible for labour policy.\n") == []
    doc = Document(content="A single ministry page.\nhttps://example.org/page\n")
    assert PressReviewSplitter().run(documents=[doc])["documents"] == [doc]


def test_reprints_are_collapsed_with_alternate_urls():
    review = Document(content=_review(), meta={"doc_id": "seeds/review", "source_key": "seeds/review.txt"})
    result = PressReviewSplitter().run(documents=[review])
    docs = result["documents"]
    assert result["meta"] == {"reviews": 1, "articles": 3, "collapsed": 1, "sections": 0}
    assert len(docs) == 2
    story = next(d for d in docs if "trois millions" in d.content)
    assert story.meta["url"] == "https://outlet-b.example/news/123"  # the longest copy is kept
    assert story.meta["alternate_urls"] == ["https://outlet-a.example/actualite/salaries-soutenus/"]
    assert story.meta["duplicates"] == 1 and story.meta["doc_id"] == "seeds/review"
    other = next(d for d in docs if "observatoire" in d.content)
    assert other.meta["alternate_urls"] == [] and other.meta["duplicates"] == 0


def test_grouping_keeps_different_stories_apart():
    assert group_near_duplicates([STORY, OTHER, STORY + " Fin."]) == [[0, 2], [1]]


def test_real_press_review(shared_corpus):
    [path] = sorted((shared_corpus / "seeds").glob("003_*.txt"))
    review = Document(content=path.read_text(encoding="utf-8"), meta={"doc_id": "seeds/003"})
    articles = split_press_review(review.content)
    urls = [a.url for a in articles if a.url]
    # every outlet URL of the review is found, whole (wrapped ones re-joined), once per article
    assert len(articles) >= 20 and len(urls) >= 15
    assert all(" " not in u and not u.endswith("-") for u in urls)
    assert sum(arabic_ratio(a.text) > 0.5 for a in articles) >= 5  # the Arabic part is split too
    result = PressReviewSplitter().run(documents=[review])
    docs = result["documents"]
    assert result["meta"]["collapsed"] >= 10
    # no story is left in many copies: every pair of kept articles is below the duplicate threshold
    assert len(group_near_duplicates([d.content for d in docs])) == len(docs)
    kept_urls = [u for d in docs for u in [d.meta["url"], *d.meta["alternate_urls"]] if u]
    assert set(urls) <= set(kept_urls)  # no outlet URL is lost


# An organisation's page as a site exports it: a menu, its own sections, and a news item with its headline.
PAGE = (
    "-\nAbout us\nAbout usThe organisation has worked with the ministry since 2007 on labour migration and on the rights of migrant workers.\n"
    "- Menu\n- Contact\n"
    "Inspectors trained to spot forced labour in Tangier\n"
    "Tangier, 4 March 2019 - Thirty labour inspectors from six regions followed a three-day course on the signs of forced labour, "
    "given with the ministry of labour.\n"
)


def test_a_web_page_is_cut_at_its_section_headings():
    assert [heading for _, heading in section_headings(PAGE)] == ["About us", "Inspectors trained to spot forced labour in Tangier"]
    sections = split_sections(PAGE)
    assert [heading for heading, _ in sections] == ["About us", "Inspectors trained to spot forced labour in Tangier"]
    # each section runs from its heading to the next; the menu stays with the section it follows
    assert sections[0][1].startswith("About us") and sections[0][1].endswith("- Contact")
    assert sections[1][1].startswith("Inspectors trained") and "Thirty labour inspectors" in sections[1][1]
    # a sentence, a list item or a line not followed by a longer paragraph is no heading
    assert section_headings("The ministry opened a new office.\nIt serves the region of Fes and Meknes and its towns.\n") == []
    assert split_sections("Only one heading here\nA paragraph that is much longer than the heading before it, as pages go.\n") == []
    assert section_headings("") == [] and split_sections("\n\n") == []


def test_a_text_page_gets_one_document_per_section_titled_by_its_heading():
    page = Document(content=PAGE, meta={"doc_id": "seeds/page", "file_path": "seeds/page.txt", "title": "-"})
    result = PressReviewSplitter().run(documents=[page])
    assert [d.meta["title"] for d in result["documents"]] == ["About us", "Inspectors trained to spot forced labour in Tangier"]
    assert all(d.meta["doc_id"] == "seeds/page" for d in result["documents"]) and result["meta"]["sections"] == 2
    # an authored card is never cut, whatever its lines look like
    card = Document(content=PAGE, meta={"doc_id": "cards/en/x", "file_path": "cards/en/x.md", "title": "A card"})
    assert PressReviewSplitter().run(documents=[card])["documents"] == [card]
