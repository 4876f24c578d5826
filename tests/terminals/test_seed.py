"""The park terminal template: the guide's device items and the reading items, graded."""

import pytest

from apps.metadata.selectors import effective_items, template_current_version
from apps.terminals.models import TerminalProfile
from apps.terminals.seed import READING_CODES, TERMINAL_TEMPLATE_CODE, ensure_terminal_template


@pytest.mark.django_db
def test_terminal_template_is_published_with_device_and_reading_items_and_a_profile():
    template = ensure_terminal_template()
    assert ensure_terminal_template() == template  # idempotent
    assert template.code == TERMINAL_TEMPLATE_CODE and template.level == "park"
    assert template.parent.code == "CN-CORE"
    items = {item["code"]: item for item in effective_items(template_current_version(template))}
    for code in ["model", "manufacturer", "location", "device_owner", "network_type", *READING_CODES]:
        assert code in items
    assert "name" in items  # inherited from the national template
    assert items["temperature"]["is_public"] and items["temperature"]["grade"] == 1
    assert not items["power"]["is_public"] and items["power"]["grade"] == 2
    assert not items["location"]["is_public"]
    profile = TerminalProfile.objects.get(template=template)
    assert profile.heartbeat_seconds == 60
