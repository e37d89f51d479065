"""ASGI middleware: a request-body size cap and read deadline, an admission limit, and the response headers every
page and answer carries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FORM_OVERHEAD = 1024 * 1024  # multipart boundaries, part headers and the pasted-text field beside the file

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),  # result addresses are secrets: never sent on to another site
    (b"cache-control", b"no-store"),
    (b"content-security-policy",
     b"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
     b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'"),
]


async def _refuse_on(error: type[Exception], app: ASGIApp, refuse: Callable[[Scope], ASGIApp], scope: Scope,
                     receive: Receive, guarded: Receive, send: Send) -> None:
    """Run `app` reading the body through `guarded`; when that raises `error` before the app has started its
    response, answer with `refuse(scope)` instead."""
    started = False

    async def tracked_send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await app(scope, guarded, tracked_send)
    except error:
        if not started:
            await refuse(scope)(scope, receive, send)


class BodyTooLarge(Exception):
    """The request body went past the cap while it was being read."""


class BodyLimit:
    """Refuse request bodies larger than `limit` bytes, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int, refuse: Callable[[Scope], ASGIApp]) -> None:
        self.app = app
        self.limit = limit
        self.refuse = refuse  # builds the 413 answer for a request (page or JSON)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self.refuse(scope)(scope, receive, send)
            return
        seen = 0

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        await _refuse_on(BodyTooLarge, self.app, self.refuse, scope, receive, counted_receive, send)


class BodyTimeout(Exception):
    """The request body had not fully arrived by the deadline."""


class BodyDeadline:
    """Refuse a request whose body has not fully arrived within `seconds` of the request reaching the
    application (its headers received): a slowly sent upload does not hold its place for ever. The answer (408)
    closes the connection; the rest of the body is never read. Waiting for a check after the body has
    arrived is not limited here (the check has its own time limit)."""

    def __init__(self, app: ASGIApp, seconds: float, refuse: Callable[[Scope], ASGIApp]) -> None:
        self.app = app
        self.seconds = seconds
        self.refuse = refuse  # builds the 408 answer for a request (page or JSON)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        arrived = False

        async def timed_receive() -> Message:
            nonlocal arrived
            if arrived:  # later calls only listen for the client going away
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except asyncio.TimeoutError:
                raise BodyTimeout from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                arrived = True
            return message

        await _refuse_on(BodyTimeout, self.app, self.refuse, scope, receive, timed_receive, send)


class SecurityHeaders:
    """Add SECURITY_HEADERS to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in SECURITY_HEADERS if k not in names)]
            await send(message)

        await self.app(scope, receive, with_headers)


class Admission:
    """At most `limit` POST requests in progress (uploads being received or checks being waited for); the
    rest are refused at once, before their bodies are read, so that a crowd of uploads cannot fill the disk."""

    def __init__(self, app: ASGIApp, limit: int, refuse: Callable[[Scope], ASGIApp]) -> None:
        self.app = app
        self.limit = limit
        self.refuse = refuse  # builds the 503 answer for a request (page or JSON)
        self.in_progress = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        if self.in_progress >= self.limit:
            await self.refuse(scope)(scope, receive, send)
            return
        self.in_progress += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_progress -= 1
