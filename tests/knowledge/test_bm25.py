"""BM25 over bm25s (knowledge.bm25): haystack's BM25L scores, the project's tokens."""
import os
import subprocess
import sys

import pytest
from haystack import Document
from haystack.document_stores.in_memory import InMemoryDocumentStore

from knowledge.analysis import analyze, analyze_passage
from knowledge.bm25 import BM25Index, bm25_text

from .test_document_store import TEXTS


def _reference(documents: list[Document]) -> InMemoryDocumentStore:
    """haystack's stock BM25L (the algorithm the index used before bm25s) over the same tokens:
    each passage written as its analysis tokens, split on white space."""
    store = InMemoryDocumentStore(bm25_tokenization_regex=r"\S+", shared=False)
    store.write_documents([Document(id=d.id, content=" ".join(analyze_passage(bm25_text(d)))) for d in documents])
    return store


def _reference_scores(store: InMemoryDocumentStore, query: str) -> dict[str, float]:
    tokens = " ".join(analyze(query))
    return {d.id: d.score for d in store.bm25_retrieval(tokens, top_k=100_000)} if tokens else {}


def _scores(index: BM25Index, documents: list[Document], query: str) -> dict[str, float]:
    return {d.id: float(s) for d, s in zip(documents, index.scores(query)) if s > 0}


@pytest.mark.parametrize(
    "query", ["paid annual leave", "congés payés", "عطلة سنوية", "rest hours hours rest", "nothing matches", "؟"]
)
def test_bm25s_gives_haystacks_bm25l_scores(query):
    docs = [Document(id=str(i), content=t) for i, t in enumerate(TEXTS)]
    assert _scores(BM25Index(docs), docs, query) == pytest.approx(_reference_scores(_reference(docs), query), rel=1e-5)


def test_bm25_reads_the_chapter_heading_with_the_content():
    chapter = "الفرع الأول: مدة العطلة السنوية المؤدى عنها"
    docs = [
        Document(id="231", content="يستحق كل أجير قضى ستة أشهر يوما ونصف يوم عن كل شهر.", meta={"chapter": chapter}),
        Document(id="19", content="إذا طرأ تغيير على الوضعية القانونية للمشغل تبقى العقود سارية.", meta={"chapter": ""}),
    ]
    got = _scores(BM25Index(docs), docs, "العطلة السنوية")
    assert list(got) == ["231"]
    assert got == pytest.approx(_reference_scores(_reference(docs), "العطلة السنوية"), rel=1e-5)


def test_the_corpus_scores_like_haystacks_bm25l(shared_corpus):
    """The authored cards and the Labour Code's articles, as the reader gives them (with chapters)."""
    from knowledge.readers import StatuteJSONReader
    from knowledge.settings import AUTHORED_CORPUS

    cards = [Document(content=p.read_text(encoding="utf-8")) for p in sorted(AUTHORED_CORPUS.rglob("*.md"))]
    articles = StatuteJSONReader().run(sources=[shared_corpus / "legal" / "labor-428.json"])["documents"]
    docs = cards + articles
    index, reference = BM25Index(docs), _reference(docs)
    for query in ("العطلة السنوية المؤدى عنها", "الحد الأدنى للأجر", "congé de maternité", "notice period dismissal"):
        got = _scores(index, docs, query)
        assert got and got == pytest.approx(_reference_scores(reference, query), rel=1e-5)


def test_an_empty_index_scores_nothing():
    assert len(BM25Index([]).scores("عطلة")) == 0


_SCORES_IN_A_NEW_PROCESS = """
import sys
from haystack import Document
from knowledge.bm25 import BM25Index
words = "salaire congé heures repos préavis contrat licenciement indemnité grève maternité accident travail".split()
documents = [Document(id=str(i), content=" ".join(words[(i * k) % len(words)] for k in range(1, 9))) for i in range(40)]
sys.stdout.write(BM25Index(documents).scores(" ".join(words)).tobytes().hex())
"""


def test_scores_are_the_same_bits_in_every_process():
    # bm25s numbers its vocabulary in an order that changes with Python's string hashing; summed in
    # that order, the same terms gave other float32 roundings, so tied passages swapped ranks and
    # two fits of the same data differed
    def scores(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        return subprocess.run([sys.executable, "-c", _SCORES_IN_A_NEW_PROCESS], env=env, capture_output=True, text=True, check=True).stdout

    runs = {scores(seed) for seed in ("1", "2", "3")}
    assert len(runs) == 1 and next(iter(runs))
