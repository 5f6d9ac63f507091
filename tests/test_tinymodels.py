"""The tiny-model builder makes OPUS-MT-shaped folders that transformers loads as Marian models."""

import json

from mt.engines.tinymodels import build_tiny_marian


def test_tiny_model_has_opus_mt_layout(tiny_model_dir):
    names = {path.name for path in tiny_model_dir.iterdir()}
    assert {
        "source.spm",
        "target.spm",
        "vocab.json",
        "config.json",
        "generation_config.json",
    } <= names
    vocab = json.loads((tiny_model_dir / "vocab.json").read_text(encoding="utf-8"))
    assert vocab["</s>"] == 0 and vocab["<unk>"] == 1
    assert vocab["<pad>"] == max(vocab.values())


def test_multilingual_model_lists_target_tokens(tiny_multilingual_dir):
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(tiny_multilingual_dir)
    assert ">>deu<<" in tokenizer.supported_language_codes
    ids = tokenizer([">>deu<< De minister."]).input_ids[0]
    assert tokenizer.convert_ids_to_tokens(ids)[0] == ">>deu<<"


def test_build_is_deterministic(tmp_path):
    first = build_tiny_marian(tmp_path / "a")
    second = build_tiny_marian(tmp_path / "b")
    assert (first / "model.safetensors").read_bytes() == (second / "model.safetensors").read_bytes()
    assert (first / "vocab.json").read_text() == (second / "vocab.json").read_text()
