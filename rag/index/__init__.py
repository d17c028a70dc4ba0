"""Stage 3, index: articles, chunks and vectors -> Chroma, and the caches derived from it.

In: ``Article`` and ``Chunk`` records from ingest, vectors from embed. Out: what retrieval reads:
the Chroma collection (the single source of truth), the keyword (BM25) cache with each chunk's
text, metadata and sentences, and each article's sentence table.

- ``store``: the Chroma collection, embedded or a server; the only importer of chromadb
- ``writer``: ingest runs: skip unchanged, replace changed, record syndicated copies
- ``catalog``: what is indexed (articles, counts, dates)
- ``keywords`` (the BM25 cache and when it is rebuilt), ``words`` (text -> BM25 words),
  ``postings`` (BM25 weights), ``chunk_records`` (chunk texts and metadata as arrays)
- ``sentence_table`` (each article's sentences with a vector apiece) and ``sentence_index``
  (all of them, with each chunk's sentences as word ids)
"""
