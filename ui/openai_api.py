"""An OpenAI-compatible chat API over ``NewsRAG``, for front ends that speak it (Open WebUI,
LibreChat, the ``openai`` SDK): ``GET /v1/models`` and ``POST /v1/chat/completions``,
streaming (server-sent events) or not.

One model per answerer: ``newsrag`` (the default answerer) and ``newsrag:<name>`` for each
configured LLM. The last user message is the question, the earlier ones its conversation.
The reply's content is the answer with ``[n]`` markers, then a numbered list of its sources,
so any client shows them; the structured citations ride along in ``message.citations`` (and
in the last streamed chunk). Filters go in the request body beside the messages (``sources``,
``since``, ``until``, ``as_of``; the ``openai`` SDK's ``extra_body``). Errors use OpenAI's
shape and status codes.

Example:
    >>> client = OpenAI(base_url="http://127.0.0.1:7860/v1", api_key="KEY")
    >>> client.chat.completions.create(model="newsrag", messages=[{"role": "user",
    ...     "content": "Who founded Anthropic?"}]).choices[0].message.content
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from rag import Answer, Citation, NewsRAG, NewsragError
from ui.access import Access

log = logging.getLogger(__name__)
PREFIX = "newsrag"
_FILTERS = {"sources": "sources", "outlets": "sources", "since": "since", "until": "until",
            "as_of": "as_of"}  # fmt: skip


class ApiError(Exception):
    """An error answered in OpenAI's shape."""

    def __init__(self, status: int, message: str, *, kind: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind, self.code = status, message, kind, code

    def response(self) -> JSONResponse:
        body = {"error": {"message": self.message, "type": self.kind, "param": None,
                          "code": self.code}}  # fmt: skip
        return JSONResponse(body, status_code=self.status)


def openai_router(app: NewsRAG, access: Access) -> APIRouter:
    """The ``/v1`` routes, guarded by ``access``."""
    router = APIRouter(prefix="/v1")

    def guard(request: Request) -> None:
        reason = access.refusal(request.headers)
        if reason is not None:
            raise ApiError(401, reason, kind="invalid_request_error", code="invalid_api_key")

    @router.get("/models")
    def models(request: Request) -> JSONResponse:
        try:
            guard(request)
        except ApiError as exc:
            return exc.response()
        data = [{"id": model, "object": "model", "created": 0, "owned_by": "newsrag"}
                for model in model_names(app)]  # fmt: skip
        return JSONResponse({"object": "list", "data": data})

    @router.post("/chat/completions")
    async def completions(request: Request) -> Any:
        try:
            guard(request)
            body = await _json(request)
            call = _read_call(app, body)
        except ApiError as exc:
            return exc.response()
        return await _answer(app, call)

    return router


def model_names(app: NewsRAG) -> list[str]:
    """``newsrag`` and ``newsrag:<name>`` for each configured LLM."""
    return [PREFIX] + [f"{PREFIX}:{name}" for name in app.answerers if name != "extractive"]


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        raise ApiError(400, "The request body is not JSON.", kind="invalid_request_error") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.", kind="invalid_request_error")
    return body


def _read_call(app: NewsRAG, body: dict[str, Any]) -> dict[str, Any]:
    """The question, its conversation, the answerer and the filters of a request."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ApiError(400, "'model' is required, e.g. \"newsrag\".", kind="invalid_request_error")
    known = model_names(app)
    if model not in known:
        raise ApiError(
            404,
            f"The model {model!r} does not exist. Available: {', '.join(known)}.",
            kind="invalid_request_error",
            code="model_not_found",
        )
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, "'messages' must be a non-empty list.", kind="invalid_request_error")
    turns = [_turn(m, i) for i, m in enumerate(messages)]
    turns = [t for t in turns if t["role"] in ("user", "assistant")]
    if not turns or turns[-1]["role"] != "user" or not turns[-1]["content"].strip():
        raise ApiError(
            400, "The last message must be a user message with text.", kind="invalid_request_error"
        )
    options: dict[str, Any] = {}
    for key, name in _FILTERS.items():
        if body.get(key) not in (None, "", []):
            options[name] = body[key]
    answerer = None if model == PREFIX else model.removeprefix(f"{PREFIX}:")
    return {
        "model": model,
        "question": turns[-1]["content"],
        "history": turns[:-1],
        "answerer": answerer,
        "stream": bool(body.get("stream")),
        "options": options,
    }


def _turn(message: Any, index: int) -> dict[str, str]:
    if not isinstance(message, dict) or not isinstance(message.get("role"), str):
        raise ApiError(
            400, f"messages[{index}] needs a 'role' and 'content'.", kind="invalid_request_error"
        )
    content = message.get("content")
    if isinstance(content, list):  # [{"type": "text", "text": …}, …]
        content = " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return {"role": message["role"], "content": str(content or "")}


async def _answer(app: NewsRAG, call: dict[str, Any]) -> Any:
    import anyio

    def start() -> tuple[Iterator[str | Answer], str | Answer | None]:
        items = app.stream(
            call["question"], history=call["history"], answerer=call["answerer"], **call["options"]
        )
        return items, next(items, None)  # the engine refuses bad input on its first step

    try:
        items, first = await anyio.to_thread.run_sync(start)
    except (NewsragError, ImportError) as exc:
        return ApiError(400, str(exc), kind="invalid_request_error").response()
    except Exception:
        log.exception("answering %r failed", call["question"])
        return ApiError(500, "The server failed to answer; its log has the details.",
                        kind="server_error").response()  # fmt: skip
    ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    if call["stream"]:
        chunks = _stream(items, first, ident, created, call["model"])
        return StreamingResponse(chunks, media_type="text/event-stream")
    answer = first if isinstance(first, Answer) else None
    if answer is None:
        answer = await anyio.to_thread.run_sync(_last_answer, items)
    message = {
        "role": "assistant",
        "content": reply_text(answer),
        "citations": citations_json(answer),
        "short_answer": answer.short_answer,
    }
    return JSONResponse(
        {
            "id": ident,
            "object": "chat.completion",
            "created": created,
            "model": call["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }
    )


def _last_answer(items: Iterator[str | Answer]) -> Answer:
    answer = None
    for item in items:
        if isinstance(item, Answer):
            answer = item
    if answer is None:
        raise NewsragError("The engine returned no answer; please ask again.")
    return answer


def _stream(
    items: Iterator[str | Answer], first: str | Answer | None, ident: str, created: int, model: str
) -> Iterator[str]:
    """Server-sent events: the role, each piece of text, the sources, the end (with the
    citations), then ``[DONE]``."""

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        chunk = {"id": ident, "object": "chat.completion.chunk", "created": created,
                 "model": model, "choices": [{"index": 0, "delta": delta,
                                               "finish_reason": finish}], **extra}  # fmt: skip
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    pending = [] if first is None else [first]
    try:
        for item in [*pending, *items]:
            if isinstance(item, Answer):  # its text was streamed piece by piece already
                yield event({"content": sources_text(item)})
                yield event({}, "stop", citations=citations_json(item),
                            short_answer=item.short_answer)  # fmt: skip
            elif item:
                yield event({"content": item})
    except Exception as exc:  # mid-stream: the client gets an error event, the server goes on
        log.exception("streaming an answer failed")
        message = str(exc) if isinstance(exc, NewsragError) else "The server failed to answer."
        yield f"data: {json.dumps({'error': {'message': message, 'type': 'server_error'}})}\n\n"
    yield "data: [DONE]\n\n"


def reply_text(answer: Answer) -> str:
    """The answer with its ``[n]`` markers (after the notice, when there is one), then its
    numbered sources."""
    notice = f"({answer.notice})\n\n" if answer.notice else ""
    return notice + answer.text.strip() + sources_text(answer)


def sources_text(answer: Answer) -> str:
    """ "\\n\\nSources:\\n[1] Title — outlet, date — url" (empty for no citations)."""
    if not answer.citations:
        return ""
    lines = ["", "", "Sources:"]
    for c in answer.citations:
        lines.append(" — ".join(p for p in (f"[{c.n}] {c.title}", _byline(c), c.url) if p))
    return "\n".join(lines)


def citations_json(answer: Answer) -> list[dict[str, Any]]:
    """The structured citations: one per article, with every quote and its offsets."""
    return [
        {"n": c.n, "article_id": c.article_id, "title": c.title, "source": c.source,
         "url": c.url, "published_at": c.published_at,
         "quotes": [{"text": q.text, "start": q.start, "end": q.end} for q in c.spans]}
        for c in answer.citations
    ]  # fmt: skip


def _byline(c: Citation) -> str:
    return ", ".join(p for p in (c.source, c.published_at[:10]) if p)
