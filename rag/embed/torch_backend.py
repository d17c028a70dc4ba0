"""The torch bfloat16 backend: the sentence-transformers model's transformer run by torch under
CPU autocast, so its matrix products run in bfloat16 (on the AMX tile units of CPUs that have
them) while layer norms and softmax stay float32. Tokenizing, batching and pooling are
``TokenModel``'s, the same as the ONNX backend's.

On a CPU with AMX (Intel Xeon of the 4th generation and newer) this is the fastest way to run
all-MiniLM-L6-v2 here, and its vectors are within cosine 0.9999 of float32 torch; elsewhere
bfloat16 is emulated and slower than float32, so ``rag.embed.embedder`` picks it only where AMX is.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from rag.embed.onnx_export import ModelSpec
from rag.embed.token_model import TokenModel

_CPUINFO = Path("/proc/cpuinfo")


@cache
def has_amx_bf16(cpuinfo: Path = _CPUINFO) -> bool:
    """Whether the CPU has AMX bfloat16 tile units (the ``amx_bf16`` flag Linux reports)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):  # the first CPU's; every core of a machine has the same
            return "amx_bf16" in line.split(":", 1)[-1].split()
    return False


class TorchModel(TokenModel):
    """A Transformer + mean pooling model's torch module, run in bfloat16 autocast.

    Args:
        spec: the model folder and its sizes.
        module: the Hugging Face model inside the sentence-transformers ``Transformer``
            (``SentenceTransformer(...)[0].auto_model``), already loaded.
    """

    def __init__(self, spec: ModelSpec, module: Any) -> None:
        super().__init__(spec)
        self.module = module

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        input_ids = torch.from_numpy(ids)
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
            out = self.module(
                input_ids=input_ids,
                attention_mask=torch.from_numpy(mask),
                token_type_ids=torch.zeros_like(input_ids),
            )
        return out.last_hidden_state.float().numpy()
