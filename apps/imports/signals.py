"""What the import tells the apps built on it, so it never imports them (receivers connect in
their AppConfig.ready())."""

from django.dispatch import Signal

# After an import job's rows are committed. kwargs: job_id. Sent once per applied job.
import_applied = Signal()
