"""The signed strings are the ones the README spells out for firmware authors."""

from pathlib import Path

from apps.terminals import canonical

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_example_is_the_report_string_byte_for_byte():
    message = canonical.report_message(
        "88.101.ALPHA/TERM00000001",
        "88.101",
        17,
        "ok",
        [{"time": "2026-03-18T02:00:00Z", "item": "temperature", "value": "21.5"}],
    )
    as_written = message.decode().replace("\n", "\\n")
    text = README.read_text()
    assert as_written in text
    assert f"signs these {len(message)} bytes" in text
    assert canonical.auth_message("h", "n", "88.101") == b"PPTERM-AUTH-1\nh\nn\n88.101"
