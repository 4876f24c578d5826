"""Registry and template changes reach the resolution cache through the lower apps' signals
(connected in ResolutionConfig.ready()); both are sent after commit."""

from django.dispatch import receiver

from apps.identifiers.signals import handles_changed
from apps.metadata.signals import template_changed
from apps.resolution.cache import invalidate_all, invalidate_handles


@receiver(handles_changed, dispatch_uid="resolution.invalidate_handles")
def _handles_changed(sender, handles, **kwargs):
    invalidate_handles(handles)


@receiver(template_changed, dispatch_uid="resolution.invalidate_all")
def _template_changed(sender, **kwargs):
    invalidate_all()
