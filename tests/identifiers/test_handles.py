"""The handle module: parse/format round trip, limits, and the MOD 37,36 check character."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.identifiers.handles import (
    CHECK_SEPARATOR,
    HandleError,
    HandleRules,
    ParsedHandle,
    check_character,
    check_character_valid,
    format_handle,
    parse_handle,
    split_check,
    suffix_with_check,
    validate_check_object_code,
    verify_suffix,
)

# Not a database test; the mark only keeps the session fixtures on the test database when this
# module runs alone.
pytestmark = pytest.mark.django_db

RULES = HandleRules()
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CHECK_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

enterprise_codes = st.text(alphabet=ALNUM, min_size=1, max_size=20)
park_codes = st.text(alphabet="0123456789", min_size=3, max_size=3)
# printable suffix characters, Chinese included, without '/' and whitespace
suffix_chars = st.characters(
    blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"), blacklist_characters="/"
)
suffixes = st.text(alphabet=suffix_chars, min_size=1, max_size=60).filter(
    lambda s: not any(ch.isspace() for ch in s)
)
object_codes = st.text(alphabet=CHECK_ALPHABET, min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(park_codes, enterprise_codes, suffixes)
def test_format_of_parse_is_identity(park, enterprise, suffix):
    text = f"88.{park}.{enterprise}/{suffix}"
    parsed = parse_handle(text, rules_=RULES)
    assert parsed == ParsedHandle("88", park, enterprise, suffix)
    assert parsed.handle == text
    assert parse_handle(parsed.handle, rules_=RULES) == parsed


def test_format_handle_validates(settings):
    assert format_handle("88.101.ALPHA", "B001") == "88.101.ALPHA/B001"
    parsed = parse_handle("88.101.ALPHA/设备-01")
    assert format_handle(parsed) == "88.101.ALPHA/设备-01"
    with pytest.raises(HandleError):
        format_handle("88.101.ALPHA", "a b")


@settings(max_examples=500, deadline=None)
@given(object_codes)
def test_every_valid_check_character_verifies(code):
    check = check_character(code)
    assert check in CHECK_ALPHABET
    assert check_character_valid(code, check)
    suffix = suffix_with_check(code)
    assert suffix == f"{code}{CHECK_SEPARATOR}{check}"
    assert split_check(suffix) == (code, check)
    assert verify_suffix(suffix) == code


# Replacement characters for the change tests: the check alphabet plus what people actually
# mistype (lower case, separators, full-width and Chinese characters). Before codes were
# restricted to 0-9A-Z, "A-1"/"A91" and "b1"/"B1" shared a check character.
TYPO_ALPHABET = CHECK_ALPHABET + "abcxyz-_.~!#*0９Ａ路灯ß"
typo_chars = st.sampled_from(TYPO_ALPHABET) | st.characters(
    blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"), blacklist_characters="/"
)


def _changed_is_refused(changed: str) -> bool:
    """A changed suffix body (code + check) must not verify, whatever the characters."""
    return not check_character_valid(changed[:-1], changed[-1]) and split_check(
        f"{changed[:-1]}{CHECK_SEPARATOR}{changed[-1]}"
    ) == (f"{changed[:-1]}{CHECK_SEPARATOR}{changed[-1]}", "")


@settings(max_examples=500, deadline=None)
@given(object_codes, st.data())
def test_every_single_character_change_is_caught(code, data):
    check = check_character(code)
    full = code + check
    position = data.draw(st.integers(min_value=0, max_value=len(full) - 1))
    replacement = data.draw(typo_chars.filter(lambda c: c != full[position]))
    changed = full[:position] + replacement + full[position + 1 :]
    assert _changed_is_refused(changed), changed


def test_every_single_character_change_is_caught_exhaustively():
    code = "LAMP0001"
    check = check_character(code)
    full = code + check
    for position in range(len(full)):
        for replacement in TYPO_ALPHABET:
            if replacement == full[position]:
                continue
            changed = full[:position] + replacement + full[position + 1 :]
            assert _changed_is_refused(changed), changed


@pytest.mark.parametrize("code", ["A-1", "b1", "B_1", "fork-3", "路灯001", "LAMP 1", "Ａ1"])
def test_codes_outside_0_9_A_Z_get_no_check_character(code):
    with pytest.raises(HandleError) as exc:
        check_character(code)
    assert exc.value.reason in ("check_alphabet", "bad_suffix")
    assert exc.value.message


def test_validate_check_object_code_names_the_refused_characters():
    assert validate_check_object_code("LAMP0001") == "LAMP0001"
    with pytest.raises(HandleError) as exc:
        validate_check_object_code("fork-3")
    assert exc.value.reason == "check_alphabet"
    assert "f" in exc.value.message and "-" in exc.value.message
    with pytest.raises(HandleError) as exc:
        validate_check_object_code("AB12", max_length=3)
    assert exc.value.reason == "too_long"


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "empty"),
        ("88.101.ALPHA", "no_suffix"),
        ("88.101.ALPHA/", "no_suffix"),
        ("88.101/B001", "bad_prefix"),
        ("88.1011.ALPHA/B001", "bad_park"),
        ("8a.101.ALPHA/B001", "bad_country"),
        ("88.101.AL-PHA/B001", "bad_enterprise"),
        ("88.101." + "A" * 21 + "/B001", "bad_enterprise"),
        ("88.101.ALPHA/B 001", "bad_suffix"),
        ("88.101.ALPHA/B\x00001", "control_character"),
        ("88.101.ALPHA/B\u200b001", "control_character"),
        ("88.101.ALPHA/" + "x" * 250, "too_long"),
    ],
)
def test_malformed_handles_say_why(text, reason):
    with pytest.raises(HandleError) as exc:
        parse_handle(text, rules_=RULES)
    assert exc.value.reason == reason
    assert exc.value.response_code == 10
    assert exc.value.message  # a Chinese sentence for people


def test_prefix_limit_and_configurable_widths():
    long_rules = HandleRules(enterprise_code_max=80)
    with pytest.raises(HandleError) as exc:
        parse_handle("88.101." + "A" * 70 + "/1", rules_=long_rules)
    assert exc.value.reason == "prefix_too_long"
    wide = HandleRules(country_code="86", park_code_width=4)
    assert parse_handle("86.1234.ABC/1", rules_=wide).park_code == "1234"
    with pytest.raises(HandleError) as exc:
        parse_handle("86.101.ABC/1", rules_=wide)
    assert exc.value.reason == "bad_park"


def test_country_code_is_checked():
    with pytest.raises(HandleError) as exc:
        parse_handle("86.1234.ABC/1", rules_=HandleRules(park_code_width=4))  # the deployment is 88
    assert exc.value.reason == "wrong_country" and "88" in exc.value.message
    with pytest.raises(HandleError) as exc:
        parse_handle("88.101.ABC/1", rules_=HandleRules(country_code="86"))
    assert exc.value.reason == "wrong_country" and "86" in exc.value.message
    assert parse_handle("86.101.ABC/1", rules_=HandleRules(country_code="86")).country_code == "86"


@pytest.mark.usefixtures("park")  # a transactional test before it may have flushed the session's park
def test_default_rules_follow_the_parks_country_code():
    from apps.identifiers.handles import parse_prefix, rules
    from apps.tenants.models import Park

    park = Park.objects.get()
    assert rules().country_code == park.country_code
    with pytest.raises(HandleError) as exc:
        parse_prefix(f"{int(park.country_code) + 1}.{park.park_code}.ABC")
    assert exc.value.reason == "wrong_country"
    assert parse_prefix(f"{park.country_code}.{park.park_code}.ABC")[0] == park.country_code


def test_prefix_is_case_insensitive_and_suffix_case_sensitive():
    a = parse_handle("88.101.alpha/Lamp1", rules_=RULES)
    b = parse_handle("88.101.ALPHA/Lamp1", rules_=RULES)
    c = parse_handle("88.101.ALPHA/lamp1", rules_=RULES)
    assert a.prefix.lower() == b.prefix.lower() and a.handle_ci == b.handle_ci
    assert b.suffix != c.suffix
    # case variants share the uniqueness key, so the registry refuses the second one
    assert b.handle_ci == c.handle_ci


def test_handle_at_exactly_255_characters_is_accepted():
    prefix = "88.101.ALPHA"
    text = f"{prefix}/" + "x" * (255 - len(prefix) - 1)
    assert len(text) == 255
    assert parse_handle(text, rules_=RULES).handle == text
