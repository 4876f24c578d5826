"""This process's id without a system call per question.

``os.getpid()`` is a system call each time (CPython does not cache it); the per-process state
that must be rebuilt after a fork (threads, pools) asked it on every request of the hot paths,
several times. ``current()`` reads a module variable that ``os.register_at_fork`` resets in
every forked child; a spawned process imports this module afresh.
"""

from __future__ import annotations

import os

_pid = os.getpid()


def _forked() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)


def current() -> int:
    return _pid
