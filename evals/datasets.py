"""Question sets for evaluation: MultiHop-RAG (its published ``corpus.json`` + query file) and
our own gold sets, which use the same query shape so anyone can write one.

A query record (MultiHop-RAG's format, also our gold format)::

    {"query": "...", "answer": "...", "question_type": "inference_query",
     "evidence_list": [{"title": "...", "url": "...", "source": "...",
                        "published_at": "...", "fact": "a sentence copied from the article"}]}

A question that the corpus cannot answer has the answer ``"Insufficient information."`` and an
empty ``evidence_list``.

Example:
    >>> data = load_multihop(Path("../shared/datasets/multihop-rag"))
    >>> data.questions[0].query
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rag import NewsragError

log = logging.getLogger(__name__)

NULL_ANSWER = "Insufficient information."
MULTIHOP_REPO = "yixuantt/MultiHopRAG"
MULTIHOP_CORPUS = "corpus.json"
MULTIHOP_QUERY_FILES = ("queries-dev.json", "MultiHopRAG.json")  # the dev split, or all queries
MULTIHOP_ARTICLES = 609
SHARED_MULTIHOP = Path("../shared/datasets/multihop-rag")
_CORPUS_FIELDS = ("title", "body", "url", "source", "published_at")
_QUERY_FIELDS = ("query", "answer", "question_type", "evidence_list")


@dataclass(frozen=True)
class Evidence:
    """One supporting fact: a sentence copied from the article it names."""

    fact: str
    title: str = ""
    url: str = ""
    source: str = ""
    published_at: str = ""


@dataclass(frozen=True)
class Question:
    """One evaluation question with its gold answer and evidence.

    ``qid`` is the question's position in its file (``"0"``, ``"1"``, …), stable across runs.
    """

    qid: str
    query: str
    answer: str = ""
    question_type: str = ""
    evidence: tuple[Evidence, ...] = ()

    @property
    def is_null(self) -> bool:
        """True when the gold answer says the corpus cannot answer the question."""
        return self.answer.strip() == NULL_ANSWER

    def without_gold(self) -> Question:
        """The question with its answer and evidence removed (what the system may see)."""
        return replace(self, answer="", evidence=())


@dataclass(frozen=True)
class Dataset:
    """A corpus to index and the questions to ask about it.

    ``corpus`` lists files and folders in the form ``NewsRAG.ingest`` reads.
    """

    name: str
    corpus: tuple[Path, ...]
    questions: tuple[Question, ...]
    source: str = ""

    def select(self, *, types: Sequence[str] = (), limit: int | None = None) -> Dataset:
        """The questions of these types (all when empty), then the first ``limit`` of them.

        Raises:
            NewsragError: a type that no question has.
        """
        known = sorted({q.question_type for q in self.questions})
        unknown = [t for t in types if t not in known]
        if unknown:
            raise NewsragError(
                f"No question has type {unknown[0]!r}; the types are {', '.join(known)}"
            )
        kept = [q for q in self.questions if not types or q.question_type in types]
        return replace(self, questions=tuple(kept[:limit] if limit is not None else kept))


def load_queries(path: Path) -> tuple[Question, ...]:
    """Read a query file in MultiHop-RAG's format (a JSON list of query records).

    Raises:
        NewsragError: the file is missing, not JSON, or a record lacks a field; the message
            names the record and the field.
    """
    records = _read_json(path)
    if not isinstance(records, list) or not records:
        raise NewsragError(f"{path}: expected a non-empty JSON list of query records")
    return tuple(_question(record, f"{path}#{i}", str(i)) for i, record in enumerate(records))


def _question(record: Any, where: str, qid: str) -> Question:
    if not isinstance(record, dict):
        raise NewsragError(f"{where}: a query record must be a JSON object")
    missing = [f for f in _QUERY_FIELDS if f not in record]
    if missing:
        raise NewsragError(
            f"{where}: missing field(s) {', '.join(missing)}; each record needs "
            f"{', '.join(_QUERY_FIELDS)}"
        )
    query, answer = record["query"], record["answer"]
    if not isinstance(query, str) or not query.strip() or not isinstance(answer, str):
        raise NewsragError(f"{where}: 'query' must be a non-empty string and 'answer' a string")
    if not isinstance(record["evidence_list"], list):
        raise NewsragError(f"{where}: 'evidence_list' must be a list ([] for none)")
    evidence = []
    for n, item in enumerate(record["evidence_list"]):
        if not isinstance(item, dict) or not str(item.get("fact") or "").strip():
            raise NewsragError(f"{where}: evidence {n} needs a non-empty 'fact'")
        if not (item.get("title") or item.get("url")):
            raise NewsragError(f"{where}: evidence {n} needs the article's 'title' or 'url'")
        evidence.append(
            Evidence(
                fact=str(item["fact"]),
                **{k: str(item.get(k) or "") for k in ("title", "url", "source", "published_at")},
            )
        )
    return Question(qid, query, answer, str(record["question_type"]), tuple(evidence))


def check_corpus(path: Path) -> int:
    """Check a corpus file in MultiHop-RAG's ``corpus.json`` shape; returns its article count.

    Raises:
        NewsragError: not JSON, not a list, or an article lacks one of title, body, url,
            source, published_at.
    """
    records = _read_json(path)
    if not isinstance(records, list) or not records:
        raise NewsragError(f"{path}: expected a non-empty JSON list of articles")
    for i, record in enumerate(records):
        missing = [f for f in _CORPUS_FIELDS if not isinstance(record, dict) or f not in record]
        if missing:
            raise NewsragError(f"{path}#{i}: article lacks {', '.join(missing)}")
    return len(records)


def locate_multihop(folder: Path | None = None, *, download_to: Path) -> Path:
    """The folder holding MultiHop-RAG: ``folder`` if given, else the shared copy
    (``../shared/datasets/multihop-rag`` from the working directory) when present, else
    ``download_to``, downloading the files there when they are missing.

    Raises:
        NewsragError: offline and no local copy (the message says where to put the files).
    """
    if folder is not None:
        return folder
    for candidate in (SHARED_MULTIHOP, download_to):
        if _has_files(candidate):
            return candidate
    return fetch_multihop(download_to)


def load_multihop(
    folder: Path | None = None,
    *,
    corpus: Path | None = None,
    queries: Path | None = None,
    download_to: Path,
) -> Dataset:
    """MultiHop-RAG: ``corpus.json`` and a query file (``queries-dev.json`` or
    ``MultiHopRAG.json``), each given or found in ``locate_multihop``'s folder.

    Every evidence URL must name an article of the corpus (so the two files belong together).

    Raises:
        NewsragError: files missing (offline: where to put them), malformed, or not matching.
    """
    if corpus is None or queries is None:
        where = locate_multihop(folder, download_to=download_to)
        corpus = corpus or where / MULTIHOP_CORPUS
        found = next((where / n for n in MULTIHOP_QUERY_FILES if (where / n).is_file()), None)
        queries = queries or found
        if queries is None or not corpus.is_file():
            raise NewsragError(
                f"{where} must hold {MULTIHOP_CORPUS} and one of "
                f"{', '.join(MULTIHOP_QUERY_FILES)} (the files of the Hugging Face dataset "
                f"{MULTIHOP_REPO})"
            )
    n_articles = check_corpus(corpus)
    if n_articles != MULTIHOP_ARTICLES:
        log.warning(
            "%s has %d articles; MultiHop-RAG has %d", corpus, n_articles, MULTIHOP_ARTICLES
        )
    questions = load_queries(queries)
    urls = {a["url"] for a in json.loads(corpus.read_text(encoding="utf-8"))}
    unknown = [e.url for q in questions for e in q.evidence if e.url not in urls]
    if unknown:
        raise NewsragError(
            f"{queries}: {len(unknown)} evidence URLs are not in {corpus} (first: {unknown[0]}); "
            "the query file and the corpus come from different releases"
        )
    return Dataset("multihop-rag", (corpus,), questions, source=str(queries))


def load_gold(path: Path, *, corpus: tuple[Path, ...]) -> Dataset:
    """A gold set of ours (MultiHop-RAG's query format) over the articles in ``corpus``.

    Raises:
        NewsragError: the file is malformed or a corpus path does not exist.
    """
    for item in corpus:
        if not item.exists():
            raise NewsragError(f"{item}: no such corpus file or folder")
    return Dataset(path.stem, corpus, load_queries(path), source=str(path))


def fetch_multihop(dest: Path) -> Path:
    """Download MultiHop-RAG's ``corpus.json`` and ``MultiHopRAG.json`` into ``dest``.

    Raises:
        NewsragError: offline (``HF_HUB_OFFLINE`` set or the hub unreachable); the message says
            where to put the files by hand.
    """
    files = (MULTIHOP_CORPUS, "MultiHopRAG.json")
    by_hand = (
        f"MultiHop-RAG is not in {dest} and cannot be downloaded ({{why}}). Put "
        f"{' and '.join(files)} from the Hugging Face dataset {MULTIHOP_REPO} in {dest}, "
        "or pass --dataset-dir FOLDER."
    )
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        raise NewsragError(by_hand.format(why="HF_HUB_OFFLINE is set"))
    from huggingface_hub import hf_hub_download

    dest.mkdir(parents=True, exist_ok=True)
    try:
        for name in files:
            hf_hub_download(
                repo_id=MULTIHOP_REPO, repo_type="dataset", filename=name, local_dir=dest
            )
    except Exception as exc:  # the hub raises many types for "offline"; all mean the same here
        log.debug("download failed", exc_info=True)
        raise NewsragError(by_hand.format(why=f"{type(exc).__name__}: {exc}")) from exc
    if check_corpus(dest / MULTIHOP_CORPUS) != MULTIHOP_ARTICLES:
        raise NewsragError(
            f"{dest / MULTIHOP_CORPUS}: the download does not hold MultiHop-RAG's "
            f"{MULTIHOP_ARTICLES} articles; delete it and try again"
        )
    load_queries(dest / "MultiHopRAG.json")
    return dest


def _has_files(folder: Path) -> bool:
    return (folder / MULTIHOP_CORPUS).is_file() and any(
        (folder / n).is_file() for n in MULTIHOP_QUERY_FILES
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NewsragError(f"{path}: no such file") from None
    except json.JSONDecodeError as exc:
        raise NewsragError(
            f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
