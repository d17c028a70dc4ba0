"""Stage 4, retrieve: a question (and outlet/date filters) -> ranked ``Hit`` chunks.

In: the question, its conversation, the user's filters, and the index. Out: the best chunks,
each with its article's metadata and body offsets.

- ``conversation``: a follow-up rewritten to stand alone
- ``intent``: what the question asks for (its kind) and the time it talks about
- ``filters``: outlet and date choices -> search filters; ``planner``: outlets and days the
  question names -> sub-queries
- ``retriever``: the ``Retriever`` that runs it all; ``dense`` (exact vector search),
  ``fusion`` (dense + BM25 into one list), ``merge`` (sub-queries' lists into one),
  ``rescore`` (chunks re-ordered by their best sentence), ``rerank`` (an optional cross-encoder)
"""
