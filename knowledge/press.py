"""Press reviews: split a compiled review into its articles and collapse near-duplicates.

A ministry press review (a PDF turned into text) strings together the same
story as told by many outlets. Each article starts on a new page, so in the
extracted text it opens with a line that begins with one space right after a
text line (no blank line between): a headline in capitals, or, in the Arabic
part, the first line of the article. Its source URL follows the headline
(sometimes wrapped over two lines). A wire-agency signature such as
``(12/04/2021)ومع`` or ``(MAP)`` also closes an article.

Near-duplicates (the same dispatch reprinted) are found by the Jaccard
similarity of word 3-shingles on the normalised text; each group keeps its
longest article, and the other outlets' URLs go to ``meta["alternate_urls"]``.

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

from knowledge.arabic import arabic_ratio, normalize_arabic

# A URL alone on its line (outlets' links), and the end of a URL wrapped onto the next line.
_URL_LINE = re.compile(r"^\s*((?:https?://|www\.)\S+)\s*$")
_URL_TAIL = re.compile(r"^\s*([\w\-./%?=&#]+/?)\s*$")
# Wire-agency signature that closes an article: "(12/04/2021)ومع", "(MAP)", "ومع".
_AGENCY_SIGNATURE = re.compile(r"^\s*(?:\(\s*\d{1,2}/\d{1,2}/\d{4}\s*\)\s*)?(?:ومع|\(?MAP\)?)\s*$")
# How many non-blank lines after the start the headline and its URL may take.
_HEADLINE_LINES = 8
_WORD = re.compile(r"\w+")

SHINGLE_SIZE = 3
DUPLICATE_THRESHOLD = 0.4


@dataclass
class Article:
    """One article of a press review."""

    title: str
    url: str
    text: str
    urls: list[str] = field(default_factory=list)  # every URL found in the article


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
    head = [ln.strip() for ln in lines[: url_start if url_start is not None else len(lines)] if ln.strip()]
    if url_start is None:
        # no URL near the top: the capitalised lines at the start, or the first line
        caps = []
        for ln in head:
            if not _is_headline(ln) or arabic_ratio(ln) >= 0.5:
                break
            caps.append(ln)
        head = caps or head[:1]
    return " ".join(head[:_HEADLINE_LINES])[:200]


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
    articles: list[Article] = []
    for start, end in zip(starts, starts[1:] + [len(lines)]):
        segment = lines[start:end]
        if not any(ln.strip() for ln in segment):
            continue
        urls = _urls(segment)
        nonblank = [k for k, ln in enumerate(segment) if ln.strip()]
        near_top = set(nonblank[: _HEADLINE_LINES + 1])
        top_url = next(((a, b, u) for a, b, u in urls if a in near_top), None)
        url_lines = {k for a, b, _ in urls for k in range(a, b + 1)}
        body = [ln for k, ln in enumerate(segment) if k not in url_lines and not _AGENCY_SIGNATURE.match(ln)]
        articles.append(
            Article(
                title=_title(segment, top_url[0] if top_url else None),
                url=top_url[2] if top_url else (urls[0][2] if urls else ""),
                text=_clean(body),
                urls=list(dict.fromkeys(u for _, _, u in urls)),
            )
        )
    # Counted once the empty ones are gone: a headline and a link alone are no article.
    articles = [a for a in articles if a.text]
    if sum(1 for a in articles if a.url) < 2:
        return []
    return articles


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


@component
class PressReviewSplitter:
    """Splits press reviews into one Document per article and collapses reprints of the same story.

    Documents that are not press reviews (see :func:`split_press_review`) pass
    unchanged. Each article Document gets ``title`` (its headline), ``url``
    (its outlet's URL), ``alternate_urls`` (the URLs of the reprints collapsed
    into it), ``duplicates`` (how many were collapsed) and ``article`` (its
    position in the review), on top of the review's own metadata.

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
        :returns: ``{"documents": [...], "meta": {"reviews", "articles", "collapsed"}}``.
        """
        out: list[Document] = []
        stats = {"reviews": 0, "articles": 0, "collapsed": 0}
        for doc in documents:
            articles = split_press_review(doc.content or "")
            if not articles:
                out.append(doc)
                continue
            stats["reviews"] += 1
            stats["articles"] += len(articles)
            for group in group_near_duplicates([a.text for a in articles], self.threshold):
                keep = max(group, key=lambda i: len(articles[i].text))
                article = articles[keep]
                others = [u for i in group for u in articles[i].urls if u != article.url]
                meta = dict(doc.meta)
                meta.update(
                    title=article.title or meta.get("title", ""),
                    url=article.url,
                    alternate_urls=list(dict.fromkeys(others)),
                    duplicates=len(group) - 1,
                    article=keep + 1,
                )
                stats["collapsed"] += len(group) - 1
                out.append(Document(content=article.text, meta=meta))
        return {"documents": out, "meta": stats}
