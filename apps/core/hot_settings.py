"""Settings read on every request of a hot path, from a plain dict.

``django.conf.settings`` is a lazy object: each attribute read goes through Python code (about
0.7 µs here), and a resolution reads half a dozen. ``setting(name)`` reads each once and again
after a change (``setting_changed``: ``override_settings`` and pytest-django's ``settings``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

_values: dict[str, Any] = {}


def setting(name: str) -> Any:
    try:
        return _values[name]
    except KeyError:
        value = _values[name] = getattr(settings, name)
        return value


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _values.clear()
