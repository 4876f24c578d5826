"""Sections other apps add to the evaluation report (检测评估), so reports never imports them.

An app built on top registers one in its ``AppConfig.ready()``::

    register(ReportSection(key="terminals", title=lambda: _("终端认证"), figures=fn,
                           template="terminals/report_section.html"))

``figures(scope)`` returns the section's numbers for a park or enterprise scope
(apps.reports.selectors.Scope); the template renders them inside the PDF (``section`` in its
context). Registered sections come before the security baseline, in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReportSection:
    key: str
    title: Callable[[], str]
    figures: Callable[[Any], dict[str, Any]]
    template: str
    park_only: bool = False


_SECTIONS: dict[str, ReportSection] = {}


def register(section: ReportSection) -> None:
    _SECTIONS[section.key] = section  # by key: registering twice (a reloaded app) keeps one


def registered(*, enterprise: bool) -> list[ReportSection]:
    return [s for s in _SECTIONS.values() if not (enterprise and s.park_only)]
