"""Tiny BERT models built on the spot (random weights, a 30-word vocabulary): no download."""
from __future__ import annotations

from pathlib import Path

WORDS = "the minimum wage annual leave paid days month hours week employer worker contract notice".split()


def _tokenizer(folder: Path):
    from transformers import BertTokenizer

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "query", "passage", ":", *WORDS]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    return BertTokenizer(str(folder / "vocab.txt")), len(vocab)


def _config(vocab_size: int, **extra):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64, **extra,
    )


def tiny_encoder(folder: Path) -> Path:
    import torch
    from transformers import BertModel

    torch.manual_seed(0)
    tokenizer, size = _tokenizer(folder)
    BertModel(_config(size)).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def tiny_cross_encoder(folder: Path) -> Path:
    import torch
    from transformers import BertForSequenceClassification

    torch.manual_seed(0)
    tokenizer, size = _tokenizer(folder)
    BertForSequenceClassification(_config(size, num_labels=1)).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
