"""Stage 1, ingest: what the user gives (files, folders, URLs, feeds) -> ``Article`` -> ``Chunk``.

In: paths, http(s) URLs and feed lists. Out: ``Article`` records (cleaned text and metadata,
with a stable id and a syndication signature) or an ``ItemError`` per rejected item, and each
article's sentence-aligned chunks sized by the embedding model's tokenizer.

- ``sources``: what ``newsrag ingest`` is given -> loaders; ``loaders`` (files), ``web`` (URLs,
  pages, feed lists), ``feeds`` (RSS/Atom parsing), ``addresses`` (which hosts a fetch may reach)
- ``normalize`` and ``limits``: text, dates and URLs cleaned; hostile input bounded
- ``identity``: article ids, content hashes, near-duplicate signatures
- ``sentences`` (sentence spans with exact offsets) and ``chunking`` (sentences -> chunks)
"""
