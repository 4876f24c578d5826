from django import template

from apps.buildcases.messages import render

register = template.Library()


@register.filter
def case_message(value) -> str:
    """A stored message in the reader's language: an alert ({code, message, msg}), a message
    payload ({k, p}) or older plain text."""
    if isinstance(value, dict) and "code" in value:
        return render(value.get("msg")) or value.get("message", "")
    return render(value)
