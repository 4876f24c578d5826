"""Messages kept as a key and parameters and translated when shown, in the reader's language
(the worker or the person who wrote the row may have used another one).

A message is ``{"k": msgid, "p": {name: param}}``; msgids are marked with ``gettext_noop`` where
they are written so makemessages finds them. A parameter is plain text (user input, codes,
numbers), a nested message, a choice label (``{"t": "stage", "v": "demand"}``) or text in both
languages (``{"t": "text", "zh": ..., "en": ...}``, a checklist item's name)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _


def msg(key: str, **params: Any) -> dict:
    return {"k": key, "p": params}


def choice(kind: str, value: str | None) -> dict:
    return {"t": kind, "v": value or ""}


def bilingual(zh: str, en: str = "") -> dict:
    return {"t": "text", "zh": zh, "en": en}


def localized(zh: str, en: str = "") -> str:
    """The English text when the UI speaks English and there is one, else the Chinese."""
    if en and (get_language() or "").lower().startswith("en"):
        return en
    return zh


def _choices(kind: str):
    from apps.buildcases import choices

    if kind == "upstream":
        from apps.identifiers.choices import UpstreamStatus

        return UpstreamStatus
    if kind == "outbox":
        from apps.sync.models import OutboxStatus

        return OutboxStatus
    return {
        "stage": choices.Stage,
        "mode": choices.BuildMode,
        "decision": choices.Decision,
        "state": choices.ItemState,
    }.get(kind)


def _param(value: Any) -> Any:
    if isinstance(value, dict):
        if "k" in value:
            return render(value)
        kind = value.get("t")
        if kind == "text":
            return localized(value.get("zh", ""), value.get("en", ""))
        enum = _choices(kind)
        if enum is not None:
            try:
                return str(enum(value.get("v")).label)
            except ValueError:
                return value.get("v", "")
    return value


def render(message: dict | str | None) -> str:
    """The message in the active language; a plain string (rows written before messages were
    kept as keys) is shown as it is."""
    if not message:
        return ""
    if isinstance(message, str):
        return message
    text = _(message["k"])
    params = message.get("p") or {}
    if not params:
        return text
    try:
        return text % {name: _param(value) for name, value in params.items()}
    except (KeyError, TypeError, ValueError):
        # A translation that lost a placeholder must not break the page: fall back to the source.
        return message["k"] % {name: _param(value) for name, value in params.items()}
