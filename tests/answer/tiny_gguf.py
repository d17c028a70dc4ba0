"""Writes a tiny llama-architecture GGUF whose greedy output is a fixed text.

The model is a bigram machine: attention and feed-forward outputs are zero, so the hidden
state at each position is the current token's one-hot embedding, and the output matrix maps
each token to the next one in the chain. Whatever the prompt, generation starts at the chain's
first token and ends with </s>. Weights are random where they do not matter.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

_SPECIAL = ["<unk>", "<s>", "</s>"]


def write_chain_model(path: Path, words: list[str], *, seed: int = 0) -> Path:
    """A GGUF at ``path`` that answers any prompt with ``" ".join(words)``.

    Args:
        words: the output, one vocabulary piece per word (each must be distinct).
    """
    import gguf

    assert len(set(words)) == len(words), "each piece may appear once in the chain"
    pieces = [f"▁{w}" for w in words]
    tokens = _SPECIAL + [f"<0x{b:02X}>" for b in range(256)] + pieces
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
    types += [gguf.TokenType.BYTE] * 256 + [gguf.TokenType.NORMAL] * len(pieces)
    vocab = len(tokens)
    embd = ((vocab + 31) // 32) * 32  # one-hot needs embd >= vocab; a multiple of the heads
    heads, ffn = 4, 32
    first = len(_SPECIAL) + 256
    successor = np.full(vocab, first)  # any token -> the chain's first piece
    for i in range(len(pieces) - 1):
        successor[first + i] = first + i + 1
    successor[first + len(pieces) - 1] = 2  # last piece -> </s>

    rng = np.random.default_rng(seed)
    small = lambda *shape: (rng.standard_normal(shape) * 0.02).astype(np.float32)  # noqa: E731
    token_embd = np.zeros((vocab, embd), dtype=np.float32)
    token_embd[np.arange(vocab), np.arange(vocab)] = 1.0
    output = np.zeros((vocab, embd), dtype=np.float32)
    output[successor, np.arange(vocab)] = 10.0

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_context_length(8192)
    writer.add_embedding_length(embd)
    writer.add_block_count(1)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(heads)
    writer.add_rope_dimension_count(embd // heads)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(0)  # all F32
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores([0.0] * vocab)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    tensors = {
        "token_embd.weight": token_embd,
        "output_norm.weight": np.ones(embd, dtype=np.float32),
        "output.weight": output,
        "blk.0.attn_norm.weight": np.ones(embd, dtype=np.float32),
        "blk.0.attn_q.weight": small(embd, embd),
        "blk.0.attn_k.weight": small(embd, embd),
        "blk.0.attn_v.weight": small(embd, embd),
        "blk.0.attn_output.weight": np.zeros((embd, embd), dtype=np.float32),
        "blk.0.ffn_norm.weight": np.ones(embd, dtype=np.float32),
        "blk.0.ffn_gate.weight": small(ffn, embd),
        "blk.0.ffn_up.weight": small(ffn, embd),
        "blk.0.ffn_down.weight": np.zeros((embd, ffn), dtype=np.float32),
    }
    for name, array in tensors.items():
        writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
