"""Type and constraint validation for every item type (apps.metadata.validation)."""

import datetime as dt

import pytest

from apps.metadata.selectors import effective_items, template_current_version
from apps.metadata.validation import validate_values


def it(code, kind="string", name=None, **kw):
    base = {
        "name": name or code,
        "code": code,
        "index": 2000,
        "item_type": kind,
        "required": False,
        "unique": False,
        "constraints": {},
        "grade": 1,
        "is_public": True,
        "state": "enabled",
        "help_text": "",
        "order": 0,
    }
    constraints = kw.pop("constraints", {})
    base.update(kw)
    base["constraints"] = constraints
    return base


def one(item, value, **kw):
    cleaned, errors = validate_values([item], {item["code"]: value}, **kw)
    return cleaned.get(item["code"]), errors.get(item["code"])


# ------------------------------------------------------------------ string
def test_string_length_and_pattern():
    item = it("sn", name="出厂编号", constraints={"min_length": 2, "max_length": 5, "pattern": r"[A-Z]\d+"})
    assert one(item, " A123 ") == ("A123", None)
    _, errors = one(item, "A")
    assert errors == ["「出厂编号」至少 2 个字符"]
    _, errors = one(item, "A12345")
    assert "「出厂编号」最多 5 个字符" in errors[0]
    _, errors = one(item, "12")
    assert errors[0].startswith("「出厂编号」格式不正确")


def test_string_folds_fullwidth_letters_and_digits_but_keeps_chinese_punctuation():
    item = it("name", name="名称")
    assert one(item, "　１号变压器（Ａ区）　") == ("1号变压器（A区）", None)


def test_string_refuses_control_characters():
    _, errors = one(it("name", name="名称"), "a\x00b")
    assert "控制字符" in errors[0]


def test_text_keeps_line_breaks_and_tabs_with_one_line_ending():
    item = it("description", name="对象描述", constraints={"max_length": 9})
    # Alt+Enter in Excel and a quoted CSV newline give LF; a textarea and Windows give CRLF.
    assert one(item, "第一行\n第二行") == ("第一行\n第二行", None)
    assert one(item, "第一行\r\n第二行") == ("第一行\n第二行", None)
    assert one(item, "第一行\r第二行") == ("第一行\n第二行", None)
    assert one(item, "名称\t型号") == ("名称\t型号", None)
    # A CRLF counts as the one character it is stored as.
    assert one(item, "一二三\r\n四五六\r\n七") == ("一二三\n四五六\n七", None)


@pytest.mark.parametrize(
    ("value", "code_point"),
    [
        ("A\u200bB", "U+200B"),  # zero-width space, pasted from a web page
        ("A\u202eB", "U+202E"),  # right-to-left override
        ("A\ufeffB", "U+FEFF"),  # byte order mark
        ("A\x07B", "U+0007"),  # bell
        ("A\x0bB", "U+000B"),  # vertical tab
        ("A\u2028B", "U+2028"),  # line separator: only LF is a line break
    ],
)
def test_text_refuses_other_control_and_invisible_characters_naming_them(value, code_point):
    cleaned, errors = one(it("description", name="对象描述"), value)
    assert cleaned is None
    assert errors == [f"「对象描述」不能包含控制字符或不可见字符（{code_point}），换行和制表符除外"]


def test_a_reference_is_one_line_without_invisible_characters():
    item = it("ref", "reference", name="所在建筑")
    assert one(item, "88.101.ABC/B001")[1] is None
    for value in ("88.101.ABC/B\n001", "88.101.ABC/B\t001", "88.101.ABC/B\u200b001"):
        assert one(item, value)[1] == ["「所在建筑」应为另一个标识，格式为 前缀/后缀，例如 88.101.ABC/B001"]


# ------------------------------------------------------------------ number
def test_number_precision_range_unit():
    item = it(
        "p", "number", name="额定功率", constraints={"precision": 2, "min": 0, "max": 1000, "unit": "kW"}
    )
    assert one(item, "12.5") == ("12.5", None)
    assert one(item, 12.25) == ("12.25", None)
    assert one(item, "１２.５０") == ("12.50", None)
    assert one(item, "800 kW") == ("800", None)
    assert one(item, "1,000") == ("1000", None)
    assert one(item, "12.500") == ("12.5", None)  # trailing zeros are not decimals that matter
    assert one(item, "12.345")[1] == ["「额定功率」应为数值，最多 2 位小数"]
    assert one(item, "abc")[1] == ["「额定功率」应为数值，最多 2 位小数"]
    assert one(item, "-1")[1] == ["「额定功率」不能小于 0 kW"]
    assert one(item, "1000.01")[1] == ["「额定功率」不能大于 1000 kW"]
    assert one(item, True)[1] is not None
    assert one(item, "NaN")[1] is not None


def test_integer_number():
    item = it("n", "number", name="车道数", constraints={"precision": 0})
    assert one(item, "4") == ("4", None)
    assert one(item, 4.0) == ("4", None)
    assert one(item, "4.5")[1] == ["「车道数」应为整数"]


# ------------------------------------------------------------------ date
@pytest.mark.parametrize(
    "value",
    [
        "2024-03-01",
        "2024/3/1",
        "2024年3月1日",
        "２０２４年３月１日",
        "2024.3.1",
        "2024-03-01 00:00:00",
        dt.date(2024, 3, 1),
        dt.datetime(2024, 3, 1, 8, 30),
    ],
)
def test_date_accepts_common_forms_and_returns_iso(value):
    assert one(it("d", "date", name="投运日期"), value) == ("2024-03-01", None)


def test_date_refuses_nonsense_and_range():
    item = it("d", "date", name="投运日期", constraints={"min": "2000-01-01", "max": "2030-12-31"})
    assert one(item, "2024-02-30")[1] == ["「投运日期」应为日期，例如 2024-03-01"]
    assert one(item, "明天")[1] == ["「投运日期」应为日期，例如 2024-03-01"]
    assert one(item, "1999-12-31")[1] == ["「投运日期」不能早于 2000-01-01"]
    assert one(item, "2031-01-01")[1] == ["「投运日期」不能晚于 2030-12-31"]


# ------------------------------------------------------------------ enum
def test_enum_choices():
    item = it("t", "enum", name="设备类型", constraints={"choices": ["变压器", "AGV"]})
    assert one(item, " 变压器 ") == ("变压器", None)
    assert one(item, "agv") == ("AGV", None)
    errors = one(item, "风机")[1]
    assert errors == ["「设备类型」的值「风机」不在可选范围内，可选：变压器、AGV"]


# ------------------------------------------------------------------ file
def test_file_reference():
    item = it("f", "file", name="监测报告", constraints={"extensions": ["pdf"]})
    assert one(item, "https://files.example.cn/r/2024.pdf") == ("https://files.example.cn/r/2024.pdf", None)
    assert one(item, "att:1f3a9c") == ("att:1f3a9c", None)
    assert one(item, "12345") == ("12345", None)
    assert one(item, "https://files.example.cn/r/2024.exe")[1] == ["「监测报告」的文件类型应为：pdf"]
    assert one(item, "not a file")[1] == ["「监测报告」应为文件链接（http/https）或附件编号"]


# ------------------------------------------------------------------ reference
def test_reference_syntax_prefix_and_existence():
    item = it("b", "reference", name="所在建筑", constraints={"ref_prefix": "88.101.PARK"})
    known = {"88.101.PARK/B001"}
    exists = known.__contains__
    assert one(item, "88.101.PARK/B001", reference_exists=exists) == ("88.101.PARK/B001", None)
    assert one(item, "B001")[1][0].startswith("「所在建筑」应为另一个标识")
    assert one(item, "88.101.OTHER/B001")[1] == ["「所在建筑」应为前缀 88.101.PARK 下的标识"]
    assert one(item, "88.101.PARK/B404", reference_exists=exists)[1] == [
        "「所在建筑」引用的标识 88.101.PARK/B404 不存在"
    ]


# ------------------------------------------------------------------ the whole set
def test_required_unknown_disabled_and_empty():
    items = [
        it("name", name="名称", required=True),
        it("old", name="旧编号", state="disabled"),
        it("note", name="备注"),
        it("off_req", name="停用必填", required=True, state="disabled"),
    ]
    cleaned, errors = validate_values(items, {"old": "x", "bogus": "1", "note": "  "})
    assert cleaned == {}
    assert errors["name"] == ["「名称」为必填项"]
    assert errors["old"] == ["「旧编号」已停用，不能填写"]
    assert errors["bogus"] == ["模板中没有数据项「bogus」"]
    assert "note" not in errors and "off_req" not in errors


def test_energy_seed_template_values(templates):
    items = effective_items(template_current_version(templates["PARK-ENERGY"]))
    cleaned, errors = validate_values(
        items,
        {
            "name": "1号箱式变电站",
            "equipment_type": "变压器",
            "rated_power": "６３０",
            "commissioned_on": "2021年6月18日",
            "building": "88.101.PARK/B001",
        },
        reference_exists=lambda handle: True,
    )
    assert errors == {}
    assert cleaned["rated_power"] == "630"
    assert cleaned["commissioned_on"] == "2021-06-18"
    _, errors = validate_values(items, {"name": "x", "equipment_type": "变压器", "rated_power": "1.234"})
    assert errors["rated_power"] == ["「额定功率」应为数值，最多 2 位小数"]
    assert errors["commissioned_on"] == ["「投运日期」为必填项"]
