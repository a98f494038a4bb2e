"""Press reviews: split a compiled review into its articles and collapse near-duplicates.

A ministry press review (a PDF turned into text) strings together the same
story as told by many outlets. Each article starts on a new page, so in the
extracted text it opens with a line that begins with one space right after a
text line (no blank line between): a headline in capitals, or, in the Arabic
part, the first line of the article. Its source URL follows the headline
(sometimes wrapped over two lines). A wire-agency signature such as
``(12/04/2021)ومع`` or ``(MAP)`` also closes an article.

A line giving the outlet, the date and the site (``PJD   12-04-2021  www.pjd.ma``)
opens an article too. Each article's title is its headline: the capitalised
lines before its URL (a lede in small letters is body text), or in the Arabic
part the lines before its URL, or a short first line. Its source is the outlet
named by the URL's host (``mapexpress.ma`` -> MAP Express, see :data:`OUTLETS`)
and the date the text gives (that line, the agency signature, a date in the
URL), in ``meta["citation"]`` (``MAP Express, 12/04/2021``), ``outlet`` and
``published`` (ISO). Arabic lines that came out in visual order are put back in
reading order first (:func:`knowledge.arabic.repair_visual_order`).

Near-duplicates (the same dispatch reprinted) are found by the Jaccard
similarity of word 3-shingles on the normalised text; each group keeps its
longest article that names its source (its URL), and the other outlets' URLs go
to ``meta["alternate_urls"]``. An article without a headline of its own takes
its group's.

A plain-text web page that is not a review is cut at its section headings instead
(:func:`split_sections`), so that a news item on an organisation's page is cited by its
own headline ("A guide for labour inspectors ... was launched"), not by the page's
first line ("Qui sommes nous").

>>> review = (" PLUS DE 3 MILLIONS DE SALARIÉS AIDÉS\\nhttps://a.example/x\\n\\nLe ministre a indiqué lundi.\\n"
...           " LES SALARIÉS AIDÉS\\nhttps://b.example/y\\n\\nLe ministre a indiqué lundi.\\n")
>>> [a.url for a in split_press_review(review)]
['https://a.example/x', 'https://b.example/y']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from knowledge.arabic import arabic_ratio, normalize_arabic, repair_visual_order, visual_order_damaged

# A URL alone on its line (outlets' links), and the end of a URL wrapped onto the next line.
_URL_LINE = re.compile(r"^\s*((?:https?://|www\.)\S+)\s*$")
_URL_TAIL = re.compile(r"^\s*([\w\-./%?=&#]+/?)\s*$")
# Wire-agency signature that closes an article: "(12/04/2021)ومع", "(MAP)", "ومع".
_AGENCY_SIGNATURE = re.compile(r"^\s*(?:\(\s*\d{1,2}/\d{1,2}/\d{4}\s*\)\s*)?(?:ومع|\(?MAP\)?)\s*$")
# A line naming the outlet, the date and the site: " PJD   12-04-2021  www.pjd.ma ".
_DATE = r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.]((?:19|20)\d\d)(?!\d)"
_DATELINE = re.compile(rf"^\s*(?:(\S.{{0,40}}?)\s+)?{_DATE}\s+(?:https?://|www\.)\S+\s*$")
_SIGNATURE_DATE = re.compile(rf"^\s*\(\s*{_DATE}\s*\)")
# A date in a URL: /2021/04/12/ or -20210412/.
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)(?:/|$)|[-_/]((?:19|20)\d\d)(\d\d)(\d\d)/?$")
# How many non-blank lines after the start the headline and its URL may take.
_HEADLINE_LINES = 8
# An Arabic article without a URL: its first line is its headline when it is that short and
# does not end a sentence (a body line runs to the margin).
_SHORT_HEADLINE = 70

# The outlets of the ministry's press reviews, by the host of their URLs (a subdomain such as
# www. or m. is dropped first). Another host names its outlet by its domain ("example.org" -> "Example").
OUTLETS = {
    "mapexpress.ma": "MAP Express",
    "map.ma": "MAP",
    "maroc.ma": "Maroc.ma",
    "lesiteinfo.com": "Le Site info",
    "2m.ma": "2M",
    "lematin.ma": "Le Matin",
    "medias24.com": "Médias24",
    "lereporter.ma": "Le Reporter",
    "maroc-hebdo.press.ma": "Maroc Hebdo",
    "perspectivesmed.com": "Perspectives Med",
    "challenge.ma": "Challenge",
    "aujourdhui.ma": "Aujourd'hui le Maroc",
    "le360.ma": "Le360",
    "telecontact.ma": "Telecontact",
    "fnh.ma": "Finances News Hebdo",
    "pjd.ma": "PJD",
    "24saa.ma": "24 Saa",
    "almaghribi.ma": "Al Maghribi",
    "hespress.com": "Hespress",
    "leconomiste.com": "L'Economiste",
    "lavieeco.com": "La Vie éco",
    "yabiladi.com": "Yabiladi",
    "h24info.ma": "H24info",
    "alyaoum24.com": "Alyaoum24",
    "barlamane.com": "Barlamane",
    "hibapress.com": "Hibapress",
}
_WORD = re.compile(r"\w+")

SHINGLE_SIZE = 3
DUPLICATE_THRESHOLD = 0.4


@dataclass
class Article:
    """One article of a press review."""

    title: str  # its headline ("" when it has none)
    url: str
    text: str
    urls: list[str] = field(default_factory=list)  # every URL found in the article
    outlet: str = ""  # named by the URL's host, or by its dateline
    published: str = ""  # ISO date, when the text gives one

    @property
    def citation(self) -> str:
        """The article's source line: outlet and date (``MAP Express, 12/04/2021``), or what the text gives of them."""
        date = "/".join(reversed(self.published.split("-"))) if self.published else ""
        return ", ".join(part for part in (self.outlet, date) if part)


def outlet_of(url: str) -> str:
    """The outlet a URL's host names (:data:`OUTLETS`), else the host's domain, capitalised.

    >>> outlet_of("http://www.mapexpress.ma/actualite/x/")
    'MAP Express'
    >>> outlet_of("https://m.2m.ma/fr/news/x")
    '2M'
    >>> outlet_of("https://news.example.org/a")
    'Example'
    """
    host = re.sub(r"^(?:https?://)?", "", url or "").split("/")[0].split(":")[0].lower()
    if not host:
        return ""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        if ".".join(labels[i:]) in OUTLETS:
            return OUTLETS[".".join(labels[i:])]
    domain = labels[-2] if len(labels) >= 2 else labels[0]
    return domain[:1].upper() + domain[1:]


def _iso(day: str, month: str, year: str) -> str:
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return ""
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _url_date(url: str) -> str:
    m = _URL_DATE.search(url or "")
    if not m:
        return ""
    year, month, day = m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6)
    return _iso(day, month, year)


def _is_headline(line: str) -> bool:
    """A capitalised (French/English) line, or an Arabic-script one (Arabic has no case)."""
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4:
        return False
    if arabic_ratio(line) >= 0.5:
        return True
    return sum(c.isupper() for c in letters) / len(letters) >= 0.6


def _starts_article(lines: list[str], i: int) -> bool:
    line = lines[i]
    if i == 0:
        return bool(line.strip())
    if _DATELINE.match(line):
        return True
    if not re.match(r"^ \S", line) or not lines[i - 1].strip():
        return False
    # the line after a capitalised headline is its body, not a new article
    if _is_headline(lines[i - 1]) and arabic_ratio(lines[i - 1]) < 0.5:
        return False
    return _is_headline(line)


def _urls(lines: list[str]) -> list[tuple[int, int, str]]:
    """``(first line, last line, url)`` of each URL, re-joining a URL wrapped after a ``-`` or ``/``."""
    found = []
    i = 0
    while i < len(lines):
        m = _URL_LINE.match(lines[i])
        if not m:
            i += 1
            continue
        url, end = m.group(1), i
        if url.endswith(("-", "/")) and not url.endswith("//"):
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            tail = _URL_TAIL.match(lines[j]) if j < len(lines) else None
            if tail and not _URL_LINE.match(lines[j]) and not tail.group(1).endswith("."):
                url, end = url + tail.group(1), j
        found.append((i, end, url))
        i = end + 1
    return found


def _title(lines: list[str], url_start: int | None) -> str:
    """The headline: the capitalised lines at the start (a lede in small letters is not part of
    it; without capitals, the first line before the URL); in Arabic, which has no case, the lines
    before the URL, or without a URL a short first line. A dateline, and a line with fewer than
    two letters (a stray haraka), are no part of it. ``""`` when the article has no headline."""
    head = [
        ln.strip()
        for ln in lines[: url_start if url_start is not None else len(lines)]
        if sum(c.isalpha() for c in ln) >= 2 and not _DATELINE.match(ln)
    ]
    if not head:
        return ""
    if arabic_ratio(head[0]) >= 0.5:
        if url_start is None:
            first = head[0]
            head = [first] if len(first) <= _SHORT_HEADLINE and not first.endswith((".", ":", "،")) else []
    else:
        caps = []
        for ln in head:
            if not _is_headline(ln) or arabic_ratio(ln) >= 0.5:
                break
            caps.append(ln)
        # a headline in small letters right before its URL is still the headline
        head = caps or (head[:1] if url_start is not None else [])
    return " ".join(head[:_HEADLINE_LINES])[:200]


def _source(segment: list[str], url: str) -> tuple[str, str]:
    """``(outlet, ISO date)`` of an article: the outlet from its URL's host or its dateline, the date
    from its dateline, its agency signature (``(12/04/2021)ومع``) or its URL."""
    outlet, published = outlet_of(url) if url else "", ""
    for ln in segment:
        dateline = _DATELINE.match(ln)
        if dateline:
            outlet = outlet or (dateline.group(1) or "").strip()
            published = _iso(*dateline.group(2, 3, 4))
            break
    if not published:
        for ln in segment:
            signature = _SIGNATURE_DATE.match(ln)
            if signature and _AGENCY_SIGNATURE.match(ln):
                published = _iso(*signature.group(1, 2, 3))
                break
    return outlet, published or _url_date(url)


def _clean(lines: list[str]) -> str:
    text = "\n".join(ln.rstrip() for ln in lines)
    return re.sub(r"\n\s*\n+", "\n", text).strip()


def split_press_review(text: str) -> list[Article]:
    """Split a press review into articles. A text with fewer than two articles carrying a URL is not a review: ``[]``."""
    lines = text.replace("\r\n", "\n").split("\n")
    starts = [i for i in range(len(lines)) if _starts_article(lines, i)]
    starts += [i + 1 for i, ln in enumerate(lines) if _AGENCY_SIGNATURE.match(ln) and i + 1 < len(lines)]
    starts = sorted(set(starts))
    if not starts:
        return []
    # decided over the whole review: a short article may show no sign of it of its own
    visual_order = visual_order_damaged(text)
    articles: list[Article] = []
    for start, end in zip(starts, starts[1:] + [len(lines)]):
        segment = lines[start:end]
        if not any(ln.strip() for ln in segment):
            continue
        # Arabic lines whose numbers came out in visual order, read in order again
        segment = repair_visual_order("\n".join(segment), damaged=visual_order).split("\n")
        urls = _urls(segment)
        nonblank = [k for k, ln in enumerate(segment) if ln.strip()]
        near_top = set(nonblank[: _HEADLINE_LINES + 1])
        top_url = next(((a, b, u) for a, b, u in urls if a in near_top), None)
        url_lines = {k for a, b, _ in urls for k in range(a, b + 1)}
        body = [
            ln
            for k, ln in enumerate(segment)
            if k not in url_lines and not _AGENCY_SIGNATURE.match(ln) and not _DATELINE.match(ln)
        ]
        url = top_url[2] if top_url else (urls[0][2] if urls else "")
        outlet, published = _source(segment, url)
        articles.append(
            Article(
                title=_title(segment, top_url[0] if top_url else None),
                url=url,
                text=_clean(body),
                urls=list(dict.fromkeys(u for _, _, u in urls)),
                outlet=outlet,
                published=published,
            )
        )
    # Counted once the empty ones are gone: a headline and a link alone are no article.
    articles = [a for a in articles if a.text]
    if sum(1 for a in articles if a.url) < 2:
        return []
    return articles


def _lead(text: str, limit: int = 80) -> str:
    """The first sentence of an article that has no headline anywhere, cut on a word within ``limit`` characters."""
    first = re.split(r"(?<=[.!?؟])\s", " ".join(text.split()), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip("،,;:") + "…"


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[tuple[str, ...]]:
    """Word ``size``-grams of the normalised text (Arabic spelling variants and case folded)."""
    words = _WORD.findall(normalize_arabic(text))
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def jaccard(a: set, b: set) -> float:
    """Jaccard similarity of two sets (0 when both are empty)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def group_near_duplicates(texts: list[str], threshold: float = DUPLICATE_THRESHOLD) -> list[list[int]]:
    """Indices of ``texts`` grouped by near-duplication (single link: Jaccard of shingles >= ``threshold``)."""
    sets = [shingles(t) for t in texts]
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if root(i) != root(j) and jaccard(sets[i], sets[j]) >= threshold:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


# A section heading of a web page: a short line of two words or more that ends no sentence,
# is no list item, and is followed by a paragraph more than twice its length.
_SENTENCE_END = (".", "!", "?", ":", ";", ",", "؟", "،", "؛")
_HEADING_MAX = 150


def section_headings(text: str) -> list[tuple[int, str]]:
    """The section headings of a plain-text page: each one's offset in ``text`` and its line.

    >>> section_headings("Our work\\nThe mission supports migrants and their host communities in Morocco.\\n")
    [(0, 'Our work')]
    """
    lines, at = [], 0  # the non-blank lines, each with its offset
    for raw in text.splitlines(keepends=True):
        if line := raw.strip():
            lines.append((at + raw.index(line), line))
        at += len(raw)
    return [
        (start, line)
        for (start, line), (_, following) in zip(lines, [*lines[1:], (0, "")])
        if len(line.split()) >= 2
        and len(line) <= _HEADING_MAX
        and not line.endswith(_SENTENCE_END)
        and not line.startswith(("-", "•", "*"))
        and len(following) > 2 * len(line)
    ]


def split_sections(text: str) -> list[tuple[str, str]]:
    """A page with two section headings or more, as ``(heading, text)`` per section (the text
    from its heading to the next; what comes before the first heading joins it); else ``[]``."""
    headings = section_headings(text)
    if len(headings) < 2:
        return []
    ends = [start for start, _ in headings[1:]] + [len(text)]
    sections = [(heading, text[start:end].strip()) for (start, heading), end in zip(headings, ends)]
    before = text[: headings[0][0]].strip()
    if re.search(r"\w", before):
        sections[0] = (sections[0][0], f"{before}\n{sections[0][1]}")
    return sections


@component
class PressReviewSplitter:
    """Splits press reviews into one Document per article and collapses reprints of the same story.

    A plain-text page (``.txt``) that is not a press review but has section headings is
    cut into one Document per section, titled by its heading (:func:`split_sections`).
    Other documents that are not press reviews (see :func:`split_press_review`) pass
    unchanged. Each article Document gets ``title`` (its headline), ``url``
    (its outlet's URL), ``citation`` (its source line: outlet and date, as far as
    the text gives them), ``outlet``, ``published`` (ISO date or ``""``),
    ``alternate_urls`` (the URLs of the reprints collapsed into it),
    ``duplicates`` (how many were collapsed) and ``article`` (its position in
    the review), on top of the review's own metadata.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.press import PressReviewSplitter

    review = Document(content=open("../shared/corpus/seeds/003_293f6ca8e557d9f9.txt").read())
    result = PressReviewSplitter().run(documents=[review])
    print(len(result["documents"]), result["meta"])
    ```
    """

    def __init__(self, threshold: float = DUPLICATE_THRESHOLD) -> None:
        """:param threshold: Jaccard similarity of word 3-shingles from which two articles are the same story."""
        self.threshold = threshold

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, threshold=self.threshold)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PressReviewSplitter":
        """Deserializes the component from a dictionary."""
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document], meta=dict[str, Any])
    def run(self, documents: list[Document]) -> dict[str, Any]:
        """
        :param documents: documents, some of which may be press reviews.
        :returns: ``{"documents": [...], "meta": {"reviews", "articles", "collapsed", "sections"}}``.
        """
        out: list[Document] = []
        stats = {"reviews": 0, "articles": 0, "collapsed": 0, "sections": 0}
        for doc in documents:
            articles = split_press_review(doc.content or "")
            if not articles:
                page = str(doc.meta.get("file_path") or "").lower().endswith(".txt")
                sections = split_sections(doc.content or "") if page else []
                stats["sections"] += len(sections)
                out.extend(Document(content=text, meta={**doc.meta, "title": heading}) for heading, text in sections)
                if not sections:
                    out.append(doc)
                continue
            stats["reviews"] += 1
            stats["articles"] += len(articles)
            for group in group_near_duplicates([a.text for a in articles], self.threshold):
                # the longest copy that names its source
                keep = max(group, key=lambda i: (bool(articles[i].url), len(articles[i].text)))
                article = articles[keep]
                others = [u for i in group for u in articles[i].urls if u != article.url]
                # a copy without a headline of its own (a page whose header was an image) takes its story's
                headline = article.title or next((articles[i].title for i in group if articles[i].title), "")
                meta = dict(doc.meta)
                meta.update(
                    title=headline or _lead(article.text) or meta.get("title", ""),
                    url=article.url,
                    alternate_urls=list(dict.fromkeys(others)),
                    duplicates=len(group) - 1,
                    article=keep + 1,
                    citation=article.citation,
                    outlet=article.outlet,
                    published=article.published,
                )
                stats["collapsed"] += len(group) - 1
                out.append(Document(content=article.text, meta=meta))
        return {"documents": out, "meta": stats}
