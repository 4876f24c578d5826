#!/usr/bin/env python
"""Excel import of 100,000 facilities (a park template with 10 items), upload to committed.

Runs on a database of its own (``<dev db>_import_bench``). The import runs in a child process
so its peak memory (ru_maxrss) is the import's own. Prints, measured in the same run:

* end-to-end: upload → dry run (read + check every row) → confirm → apply (one transaction,
  audit and outbox included), with queries per row (connection.execute_wrapper) and peak RSS;
* floors: (a) reading the file alone with openpyxl in read-only mode, (b) PostgreSQL COPY of
  the same rows into a plain table;
* peer: django-import-export with its default settings (no bulk, a lookup per row) on 5,000
  rows of the same file through the same rules, scaled to 100,000.

Targets: under 30 s; under 2.5 × (a + b); under 0.05 queries per row; peak memory under
500 MB; at least 10 × faster per row than the peer.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _benchdb  # noqa: E402

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
PEER_ROWS = 5_000
TEMPLATE_CODE = "BENCH-FACILITY"
TARGET_SECONDS = 30.0


def _own_database() -> None:
    _benchdb.bench_database_url()  # loads the dev services' environment
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/park_portal").rstrip("/")
    if not base.endswith("_import_bench"):
        os.environ["DATABASE_URL"] = base + "_import_bench"


def ensure_template():
    """A park facility template: the 5 national core items + 5 of its own = 10 items."""
    from apps.metadata import services
    from apps.metadata.choices import ItemType, ObjectCategory, TemplateLevel
    from apps.metadata.demo import ensure_seed_templates, item
    from apps.metadata.models import MetadataTemplate
    from apps.metadata.selectors import template_current_version

    seeds = ensure_seed_templates()
    template = MetadataTemplate.objects.filter(code=TEMPLATE_CODE, owner__isnull=True).first()
    if template is None:
        template = services.template_create(
            code=TEMPLATE_CODE,
            name="园区能源设施（基准）",
            level=TemplateLevel.PARK,
            category=ObjectCategory.ENERGY,
            parent=seeds["CN-CORE"],
            industry_section="D",
            industry_division="44",
            industry_group="441",
            industry_class="4411",
        )
    version = template_current_version(template)
    if version is None:
        draft = services.template_version_create_draft(template=template)
        specs = [
            item(
                "设施类型",
                "facility_type",
                ItemType.ENUM,
                required=True,
                choices=["变电站", "配电房", "光伏", "储能"],
            ),
            item("额定容量", "capacity_kva", ItemType.NUMBER, required=True, precision=1, unit="kVA", min=0),
            item("投运日期", "commissioned_on", ItemType.DATE),
            item("电压等级", "voltage_kv", ItemType.NUMBER, precision=1, min=0, max=1000),
            item("运维单位", "operator_org", max_length=100),
        ]
        for index, spec in enumerate(specs, start=2100):
            services.template_item_add(version=draft, index=index, **spec)
        version = services.template_version_publish(version=draft, note="基准")
    return version


def ensure_prefix():
    from apps.identifiers.models import Prefix
    from apps.tenants.models import Enterprise

    operator = Enterprise.objects.get(schema_name="public")
    prefix, _ = Prefix.objects.get_or_create(
        prefix=f"88.101.{operator.code}", defaults={"enterprise": operator, "status": "active"}
    )
    if prefix.status != "active":
        prefix.status = "active"
        prefix.save()
    return operator


def header_and_rows(n: int):
    header = [
        "对象代码",
        "名称",
        "对象描述",
        "责任单位",
        "状态",
        "联系电话",
        "设施类型",
        "额定容量(kVA)",
        "投运日期",
        "电压等级",
        "运维单位",
    ]
    kinds = ["变电站", "配电房", "光伏", "储能"]
    import datetime as dt

    base = dt.date(2015, 1, 1)
    for i in range(1, n + 1):
        yield (
            header if i == 1 else None,
            [
                f"EF{i:06d}",
                f"能源设施{i}",
                f"园区第{i}号能源设施",
                "园区运营管理有限公司",
                "正常",
                f"1380000{i % 10000:04d}",
                kinds[i % 4],
                round(100 + (i % 5000) * 0.5, 1),
                base + dt.timedelta(days=i % 3000),
                10.0 if i % 2 else 35.0,
                "园区能源服务中心",
            ],
        )


def ensure_file(path: Path, n: int) -> Path:
    if path.exists():
        return path
    from openpyxl import Workbook

    print(f"writing {n:,}-row xlsx (once) ...", flush=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    for header, row in header_and_rows(n):
        if header:
            ws.append(header)
        ws.append(row)
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    tmp.rename(path)
    return path


def reset_registry() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM sync_outboxentry")
        cur.execute(
            "DELETE FROM identifiers_identifier WHERE template_version_id IN "
            "(SELECT v.id FROM metadata_templateversion v JOIN metadata_metadatatemplate t ON t.id = v.template_id "
            "WHERE t.code = %s)",
            [TEMPLATE_CODE],
        )
        cur.execute("DELETE FROM imports_importjob")


class QueryCounter:
    """Statements sent: through Django's cursor (execute_wrapper) and COPY, which the bulk
    writers run on the driver's cursor below Django (``copies``)."""

    def __init__(self):
        self.count = 0
        self.copy_count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    @contextmanager
    def copies(self):
        import psycopg

        original = psycopg.Cursor.copy

        def counted(cursor, statement, *args, **kwargs):
            self.count += 1
            self.copy_count += 1
            return original(cursor, statement, *args, **kwargs)

        psycopg.Cursor.copy = counted
        try:
            yield
        finally:
            psycopg.Cursor.copy = original


# ---------------------------------------------------------------- child: the import itself
def child_import(path: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from apps.imports import services

    version = ensure_template()
    operator = ensure_prefix()
    reset_registry()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    counter = QueryCounter()
    data = Path(path).read_bytes()
    timings = {}
    with connection.execute_wrapper(counter), counter.copies():
        t0 = time.perf_counter()
        job = services.import_job_create(
            actor=None,
            enterprise=operator,
            template_version=version,
            uploaded_file=SimpleUploadedFile("能源设施.xlsx", data),
            start=False,
        )
        services.import_job_validate(job=job)
        job.refresh_from_db()
        timings["dry_run"] = time.perf_counter() - t0
        assert job.error_count == 0, job.errors[:5]
        t1 = time.perf_counter()
        job = services.import_job_confirm(job=job, actor=None, start=False)
        services.import_job_apply(job=job)
        timings["apply"] = time.perf_counter() - t1
        timings["total"] = time.perf_counter() - t0
    job.refresh_from_db()
    queries = counter.count
    # Re-importing the same file: all rows unchanged, nothing written.
    t2 = time.perf_counter()
    again = services.import_job_create(
        actor=None,
        enterprise=operator,
        template_version=version,
        uploaded_file=SimpleUploadedFile("again.xlsx", data),
        start=False,
    )
    services.import_job_validate(job=again)
    again.refresh_from_db()
    timings["reimport_dry_run"] = time.perf_counter() - t2
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": job.total_rows,
                "created": job.create_count,
                "state": job.state,
                "queries": queries,
                "copies": counter.copy_count,
                "peak_rss_mb": peak / 1024,
                "rss_before_mb": rss_before / 1024,
                "reimport_unchanged": again.unchanged_count,
                **timings,
            }
        )
    )


def _peer_resource():
    """What an import written the usual django-import-export way looks like, with its default
    settings: a ModelResource, a lookup and a save per row, the same value rules. Only the
    benchmark has it: the application's resource writes through the bulk service alone."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from import_export import fields, resources

    from apps.identifiers.bulk import _Shape, enterprise_prefix
    from apps.identifiers.choices import IdentifierStatus
    from apps.identifiers.models import Identifier
    from apps.imports.workbook import OBJECT_CODE, columns_for
    from apps.metadata.selectors import effective_items
    from apps.metadata.validation import normalize_text, validate_values

    class PeerResource(resources.ModelResource):
        object_code = fields.Field(attribute="object_code", column_name="对象代码 *")

        class Meta:
            model = Identifier
            fields = ("object_code",)
            import_id_fields = ("object_code",)
            clean_model_instances = False

        def __init__(self, *, template_version, enterprise, **kwargs):
            super().__init__(**kwargs)
            self.template_version = template_version
            self.enterprise = enterprise
            self.items = effective_items(template_version)
            self.columns = columns_for(self.items, with_handle=True)
            self.fields[OBJECT_CODE].column_name = self.columns[0].header
            for column in self.columns[1:]:
                self.fields[column.code] = fields.Field(column_name=column.header, attribute=None)
            stamp = timezone.now().replace(microsecond=0).isoformat()
            self.shape = _Shape(template_version, self.items, stamp)
            self.prefix = enterprise_prefix(enterprise)

        def _code(self, row) -> str:
            return normalize_text(str(row.get(self.fields[OBJECT_CODE].column_name) or ""))

        def get_instance(self, instance_loader, row):
            return Identifier.objects.filter(prefix=self.prefix, object_code=self._code(row)).first()

        def init_instance(self, row=None):
            code = self._code(row or {})
            handle = f"{self.prefix.prefix}/{code}"
            return Identifier(
                handle=handle,
                handle_ci=handle.lower(),
                prefix=self.prefix,
                suffix=code,
                object_code=code,
                enterprise=self.enterprise,
                category=self.template_version.template.category,
                template_version=self.template_version,
                status=IdentifierStatus.ACTIVE,
            )

        def import_instance(self, instance, row, **kwargs):
            raw = {c.code: row.get(c.header) for c in self.columns[1:-1] if c.header in row}
            cleaned, errors = validate_values(self.items, raw)
            if errors:
                raise ValidationError(errors)
            public, _restricted = self.shape.split(cleaned)
            instance.values = self.shape.public_values(public)
            instance.name = (public.get("name") or instance.object_code)[:255]

        def import_field(self, field, instance, row, is_m2m=False, **kwargs):
            if field.attribute:
                super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    return PeerResource


def child_peer(path: str) -> None:
    """django-import-export with its default settings (no bulk, a lookup and a save per row)."""
    import tablib
    from django.db import connection
    from openpyxl import load_workbook

    version = ensure_template()
    operator = ensure_prefix()
    reset_registry()

    resource_ = _peer_resource()(template_version=version, enterprise=operator)
    headers = [c.header for c in resource_.columns[:-1]]
    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    dataset = tablib.Dataset(headers=headers)
    for i, row in enumerate(ws.iter_rows(min_row=2, values_only=True)):
        if i >= PEER_ROWS:
            break
        dataset.append(list(row))
    wb.close()
    counter = QueryCounter()
    with connection.execute_wrapper(counter), counter.copies():
        t0 = time.perf_counter()
        result = resource_.import_data(dataset, dry_run=False, raise_errors=True)
        took = time.perf_counter() - t0
    print(
        json.dumps(
            {"rows": PEER_ROWS, "seconds": took, "queries": counter.count, "new": result.totals["new"]}
        )
    )


# ---------------------------------------------------------------- floors
def floor_read(path: Path) -> tuple[float, list]:
    from openpyxl import load_workbook

    t0 = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return time.perf_counter() - t0, rows


def floor_copy(rows: list) -> float:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_import_copy")
        cur.execute("CREATE TABLE bench_import_copy (" + ", ".join(f"c{i} text" for i in range(11)) + ")")
    raw = connection.connection
    t0 = time.perf_counter()
    with raw.cursor() as cur:
        with cur.copy("COPY bench_import_copy FROM STDIN") as copy:
            for row in rows[1:]:
                copy.write_row([None if v is None else str(v) for v in row])
    raw.commit()
    took = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_import_copy")
    return took


def _run_child(kind: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, f"--{kind}", str(path)], capture_output=True, text=True, env=os.environ
    )
    if out.returncode != 0:
        print(out.stdout[-3000:], out.stderr[-5000:])
        raise SystemExit(f"{kind} child failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    _own_database()
    if len(sys.argv) == 3 and sys.argv[1] in ("--import", "--peer"):
        _benchdb.setup(migrate=False)
        (child_import if sys.argv[1] == "--import" else child_peer)(sys.argv[2])
        return
    _benchdb.setup()
    ensure_template()
    ensure_prefix()
    folder = _benchdb.ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = ensure_file(folder / f"import_{ROWS}.xlsx", ROWS)

    read_s, rows = floor_read(path)
    copy_s = floor_copy(rows)
    del rows
    ours = _run_child("import", path)
    peer = _run_child("peer", path)

    per_row_ours = ours["total"] / ours["rows"]
    per_row_peer = peer["seconds"] / peer["rows"]
    floor = read_s + copy_s
    qpr = ours["queries"] / ours["rows"]
    peak = ours["peak_rss_mb"]
    print(f"file: {path.name} ({path.stat().st_size / 1e6:.1f} MB), {ours['rows']:,} rows × 10 items")
    print(f"floor (a) openpyxl read-only read:     {read_s:7.2f} s")
    print(f"floor (b) COPY into a plain table:     {copy_s:7.2f} s")
    print(f"import dry run (read + check all):     {ours['dry_run']:7.2f} s")
    print(f"import apply (one transaction):        {ours['apply']:7.2f} s")
    print(f"import end to end (upload→committed):  {ours['total']:7.2f} s   target < {TARGET_SECONDS:.0f} s")
    print(f"  ratio to floors (a)+(b):             {ours['total'] / floor:7.2f} ×  target < 2.5 ×")
    print(
        f"  queries: {ours['queries']} (COPY included: {ours['copies']}) = {qpr:.4f} per row   target < 0.05"
    )
    print(
        f"  peak memory (ru_maxrss): {peak:.0f} MB (process before import: {ours['rss_before_mb']:.0f} MB)  target < 500 MB"
    )
    print(
        f"re-import of the same file (dry run): {ours['reimport_dry_run']:7.2f} s, {ours['reimport_unchanged']:,} unchanged"
    )
    print(
        f"peer django-import-export defaults, {peer['rows']:,} rows: {peer['seconds']:.2f} s, "
        f"{peer['queries'] / peer['rows']:.1f} queries/row; scaled to {ours['rows']:,}: {per_row_peer * ours['rows']:.1f} s"
    )
    print(
        f"  per row: ours {per_row_ours * 1e6:.0f} µs, peer {per_row_peer * 1e6:.0f} µs → {per_row_peer / per_row_ours:.1f} × faster   target ≥ 10 ×"
    )
    checks = {
        "under 30 s": ours["total"] < TARGET_SECONDS,
        "under 2.5 × floors": ours["total"] < 2.5 * floor,
        "under 0.05 queries/row": qpr < 0.05,
        "peak under 500 MB": peak < 500,
        "≥ 10 × peer": per_row_peer / per_row_ours >= 10,
    }
    print("targets: " + ", ".join(f"{k}: {'ok' if v else 'MISSED'}" for k, v in checks.items()))
    if not all(checks.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
