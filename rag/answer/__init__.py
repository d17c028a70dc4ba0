"""Stage 5, answer: a question and its ranked hits -> ``Answer`` with numbered citations.

In: an ``AnswerRequest`` (question, hits, intent, filters in words). Out: an ``Answer``: text
with ``[n]`` markers, the ``Citation`` each marker points at (the exact quoted span), a short
answer when the evidence settles one, or an abstention saying what was searched.

- ``base``: the request every answerer receives, and the shared abstention
- ``extractive`` (the default, no LLM: quotes the sentences that answer) and ``short`` (short
  answers the quoted evidence settles)
- ``llm`` (answers written by an LLM, then checked), ``backends`` (LLMs from settings),
  ``citations`` (checking each sentence against what it cites)
- ``judge``: grading answers with an LLM judge (for evals)
"""
