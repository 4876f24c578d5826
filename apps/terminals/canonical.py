"""The byte strings terminals sign (README, "Terminal authentication", spells them out).

Both are UTF-8 text, lines joined by a single ``\\n`` (0x0A), no trailing newline:

    auth:   PPTERM-AUTH-1 \\n <handle> \\n <nonce> \\n <node id>
    report: PPTERM-REPORT-1 \\n <handle> \\n <node id> \\n <sequence> \\n <status>
            then one line per reading, in the order sent: \\n <time>|<item>|<value>

No field may contain a control character (so no line break); ``|`` may appear in the value only (it is
last). The node id is ``settings.TERMINALS_NODE_ID``, by default the park's prefix ``88.<park>``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings

AUTH_TAG = "PPTERM-AUTH-1"
REPORT_TAG = "PPTERM-REPORT-1"


def node_id() -> str:
    configured = getattr(settings, "TERMINALS_NODE_ID", "")
    if configured:
        return configured
    return _park_node_id(settings.PARK_COUNTRY_CODE)


@lru_cache(maxsize=4)
def _park_node_id(country: str) -> str:
    """Read once per process: a park's code does not change while it runs (it is its prefix)."""
    from apps.identifiers.handles import _park_code

    return f"{country}.{_park_code()}"


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def auth_message(handle: str, nonce: str, node: str) -> bytes:
    return "\n".join([AUTH_TAG, handle, nonce, node]).encode()


def report_message(handle: str, node: str, sequence: int, status: str, readings: list[dict]) -> bytes:
    lines = [REPORT_TAG, handle, node, str(int(sequence)), status]
    lines += [f"{r['time']}|{r['item']}|{r['value']}" for r in readings]
    return "\n".join(lines).encode()
