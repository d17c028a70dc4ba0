"""The ONNX Runtime embedding backend: a sentence-transformers model exported once, offline,
with ``torch.onnx.export`` and optionally quantised to int8, then run by ONNX Runtime with mean
pooling and L2 normalisation in numpy.

With ``graph="fused"`` (the default) the export uses eager attention and is rewritten by ONNX
Runtime's transformer optimizer before quantising: embeddings + layer norm, attention, bias + GELU
and residual + layer norm each become one kernel (``EmbedLayerNormalization``, ``Attention``,
``BiasGelu``, ``SkipLayerNormalization``), and int8 turns attention into ``QAttention``. The fused
fp32 graph is checked against the plain one on a padded batch before it is kept; a model whose
graph does not fuse (or disagrees) keeps the unfused export, with a warning.

The export is ``rag/embed/onnx_export.py``. The exported file is cached under
``DATA_DIR/models/`` in a folder named by the model's files, the quantisation, the graph and the
exporter's versions, so it is built once and rebuilt only when one changes.

Example:
    >>> model = OnnxModel.load(Path("model/"), cache_dir=Path(".newsrag/models"), quantize="int8")
    >>> model.encode(["OpenAI raised money."], batch_size=32).shape
    (1, 384)
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from rag.embed.onnx_export import (
    Graph,
    ModelSpec,
    Quantize,
    export_onnx,
    fused_ops,
    model_digest,
    read_spec,
)
from rag.embed.token_model import TokenModel

log = logging.getLogger(__name__)


class OnnxModel(TokenModel):
    """A sentence-transformers model run by ONNX Runtime.

    Args:
        spec: the model folder and its sizes.
        onnx_path: the exported (and possibly quantised) ONNX file.
        threads: ONNX Runtime intra-op threads; 0 lets it pick (one per physical core).
    """

    def __init__(self, spec: ModelSpec, onnx_path: Path, *, threads: int = 0) -> None:
        import onnxruntime as ort

        super().__init__(spec)
        self.path = onnx_path
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )

    @classmethod
    def load(
        cls,
        folder: Path,
        *,
        cache_dir: Path,
        quantize: Quantize = "int8",
        graph: Graph = "fused",
        threads: int = 0,
    ) -> OnnxModel:
        """The model from ``cache_dir``, exporting it there first if it is not built yet."""
        spec = read_spec(folder)
        name = f"{folder.name}-{model_digest(folder, quantize, graph)}"
        target = cache_dir / name / ("model-int8.onnx" if quantize == "int8" else "model.onnx")
        if not target.exists():
            log.info(
                "exporting %s to ONNX (%s, %s) at %s; done once", folder, quantize, graph, target
            )
            export_onnx(folder, target, quantize=quantize, graph=graph)
        return cls(spec, target, threads=threads)

    @property
    def fused(self) -> bool:
        """Whether the loaded graph runs ONNX Runtime's fused transformer kernels."""
        return all(fused_ops(self.path).values())

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return self.session.run(None, feed)[0]
