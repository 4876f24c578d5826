"""Registration rules an import applies exactly as ``identifier_register`` does: the template's
check character, items flagged unique, object codes that differ only in case."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from apps.identifiers import handles
from apps.identifiers.models import Identifier
from apps.identifiers.services import identifier_register
from apps.imports.choices import ImportState
from apps.metadata.selectors import template_current_version
from tests.imports import files
from tests.imports.test_grades import STAFF_HEADER
from tests.imports.test_services import apply, dry_run, error_lines

pytestmark = pytest.mark.django_db

MFG_HEADER = ["对象代码", "产品名称", "产品型号", "生产批次", "生产日期", "质检结果"]


def mfg_row(code: str, n: int = 1) -> list:
    return [code, f"变压器{n}", "S11-M-100", f"B{n:04d}", "2024-03-01", "合格"]


@pytest.fixture
def mfg_version(seeds):
    return template_current_version(seeds["PARK-MFG"])


@pytest.fixture
def staff_version(seeds):
    return template_current_version(seeds["PARK-ENT-STAFF"])


def test_check_character_template_gives_the_same_handle_as_the_form(mfg_version, alpha):
    formed = identifier_register(
        actor=None,
        enterprise=alpha,
        template_version=mfg_version,
        values=dict(
            zip(["name", "model", "batch_no", "produced_on", "qc_result"], mfg_row("F1")[1:], strict=True)
        ),
        object_code="F1",
    )
    with tenant_context(alpha):
        job = apply(dry_run(mfg_version, alpha, "mfg.csv", files.csv_bytes([MFG_HEADER, mfg_row("P1")])))
    assert job.state == ImportState.APPLIED, job.errors
    imported = Identifier.objects.get(object_code="P1")
    check = handles.check_character("P1")
    assert (imported.handle, imported.suffix, imported.security_code) == (
        f"88.101.ALPHA/P1-{check}",
        f"P1-{check}",
        check,
    )
    # the same shape as the form's
    assert formed.handle == f"88.101.ALPHA/F1-{handles.check_character('F1')}"
    assert formed.security_code == handles.check_character("F1")

    with tenant_context(alpha):
        # The object code again, or with its check character as the handle shows it: the same object.
        again = dry_run(
            mfg_version,
            alpha,
            "mfg.csv",
            files.csv_bytes([MFG_HEADER, mfg_row("P1"), mfg_row(f"F1-{formed.security_code}")]),
        )
        assert (again.state, again.create_count, again.unchanged_count) == (ImportState.VALIDATED, 0, 2), (
            again.errors
        )
        bad = dry_run(mfg_version, alpha, "mfg.csv", files.csv_bytes([MFG_HEADER, mfg_row("p-2")]))
    assert bad.state == ImportState.INVALID
    assert error_lines(bad) == [
        "第 2 行「对象代码」: 该模板启用了校验位，对象代码只能由数字 0-9 和大写字母 A-Z 组成（不允许的字符：p -）"
    ]


def test_unique_items_are_checked_in_the_file_and_against_the_registry(staff_version, alpha):
    with tenant_context(alpha):
        apply(
            dry_run(
                staff_version,
                alpha,
                "staff.csv",
                files.csv_bytes([STAFF_HEADER, ["E1", "张三", "G-1", "", "", "", ""]]),
            )
        )
        rows = [
            STAFF_HEADER,
            ["E1", "张三", "G-1", "", "", "", ""],  # its own value: fine
            ["E2", "李四", "G-2", "", "", "", ""],
            ["E3", "王五", "G-2", "", "", "", ""],
            ["E4", "赵六", "G-1", "", "", "", ""],
        ]
        job = dry_run(staff_version, alpha, "staff.csv", files.csv_bytes(rows))
        assert job.state == ImportState.INVALID
        assert error_lines(job) == [
            "第 4 行「工号」: 值「G-2」与第 3 行重复，要求唯一",
            "第 5 行「工号」: 值「G-1」与第 2 行重复，要求唯一",
        ]
        job = dry_run(
            staff_version,
            alpha,
            "staff.csv",
            files.csv_bytes([STAFF_HEADER, ["E9", "钱七", "G-1", "", "", "", ""]]),
        )
        assert error_lines(job) == ["第 2 行「工号」: 值「G-1」已被标识 88.101.ALPHA/E1 使用，要求唯一"]

        # E1 gives G-1 up in the same file that gives it to E9: the end state is unique.
        rows = [STAFF_HEADER, ["E1", "张三", "G-7", "", "", "", ""], ["E9", "钱七", "G-1", "", "", "", ""]]
        job = apply(dry_run(staff_version, alpha, "staff.csv", files.csv_bytes(rows)))
        assert job.state == ImportState.APPLIED, job.errors
        assert (job.create_count, job.update_count) == (1, 1)


def test_object_codes_differing_only_in_case(road_version, operator):
    apply(
        dry_run(
            road_version,
            operator,
            "roads.csv",
            files.csv_bytes([files.ROAD_HEADER, ["Rd1", "路", "支路", 1, None]]),
        )
    )
    rows = [
        files.ROAD_HEADER,
        ["Ab1", "路1", "支路", 1, None],
        ["AB1", "路2", "支路", 1, None],
        ["RD1", "路3", "支路", 1, None],
        ["Rd1", "路4", "支路", 1, None],  # the same object: an update
    ]
    job = dry_run(road_version, operator, "roads.csv", files.csv_bytes(rows))
    assert job.state == ImportState.INVALID
    assert error_lines(job) == [
        "第 3 行「对象代码」: 对象代码「AB1」与第 2 行重复（大小写不同也视为重复）",
        "第 4 行「对象代码」: 标识 88.101.YQ/Rd1 已存在（大小写不同也视为重复）",
        "第 5 行「对象代码」: 对象代码「Rd1」与第 4 行重复（大小写不同也视为重复）",
    ]
    del rows[2:4]
    job = apply(dry_run(road_version, operator, "roads.csv", files.csv_bytes(rows)))
    assert (job.state, job.create_count, job.update_count) == (ImportState.APPLIED, 1, 1)


def test_object_codes_are_refused_as_the_registration_service_refuses_them(road_version, operator):
    # A zero-width space pasted from a web page: invisible in the sheet, refused by the form.
    code = "RD\u200b7"
    with pytest.raises(handles.HandleError) as refused:
        handles.validate_object_code(code)
    job = dry_run(
        road_version,
        operator,
        "roads.csv",
        files.csv_bytes([files.ROAD_HEADER, [code, "路7", "支路", 1, None]]),
    )
    assert job.state == ImportState.INVALID
    assert error_lines(job) == [f"第 2 行「对象代码」: {refused.value.message}"]
    assert not Identifier.objects.filter(object_code=code).exists()
