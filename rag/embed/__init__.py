"""Stage 2, embed: texts (or the chunker's word pieces) -> unit vectors.

In: chunk texts and their token ids, questions. Out: float32 unit vectors, one per text, and
one per sentence read from the same model run (for quoting without another pass).

- ``embedder``: the ``Embedder`` every later stage uses, and the only importer of
  sentence-transformers; picks a backend per machine (``auto``, ``onnx``, ``torch``)
- ``onnx_export`` (the model exported once, offline), ``onnx_backend`` (int8/float32 ONNX Runtime),
  ``torch_backend`` (torch bfloat16 autocast), ``token_model`` (what both share: batching and
  pooling over token ids), ``pooling`` (mean and per-sentence pooling), ``vectors`` (arithmetic)
"""
