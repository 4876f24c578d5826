"""What metadata tells the apps built on it, so it never imports them."""

from django.dispatch import Signal

# Sent after commit when a template's name or default link changed: both are part of every
# cached resolution record of the template's identifiers (resolution drops its whole cache).
template_changed = Signal()
