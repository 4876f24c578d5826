"""Cards apps add to the park's workbench. The registry lives in core so that any app, whatever
its layer, can add a card, and the workbench (which reads every app) never imports the ones
built on top of it.

An app built on top registers one in its ``AppConfig.ready()``::

    register(DashboardSection(key="evidence", template="evidence/dashboard_card.html",
                              figures=fn))

``figures()`` returns the card's numbers (a few indexed reads); the template renders one
``<section class="card figure">`` with ``section`` in its context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DashboardSection:
    key: str
    template: str
    figures: Callable[[], dict[str, Any]]


_SECTIONS: dict[str, DashboardSection] = {}


def register(section: DashboardSection) -> None:
    _SECTIONS[section.key] = section  # by key: registering twice (a reloaded app) keeps one


def park_sections() -> list[dict[str, Any]]:
    return [{"key": s.key, "template": s.template, "figures": s.figures()} for s in _SECTIONS.values()]
