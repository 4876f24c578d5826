"""Who is acting and on behalf of which request, for the audit log.

Set by middleware for HTTP requests and by the tracked task base class for Celery tasks, so
services never take a request object.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class ActorContext:
    user_id: int | None = None
    actor_label: str = "system"  # username, "task:<name>", "import:<job>", "system"
    request_id: str = ""
    client_ip: str | None = None


_current: contextvars.ContextVar[ActorContext] = contextvars.ContextVar("park_actor", default=ActorContext())  # noqa: B039 - frozen dataclass


def current() -> ActorContext:
    return _current.get()


@contextlib.contextmanager
def acting(context: ActorContext):
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def set_for_request(context: ActorContext) -> contextvars.Token:
    return _current.set(context)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)
