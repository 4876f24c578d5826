"""Import jobs: upload → background dry run (read and check every row) → confirm → apply in
one transaction through ``apps.identifiers.bulk``. Exports live in ``apps.imports.exports``."""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import File
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError
from apps.identifiers.bulk import OBJECT_CODE, BulkRow, enterprise_prefix, identifier_bulk_upsert
from apps.imports.choices import ImportState
from apps.imports.mapping import map_columns, records
from apps.imports.models import ImportJob
from apps.imports.reading import FileRefused, check_size, open_table, sniff
from apps.imports.signals import import_applied
from apps.imports.workbook import error_report_workbook
from apps.metadata.choices import VersionStatus
from apps.metadata.selectors import effective_items

Progress = Callable[[int, str], None]
MAX_STORED_ERRORS = 100_000  # every error is kept; this only bounds a pathological file


def import_job_create(*, actor, enterprise, template_version, uploaded_file, start: bool = True) -> ImportJob:
    """Store the upload and queue its dry run. Refuses at once what can be told from the
    name, size and first bytes (.xls, not a spreadsheet, too big)."""
    if template_version.status != VersionStatus.PUBLISHED:
        raise ApplicationError(_("只能按已发布的模板版本导入"), code="not_published")
    name = PurePath(uploaded_file.name or "upload").name
    check_size(uploaded_file.size)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    kind = sniff(head, name)
    enterprise_prefix(enterprise)  # no active prefix: nothing could be registered, say so now
    job = ImportJob(
        enterprise=enterprise,
        template_version=template_version,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        original_name=name[:255],
        file_format=kind,
        file_size=uploaded_file.size,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    job.file.save(name, uploaded_file if isinstance(uploaded_file, File) else File(uploaded_file), save=False)
    job.full_clean(exclude=["file", "parsed_file"])
    job.save()
    if start:
        import_job_start_validation(job=job, actor=actor)
    return job


def import_job_start_validation(*, job: ImportJob, actor) -> ImportJob:
    """Queue the dry run of a stored upload on the worker."""
    from apps.imports.tasks import import_validate
    from apps.tasks.base import start_tracked

    job.validate_run = start_tracked(
        import_validate, job.pk, title=_("导入校验：%(name)s") % {"name": job.original_name}, user=actor
    )
    job.save(update_fields=["validate_run", "updated_at"])
    return job


def _message_without_label(message: str, item: dict | None, required: set[str]) -> str:
    """The report names the column already; the value rules name the item at the start of
    their messages (``apps.metadata.validation`` writes it as 「name」 in every language)."""
    if message in required:
        return _("必填，不能为空")
    if item is None:
        return message
    label = f"「{item.get('name') or item.get('code')}」"
    if not message.startswith(label):
        return message
    rest = message[len(label) :].lstrip()
    # Chinese joins the item name to what follows with a particle (「长度」的值…); messages in
    # other languages never start with it.
    if rest.startswith("的"):
        rest = rest[1:]
    return rest or message


def _error_dicts(
    result, labels: dict[str, str], items_by_code: dict[str, dict], order: dict[str, int]
) -> list[dict]:
    # "「name」为必填项" as the value rules and the bulk checker word it, in the active language
    required: set[str] = set()
    for item in items_by_code.values():
        name = item.get("name") or item["code"]
        required.add(_("%(name)s为必填项") % {"name": f"「{name}」"})
        required.add(_("「%(name)s」为必填项") % {"name": name})
    out = []
    for error in result.errors[:MAX_STORED_ERRORS]:
        item = None
        if error.code == OBJECT_CODE:
            column = labels.get(OBJECT_CODE, _("对象代码"))
        else:
            item = items_by_code.get(error.code)
            column = labels.get(error.code) or (item or {}).get("name") or error.code
        out.append(
            {
                "row": error.label,
                "column": column,
                "message": _message_without_label(error.message, item, required),
            }
        )
    out.sort(key=lambda e: (e["row"], order.get(e["column"], 10**6)))
    return out


def format_error(error: dict) -> str:
    if not error.get("row"):
        return error["message"]
    return _("第 %(row)s 行「%(column)s」: %(message)s") % error


@contextmanager
def _opened(job: ImportJob):
    """The uploaded file as (table, column map, rows as BulkRow), read lazily."""
    items = effective_items(job.template_version)
    with job.file.open("rb") as fileobj:
        table = open_table(fileobj, job.original_name)
        try:
            cmap = map_columns(table, items)
            rows = (
                BulkRow(number, code, values)
                for number, code, values, _cells in records(table, cmap, with_cells=False)
            )
            yield table, cmap, rows
        finally:
            if table.close:
                table.close()


def _save_cleaned(job: ImportJob, cmap, cleaned: list) -> None:
    """The dry run's canonical rows, for the apply step (it does not parse the file again).
    JSON lines: a header naming the item codes, then one ``[row number, object code, [values in
    that order, null where empty]]`` per row, written to a temporary file as they go (no second
    copy of 100,000 rows in memory), the keys not repeated on every row."""
    codes: list[str] = []
    position: dict[str, int] = {}
    for _number, _code, values in cleaned:
        for key in values:
            if key not in position:
                position[key] = len(codes)
                codes.append(key)
    meta = {
        "labels": cmap.labels,
        "index": cmap.index_of(),
        "version": job.template_version_id,
        "codes": codes,
    }
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    width = len(codes)
    with tempfile.TemporaryFile() as tmp:
        out = io.TextIOWrapper(tmp, encoding="utf-8", newline="\n", write_through=False)
        out.write(dumps(meta))
        for number, code, values in cleaned:
            row = [None] * width
            for key, value in values.items():
                row[position[key]] = value
            out.write("\n")
            out.write(dumps([number, code, row]))
        out.flush()
        tmp.seek(0)
        job.parsed_file.save("cleaned.jsonl", File(tmp, name="cleaned.jsonl"), save=False)
        out.detach()


def _load_cleaned(job: ImportJob) -> tuple[Iterator[BulkRow], dict]:
    """The rows saved by the dry run, read lazily (the file stays open until they are read)."""
    fh = io.TextIOWrapper(job.parsed_file.open("rb"), encoding="utf-8")
    meta = json.loads(fh.readline())
    if meta.get("version") != job.template_version_id:
        fh.close()
        raise ApplicationError(_("导入数据与模板版本不一致，请重新上传"), code="stale")
    codes = meta.get("codes")

    def rows() -> Iterator[BulkRow]:
        loads = json.loads
        with fh:
            for line in fh:
                number, code, values = loads(line)
                if codes is not None:
                    values = {k: v for k, v in zip(codes, values, strict=True) if v is not None}
                yield BulkRow(number, code, values)

    return rows(), meta


def import_job_validate(*, job: ImportJob, progress: Progress | None = None) -> dict:
    """The dry run: read and check every row in one pass, count what would be created /
    updated / unchanged, keep every error. Writes nothing but the job."""
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.VALIDATING)
    items_by_code = {i["code"]: i for i in effective_items(job.template_version)}
    try:
        with _opened(job) as (table, cmap, rows):
            result = identifier_bulk_upsert(
                actor=job.created_by,
                enterprise=job.enterprise,
                template_version=job.template_version,
                rows=rows,
                dry_run=True,
                progress=progress,
                total=table.estimated_rows,
                keep_cleaned=True,
            )
            warnings = table.warnings + cmap.warnings
    except ApplicationError as exc:  # the file as a whole (FileRefused), or the enterprise's prefix
        import_job_refuse(job=job, message=exc.message)
        return {"state": ImportState.INVALID, "errors": 1}
    job.total_rows = result.rows
    job.create_count, job.update_count, job.unchanged_count = result.created, result.updated, result.unchanged
    job.errors = _error_dicts(result, cmap.labels, items_by_code, cmap.index_of())
    job.error_count = len(result.errors)
    job.warnings = warnings
    if not job.total_rows:
        job.errors = [{"row": 0, "column": "", "message": _("文件中没有数据行")}]
        job.error_count = 1
    job.state = ImportState.INVALID if job.error_count else ImportState.VALIDATED
    if job.state == ImportState.VALIDATED:
        _save_cleaned(job, cmap, result.cleaned)
    job.message = ""
    job.save()
    return {
        "state": job.state,
        "rows": job.total_rows,
        "create": job.create_count,
        "update": job.update_count,
        "unchanged": job.unchanged_count,
        "errors": job.error_count,
    }


def import_job_refuse(*, job: ImportJob, message: str) -> None:
    """The dry run could not finish: the job shows why, as its one error, and can't be confirmed."""
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.INVALID,
        errors=[{"row": 0, "column": "", "message": message}],
        error_count=1,
        message=message,
        updated_at=timezone.now(),
    )


STALE_QUEUED = timedelta(minutes=10)  # an apply queued this long with no worker taking it is lost


def _apply_stopped(job: ImportJob) -> bool:
    """An apply that can be started again: it failed, or its worker died (the job still says
    导入中 but no transaction holds the job's row — the caller has just locked it — and the run
    is not waiting in the queue). Its transaction rolled back, so nothing was written."""
    from apps.tasks.choices import TaskState

    if job.state == ImportState.FAILED:
        return True
    if job.state != ImportState.APPLYING:
        return False
    run = job.apply_run
    if run is None or run.state != TaskState.QUEUED:
        return True
    return timezone.now() - run.created_at > STALE_QUEUED


def import_job_can_retry(*, job: ImportJob) -> bool:
    """For the job page: whether confirming again would restart a stopped apply."""
    if job.state not in (ImportState.APPLYING, ImportState.FAILED):
        return False
    try:
        with transaction.atomic():
            locked = (
                ImportJob.objects.select_for_update(nowait=True, of=("self",))
                .select_related("apply_run")
                .get(pk=job.pk)
            )
            return _apply_stopped(locked)
    except DatabaseError:  # an apply holds the row: it is running
        return False


def import_job_confirm(*, job: ImportJob, actor, start: bool = True) -> ImportJob:
    """Start the apply of a checked job; also restarts an apply that failed or whose worker died."""
    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(nowait=True, of=("self",))
                .select_related("apply_run")
                .get(pk=job.pk)
            )
            if not (job.can_confirm or _apply_stopped(job)):
                raise ApplicationError(_("只有校验通过且没有错误的导入才能确认"), code="not_confirmable")
            job.state = ImportState.APPLYING
            job.message = ""
            job.save(update_fields=["state", "message", "updated_at"])
            if start:
                from apps.imports.tasks import import_apply
                from apps.tasks.base import start_tracked

                job.apply_run = start_tracked(
                    import_apply, job.pk, title=_("导入：%(name)s") % {"name": job.original_name}, user=actor
                )
                job.save(update_fields=["apply_run", "updated_at"])
    except DatabaseError:
        raise ApplicationError(_("导入正在进行中，请等待它完成"), code="applying") from None
    return job


def _pause_for_tests(progress: Progress | None) -> None:
    # A worker started by the crash test pauses here, inside the open transaction, so the test
    # can kill it mid-apply. Unset everywhere else.
    seconds = float(os.environ.get("PARK_IMPORT_PAUSE_MID_APPLY") or 0)
    if seconds:
        if progress:
            progress(85, "paused")
        time.sleep(seconds)


def import_job_apply(*, job: ImportJob, progress: Progress | None = None) -> dict:
    """Write every row in one transaction, or nothing. Safe to run twice: an applied job is left alone."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update().select_related("template_version__template").get(pk=job.pk)
        )
        if job.state == ImportState.APPLIED:
            return {"state": job.state}
        if job.state != ImportState.APPLYING:
            raise ApplicationError(_("导入任务状态不允许写入"), code="bad_state")
        rows, meta = _load_cleaned(job)
        items_by_code = {i["code"]: i for i in effective_items(job.template_version)}

        paused = False

        def inner(percent: int, message: str) -> None:
            nonlocal paused
            if progress:
                progress(percent, message)
            if percent >= 80 and not paused:
                paused = True
                _pause_for_tests(progress)

        result = identifier_bulk_upsert(
            actor=job.created_by,
            enterprise=job.enterprise,
            template_version=job.template_version,
            rows=rows,
            progress=inner,
            total=job.total_rows,
            values_cleaned=True,
        )
        if not result.ok:
            # The registry changed since the dry run (a reference withdrawn, a code taken):
            # nothing was written; show the new errors.
            job.errors = _error_dicts(result, meta["labels"], items_by_code, meta["index"])
            job.error_count = len(result.errors)
            job.state = ImportState.INVALID
            job.save()
            return {"state": job.state, "errors": job.error_count}
        job.create_count, job.update_count, job.unchanged_count = (
            result.created,
            result.updated,
            result.unchanged,
        )
        job.state = ImportState.APPLIED
        job.applied_at = timezone.now()
        job.save()
        audit_write(
            action="import.apply",
            object_type="imports.ImportJob",
            object_id=job.pk,
            object_repr=job.original_name,
            after={"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        applied_id = job.pk
        transaction.on_commit(lambda: import_applied.send(sender=ImportJob, job_id=applied_id))
    return {
        "state": job.state,
        "create": result.created,
        "update": result.updated,
        "unchanged": result.unchanged,
    }


def import_job_error_report(*, job: ImportJob, out: io.BufferedIOBase) -> None:
    """The rows with errors as xlsx, bad cells red with the reason as a comment. Reads the
    uploaded file again: reports are asked for rarely, and only for files that were not applied."""
    header: list = []
    index: dict[str, int] = {}
    rows = []
    wanted = {e["row"] for e in job.errors}
    try:
        with job.file.open("rb") as fileobj:
            table = open_table(fileobj, job.original_name)
            try:
                header = table.header
                cmap = map_columns(table, effective_items(job.template_version))
                index = cmap.index_of()
                for number, _code, _values, cells in records(table, cmap):
                    if number in wanted:
                        rows.append((number, cells))
            finally:
                if table.close:
                    table.close()
    except FileRefused:
        pass  # the whole-file error is the report's only line
    error_report_workbook(header=header, rows=rows, errors=job.errors, column_index=index, out=out)
