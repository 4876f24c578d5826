"""Evidence tasks: a tree head every EVIDENCE_STH_MINUTES when the log grew, the witness poll,
the tamper check (tracked), anchoring."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.tasks.base import TrackedTask
from park_portal.celery import app


@app.task(name="evidence.sth_make")
def sth_make_task() -> int:
    from apps.evidence.services import sth_make

    head = sth_make()
    return head.tree_size if head else 0


@app.task(name="evidence.witness_poll")
def witness_poll_task() -> dict:
    from apps.evidence.witness import witness_poll_all

    return witness_poll_all()


@app.task(base=TrackedTask, bind=True, name="evidence.verify")
def verify_task(self) -> dict:
    from apps.evidence.integrity import log_verify

    check = log_verify(
        progress=lambda done, total: self.progress(
            int(done * 100 / max(total, 1)), _("已校验 %(n)s 条") % {"n": done}
        )
    )
    return {"ok": check.ok, "checked": check.checked, "problems": check.problems[:20]}


@app.task(name="evidence.anchor")
def anchor_task(anchor_id: int) -> str:
    from apps.evidence.anchoring import anchor_send

    return anchor_send(anchor_id=anchor_id)
