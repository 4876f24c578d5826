"""BIDs, BIF public and private keys, as the 星火·链网 SDKs encode them (byte for byte).

Read from the SDKs' source (caict-4iot-dev/BIF-Core-SDK ``cn.bif.utils.base.Base58``,
``PublicKeyManager``, ``PrivateKeyManager``; BIF-Core-SDK-Go ``module/encryption/key``;
BIF-Core_SDK-JS ``lib/keypair``) and RFC-003 (BID 生成规则):

* Base58 with BIF's own alphabet (``b``/``B`` and ``u``/``U`` swapped against Bitcoin's).
* Key type characters ``z`` (SM2) and ``e`` (Ed25519); encoding type ``f`` (Base58).
* Encoded public key (hex, as the SDKs print it): ``B0`` ‖ key type ‖ ``f`` ‖ raw public key,
  where the raw SM2 key is the uncompressed point ``04‖x‖y`` (65 bytes) and the raw Ed25519
  key its 32 bytes: ``b07a6604…`` and ``b06566…``.
* Encoded private key: Base58 of ``18 9E 99`` ‖ key type ‖ ``f`` ‖ raw private key (the SM2
  scalar, the Ed25519 seed; 32 bytes each), which prints as ``priS…``.
* BID: ``did:bid:`` ‖ [AC code ‖ ``:``] ‖ key type ‖ ``f`` ‖ Base58(last 22 bytes of
  SM3(raw SM2 key) or SHA-256(raw Ed25519 key)). With an AC code the Java and Go SDKs print
  ``ef`` whatever the key type; the JS SDK (``crypto_sm2._createAddress``) prints ``zf`` for SM2,
  as RFC-003 §5.1 defines the character: we follow RFC-003 and the JS SDK.
* Validation as RFC-003 and the SDKs' ``isAddressValid``: 32–57 characters, ``did:bid:``,
  a 4-character AC code of lowercase letters and digits, the key and encoding type characters,
  a suffix that decodes to 22 bytes. Each check has its own error code.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization as c_ser
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.utils.translation import gettext as _
from tongsuopy.crypto import serialization as t_ser
from tongsuopy.crypto.asymciphers import ec as t_ec

from apps.bid.choices import BidKeyType
from apps.core.errors import ApplicationError

ALPHABET = "123456789AbCDEFGHJKLMNPQRSTuVWXYZaBcdefghijkmnopqrstUvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
PREFIX = "did:bid:"
KEY_CHAR = {BidKeyType.SM2: "z", BidKeyType.ED25519: "e"}
KEY_TYPE_OF_CHAR = {v: k for k, v in KEY_CHAR.items()}
ENCODING_BASE58 = "f"
PUBLIC_KEY_MARK = 0xB0
PRIVATE_KEY_MARK = b"\x18\x9e\x99"
HASH_BYTES = 22
MIN_LENGTH, MAX_LENGTH = 32, 57
AC_PATTERN = re.compile(r"^[a-z0-9]{4}$")
RAW_LENGTH = {BidKeyType.SM2: 65, BidKeyType.ED25519: 32}
SM2_DEFAULT_ID = b"1234567812345678"
_HEX = re.compile(r"^[0-9a-fA-F]+$")


class BidError(ApplicationError):
    default_code = "invalid_did"


# ---------------------------------------------------------------- Base58 (BIF alphabet)
def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return ALPHABET[0] * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        digit = _INDEX.get(char)
        if digit is None:
            raise ValueError(char)
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    zeros = len(text) - len(text.lstrip(ALPHABET[0]))
    return b"\0" * zeros + body


# ---------------------------------------------------------------- BIDs
@dataclass(frozen=True)
class ParsedBid:
    did: str
    ac_code: str
    key_type: str
    suffix_hash: bytes


def key_hash(key_type: str, raw: bytes) -> bytes:
    if key_type == BidKeyType.SM2:
        return hashlib.new("sm3", raw).digest()
    return hashlib.sha256(raw).digest()


def bid_for(key_type: str, raw: bytes, ac_code: str = "") -> str:
    suffix = b58encode(key_hash(key_type, raw)[-HASH_BYTES:])
    chain = f"{ac_code}:" if ac_code else ""
    return f"{PREFIX}{chain}{KEY_CHAR[key_type]}{ENCODING_BASE58}{suffix}"


def _refuse(code: str, message: str) -> BidError:
    return BidError(message, errors={"bid": [message]}, code=code)


def validate_ac_code(ac_code: str) -> str:
    ac_code = (ac_code or "").strip()
    if ac_code and not AC_PATTERN.match(ac_code):
        raise _refuse("bid_ac_code", _("AC 号应为 4 位小写字母或数字"))
    return ac_code


def parse_bid(did: str) -> ParsedBid:
    """The parts of ``did``; ``BidError`` with a code per rule otherwise."""
    did = (did or "").strip() if isinstance(did, str) else ""
    if not did:
        raise _refuse("bid_empty", _("请填写 BID"))
    if not (MIN_LENGTH <= len(did) <= MAX_LENGTH):
        raise _refuse(
            "bid_length",
            _("BID 长度应为 %(min)d–%(max)d 个字符（当前 %(n)d 个）")
            % {"min": MIN_LENGTH, "max": MAX_LENGTH, "n": len(did)},
        )
    if not did.startswith(PREFIX):
        raise _refuse("bid_prefix", _("BID 应以 did:bid: 开头"))
    parts = did[len(PREFIX) :].split(":")
    if len(parts) > 2:
        raise _refuse("bid_ac_code", _("BID 至多含一个 AC 号"))
    ac_code = parts[0] if len(parts) == 2 else ""
    if len(parts) == 2 and not AC_PATTERN.match(ac_code):
        raise _refuse("bid_ac_code", _("AC 号应为 4 位小写字母或数字"))
    body = parts[-1]
    key_type = KEY_TYPE_OF_CHAR.get(body[:1])
    if key_type is None:
        raise _refuse("bid_key_type", _("BID 的加密类型应为 z（SM2）或 e（Ed25519）"))
    if body[1:2] != ENCODING_BASE58:
        raise _refuse("bid_encoding", _("BID 的编码类型应为 f（Base58）"))
    try:
        digest = b58decode(body[2:])
    except ValueError:
        raise _refuse("bid_characters", _("BID 后缀含有 Base58 字母表以外的字符")) from None
    if len(digest) != HASH_BYTES:
        raise _refuse("bid_hash_length", _("BID 后缀应解码为 22 字节的公钥哈希"))
    return ParsedBid(did=did, ac_code=ac_code, key_type=key_type, suffix_hash=digest)


def is_valid_bid(did: str) -> bool:
    try:
        parse_bid(did)
    except BidError:
        return False
    return True


# ---------------------------------------------------------------- keys
@dataclass(frozen=True)
class BidKey:
    """A public key as BIF holds it: its type and raw bytes (SM2 ``04‖x‖y``, Ed25519 32 bytes)."""

    key_type: str
    raw: bytes

    @property
    def encoded(self) -> str:
        """BIF's encoded public key (hex), the form the SDKs print and BID documents carry."""
        return (
            bytes([PUBLIC_KEY_MARK, ord(KEY_CHAR[self.key_type]), ord(ENCODING_BASE58)]).hex()
            + self.raw.hex()
        )

    def bid(self, ac_code: str = "") -> str:
        return bid_for(self.key_type, self.raw, ac_code)

    @property
    def document_type(self) -> str:
        return "SM2" if self.key_type == BidKeyType.SM2 else "Ed25519"


def _key_error(message: str, code: str = "invalid_public_key") -> ApplicationError:
    return ApplicationError(message, errors={"public_key": [message]}, code=code)


def _checked(key_type: str, raw: bytes) -> BidKey:
    try:
        if key_type == BidKeyType.SM2:
            t_ec.EllipticCurvePublicKey.from_encoded_point(t_ec.SM2(), raw)
        else:
            ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except Exception:
        raise _key_error(
            _("公钥不是有效的 %(type)s 公钥") % {"type": BidKey(key_type, raw).document_type}
        ) from None
    return BidKey(key_type, raw)


def parse_public_key(text: str) -> BidKey:
    """A public key in any accepted form: BIF's encoded hex (``b07a66…``/``b06566…``), PEM or
    base64 SubjectPublicKeyInfo (SM2 or Ed25519), raw SM2 hex (``04‖x‖y`` or ``x‖y``), raw
    Ed25519 hex (64 characters)."""
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise _key_error(_("请提供公钥"))
    if "PRIVATE KEY" in text or (text.startswith("pri") and not _HEX.match(text)):
        raise _key_error(_("这是私钥：请只提供公钥，私钥由持有者保管"), code="private_key_given")
    compact = re.sub(r"\s", "", text)
    if _HEX.match(compact) and len(compact) % 2 == 0:
        data = bytes.fromhex(compact)
        if data[:1] == bytes([PUBLIC_KEY_MARK]) and len(data) in (3 + 65, 3 + 32):
            key_type = KEY_TYPE_OF_CHAR.get(chr(data[1]))
            if key_type is None:
                raise _key_error(_("BIF 公钥的加密类型应为 z（SM2）或 e（Ed25519）"))
            if chr(data[2]) != ENCODING_BASE58:
                raise _key_error(_("BIF 公钥的编码类型应为 f（Base58）"))
            if len(data) - 3 != RAW_LENGTH[key_type]:
                raise _key_error(_("BIF 公钥长度与加密类型不符"))
            return _checked(key_type, data[3:])
        if len(data) == 65 and data[0] == 4:
            return _checked(BidKeyType.SM2, data)
        if len(data) == 64:
            return _checked(BidKeyType.SM2, b"\x04" + data)
        if len(data) == 32:
            return _checked(BidKeyType.ED25519, data)
    from apps.terminals import keys as terminal_keys

    try:
        parsed = terminal_keys.parse_public_key(text)
    except ApplicationError:
        raise _key_error(
            _("公钥格式无法识别：请提供 BIF 编码公钥（b07a66…/b06566…）、PEM 公钥或十六进制原始公钥")
        ) from None
    return from_terminal_key(parsed)


def from_terminal_key(parsed) -> BidKey:
    """An ``apps.terminals.keys.PublicKey`` (a terminal's credential) as a BID key."""
    if parsed.algorithm == BidKeyType.SM2:
        return BidKey(BidKeyType.SM2, bytes.fromhex("04" + parsed.sm2_raw_hex))
    if parsed.algorithm == BidKeyType.ED25519:
        raw = c_ser.load_der_public_key(parsed.der).public_bytes(c_ser.Encoding.Raw, c_ser.PublicFormat.Raw)
        return BidKey(BidKeyType.ED25519, raw)
    raise _key_error(_("BID 只支持 SM2 和 Ed25519 公钥"), code="unsupported_key_type")


@lru_cache(maxsize=50_000)
def _verifier(key: BidKey):
    if key.key_type == BidKeyType.SM2:
        return t_ec.EllipticCurvePublicKey.from_encoded_point(t_ec.SM2(), key.raw)
    return ed25519.Ed25519PublicKey.from_public_bytes(key.raw)


@lru_cache(maxsize=50_000)
def _sm2_spki(key: BidKey):
    from apps.terminals import keys as terminal_keys

    spki = _verifier(key).public_bytes(t_ser.Encoding.DER, t_ser.PublicFormat.SubjectPublicKeyInfo)
    return terminal_keys.PublicKey(BidKeyType.SM2.value, spki)


def verify(key: BidKey, signature: bytes, message: bytes) -> bool:
    """SM2 with SM3 and the default user ID (signature ``r‖s``, 64 bytes, or DER) or Ed25519."""
    from apps.terminals import keys as terminal_keys

    if key.key_type == BidKeyType.SM2:
        return terminal_keys.verify(_sm2_spki(key), signature, message)
    if len(signature) != 64:
        return False
    try:
        _verifier(key).verify(signature, message)
    except Exception:
        return False
    return True


# ---------------------------------------------------------------- private keys
@dataclass
class KeyPair:
    key: BidKey
    private_key: object  # a tongsuopy SM2 or cryptography Ed25519 private key
    encoded_private_key: str  # pri…: handed to the holder once, never stored


def _raw_private(private_key) -> bytes:
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return private_key.private_bytes(c_ser.Encoding.Raw, c_ser.PrivateFormat.Raw, c_ser.NoEncryption())
    return private_key.private_numbers().private_value.to_bytes(32, "big")


def _pair(key_type: str, private_key) -> KeyPair:
    if key_type == BidKeyType.SM2:
        raw_public = private_key.public_key().public_bytes(
            t_ser.Encoding.X962, t_ser.PublicFormat.UncompressedPoint
        )
    else:
        raw_public = private_key.public_key().public_bytes(c_ser.Encoding.Raw, c_ser.PublicFormat.Raw)
    encoded = b58encode(PRIVATE_KEY_MARK + KEY_CHAR[key_type].encode() + b"f" + _raw_private(private_key))
    return KeyPair(BidKey(key_type, raw_public), private_key, encoded)


def generate(key_type: str = BidKeyType.SM2) -> KeyPair:
    if key_type == BidKeyType.SM2:
        return _pair(key_type, t_ec.generate_private_key(t_ec.SM2()))
    if key_type == BidKeyType.ED25519:
        return _pair(key_type, ed25519.Ed25519PrivateKey.generate())
    raise _key_error(_("BID 只支持 SM2 和 Ed25519 公钥"), code="unsupported_key_type")


def from_raw_private(key_type: str, raw: bytes) -> KeyPair:
    if key_type == BidKeyType.SM2:
        return _pair(key_type, t_ec.derive_private_key(int.from_bytes(raw, "big"), t_ec.SM2()))
    return _pair(key_type, ed25519.Ed25519PrivateKey.from_private_bytes(raw))


def decode_private_key(text: str) -> KeyPair:
    """BIF's encoded private key (``pri…``) → the key pair."""
    try:
        data = b58decode((text or "").strip())
    except ValueError:
        raise _key_error(_("私钥格式错误"), code="invalid_private_key") from None
    key_type = KEY_TYPE_OF_CHAR.get(chr(data[3])) if len(data) == 37 else None
    if data[:3] != PRIVATE_KEY_MARK or key_type is None or chr(data[4]) != ENCODING_BASE58:
        raise _key_error(_("私钥格式错误"), code="invalid_private_key")
    return from_raw_private(key_type, data[5:])


def derived_pair(secret: bytes, label: str, key_type: str = BidKeyType.SM2) -> KeyPair:
    """A key pair derived from ``secret`` (the node's registrar key when none is configured)."""
    seed = hmac.new(secret, label.encode(), hashlib.sha256).digest()
    if key_type == BidKeyType.SM2:
        order = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
        scalar = int.from_bytes(seed, "big") % (order - 1) + 1
        return from_raw_private(key_type, scalar.to_bytes(32, "big"))
    return from_raw_private(key_type, seed)


def sign(pair: KeyPair, message: bytes) -> bytes:
    """The SDKs' signature form: SM2 ``r‖s`` (64 bytes, SM3, default user ID), Ed25519 64 bytes."""
    from apps.terminals import keys as terminal_keys

    signature = terminal_keys.sign(pair.private_key, message)
    if pair.key.key_type == BidKeyType.SM2:
        return terminal_keys.raw_signature(signature)
    return signature
