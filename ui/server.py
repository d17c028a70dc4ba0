"""The machine-facing endpoints, served beside the chat page by ``newsrag ui`` or on their own
by ``newsrag serve``: the OpenAI-compatible ``/v1`` API always, and the MCP tools at ``/mcp``
when asked (``--mcp``). Both are guarded by ``Access`` (API keys, or the app's login).

Example:
    >>> extra = endpoints(app, host="127.0.0.1", logins=None, mcp=True)
    >>> headless(app, extra).run()  # or attach(demo.app, extra) beside the Gradio app
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from rag import NewsRAG
from ui.access import Access
from ui.openai_api import openai_router

Lifespan = Callable[[Any], contextlib.AbstractAsyncContextManager[None]]


@dataclass
class Endpoints:
    """Routes to serve, and what must run while the server does (the MCP sessions)."""

    routes: list[BaseRoute] = field(default_factory=list)
    lifespan: Lifespan | None = None
    access: Access = Access()


def endpoints(
    app: NewsRAG,
    *,
    host: str,
    logins: Sequence[tuple[str, str]] | None,
    mcp: bool = False,
    keys: Sequence[str] | None = None,
) -> Endpoints:
    """The ``/v1`` routes and, with ``mcp``, the ``/mcp`` route, for a server on ``host``
    (``keys``: the API keys, default ``NEWSRAG_API__KEYS``)."""
    if keys is None:
        keys = [key.get_secret_value() for key in app.settings.api.keys]
    access = Access.build(keys=keys, logins=logins, host=host)
    routes: list[BaseRoute] = list(openai_router(app, access).routes)
    lifespan: Lifespan | None = None
    if mcp:
        from mcp.server.fastmcp.server import StreamableHTTPASGIApp

        from ui.tools import build_tools

        tools = build_tools(app, allow_ingest=app.settings.mcp.allow_ingest, host=host)
        tools.streamable_http_app()  # creates its session manager
        handler = guarded(StreamableHTTPASGIApp(tools.session_manager), access)
        routes += [Route("/mcp", endpoint=handler), Route("/mcp/", endpoint=handler)]

        @contextlib.asynccontextmanager
        async def lifespan(_: Any) -> AsyncIterator[None]:
            async with tools.session_manager.run():
                yield

    return Endpoints(routes, lifespan, access)


class guarded:  # noqa: N801 - used like the function it replaces: guarded(app, access)
    """``inner`` behind ``access``: a request without accepted credentials gets 401. A class,
    so Starlette routes to it as an ASGI app (every method), not as a GET view."""

    def __init__(self, inner: ASGIApp, access: Access) -> None:
        self.inner, self.access = inner, access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                       for k, v in scope.get("headers", [])}  # fmt: skip
            reason = self.access.refusal(headers)
            if reason is not None:
                body = json.dumps({"error": {"message": reason, "code": 401}}).encode()
                head = [(b"content-type", b"application/json"),
                        (b"www-authenticate", b'Bearer realm="newsrag"')]  # fmt: skip
                await send({"type": "http.response.start", "status": 401, "headers": head})
                await send({"type": "http.response.body", "body": body})
                return
        await self.inner(scope, receive, send)


def attach(fastapi_app: Any, extra: Endpoints) -> None:
    """Serve ``extra``'s routes from an app that is already running (the Gradio app), ahead
    of its own routes."""
    fastapi_app.router.routes[0:0] = extra.routes


def headless(app: NewsRAG, extra: Endpoints) -> Any:
    """A FastAPI app with only the machine-facing endpoints (``newsrag serve``)."""
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    server = FastAPI(title="newsrag", lifespan=extra.lifespan, docs_url=None, redoc_url=None)
    server.router.routes.extend(extra.routes)

    @server.get("/")
    def about() -> JSONResponse:
        stats = app.stats()
        return JSONResponse(
            {
                "newsrag": "OpenAI-compatible chat at /v1/chat/completions",
                "articles": stats.articles,
            }
        )

    return server
