"""Public keys and signatures of terminals: SM2 (GM/T 0003, SM3 with the default user ID
``1234567812345678``), ECDSA P-256 (SHA-256) and Ed25519.

A key is kept as its SubjectPublicKeyInfo (DER, base64), which names its algorithm. SM2 runs on
``tongsuopy`` (Tongsuo, C) — ``gmssl`` is pure Python, ≈40 verifications/s against ≈1,500
(DESIGN.md, measured facts) — and its signatures verify in ``gmssl`` both ways; P-256 and Ed25519
on ``cryptography``. Accepted inputs: PEM or base64 DER SubjectPublicKeyInfo, an SM2 raw public
key (128 hex characters ``x‖y``, optionally led by ``04``), and a PEM CSR for P-256 or Ed25519
(its self-signature is checked). ECDSA signatures: DER or raw ``r‖s`` (64 bytes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes as c_hashes
from cryptography.hazmat.primitives import serialization as c_ser
from cryptography.hazmat.primitives.asymmetric import ec as c_ec
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from django.utils.translation import gettext as _
from tongsuopy.crypto import hashes as t_hashes
from tongsuopy.crypto import serialization as t_ser
from tongsuopy.crypto.asymciphers import ec as t_ec

from apps.core.errors import ApplicationError
from apps.terminals.choices import KeyAlgorithm

_SM2_OID = "1.2.156.10197.1.301"
_RAW_HEX = re.compile(r"^(?:04)?[0-9a-fA-F]{128}$")


class KeyError_(ApplicationError):
    default_code = "invalid_key"


@dataclass(frozen=True)
class PublicKey:
    algorithm: str
    der: bytes  # SubjectPublicKeyInfo

    @property
    def b64(self) -> str:
        return base64.b64encode(self.der).decode()

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.der).hexdigest()

    @property
    def pem(self) -> str:
        body = "\n".join(self.b64[i : i + 64] for i in range(0, len(self.b64), 64))
        return f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n"

    @property
    def sm2_raw_hex(self) -> str:
        """``x‖y`` (128 hex characters), the form gmssl takes; SM2 keys only."""
        point = _sm2_key(self.der).public_bytes(t_ser.Encoding.X962, t_ser.PublicFormat.UncompressedPoint)
        return point[1:].hex()


def _invalid(message: str | None = None) -> KeyError_:
    return KeyError_(message or _("公钥格式无法识别：请提供 PEM 公钥、SM2 十六进制公钥或 CSR"))


def _from_der(der: bytes) -> PublicKey:
    try:
        key = c_ser.load_der_public_key(der)
    except Exception:
        try:
            key = t_ser.load_der_public_key(der)
        except Exception:
            raise _invalid() from None
        if isinstance(key, t_ec.EllipticCurvePublicKey) and key.curve.name == "SM2":
            return PublicKey(KeyAlgorithm.SM2, der)
        raise _invalid(_("不支持的公钥算法：只支持 SM2、P-256 和 Ed25519"))
    if isinstance(key, ed25519.Ed25519PublicKey):
        return PublicKey(KeyAlgorithm.ED25519, der)
    if isinstance(key, c_ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1":
        return PublicKey(KeyAlgorithm.P256, der)
    raise _invalid(_("不支持的公钥算法：只支持 SM2、P-256 和 Ed25519"))


def parse_public_key(text: str | bytes) -> PublicKey:
    """Any accepted form → the key in SubjectPublicKeyInfo; ``KeyError_`` (translated) otherwise."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            return _from_der(text)
    text = (text or "").strip()
    if not text:
        raise _invalid(_("请提供公钥"))
    if "BEGIN CERTIFICATE REQUEST" in text:
        return _from_csr(text.encode())
    if "BEGIN PUBLIC KEY" in text:
        body = re.sub(r"-----[A-Z ]+-----|\s", "", text)
        try:
            return _from_der(base64.b64decode(body, validate=True))
        except (binascii.Error, ValueError):
            raise _invalid() from None
    if "PRIVATE KEY" in text:
        raise _invalid(_("这是私钥：请只上传公钥，私钥留在设备上"))
    compact = re.sub(r"\s", "", text)
    if _RAW_HEX.match(compact):
        point = bytes.fromhex(compact[-128:])
        try:
            key = t_ec.EllipticCurvePublicKey.from_encoded_point(t_ec.SM2(), b"\x04" + point)
        except Exception:
            raise _invalid(_("SM2 公钥不是曲线上的点")) from None
        return PublicKey(
            KeyAlgorithm.SM2,
            key.public_bytes(t_ser.Encoding.DER, t_ser.PublicFormat.SubjectPublicKeyInfo),
        )
    try:
        der = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise _invalid() from None
    return _from_der(der)


def _from_csr(pem: bytes) -> PublicKey:
    try:
        csr = x509.load_pem_x509_csr(pem)
    except Exception:
        raise _invalid(_("CSR 无法解析（SM2 设备请直接上传公钥）")) from None
    if not csr.is_signature_valid:
        raise _invalid(_("CSR 的自签名无效"))
    der = csr.public_key().public_bytes(c_ser.Encoding.DER, c_ser.PublicFormat.SubjectPublicKeyInfo)
    return _from_der(der)


# ---------------------------------------------------------------- verification
@lru_cache(maxsize=50_000)
def _sm2_key(der: bytes):
    return t_ser.load_der_public_key(der)


@lru_cache(maxsize=50_000)
def _c_key(der: bytes):
    return c_ser.load_der_public_key(der)


def _der_signature(signature: bytes) -> bytes:
    if len(signature) == 64:  # raw r‖s (gmssl's form, many firmware libraries')
        return encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
    return signature


def verify(key: PublicKey, signature: bytes, message: bytes) -> bool:
    """True when ``signature`` is ``key``'s over ``message``. Parsed keys are cached per process;
    whether the key is still accepted is the caller's check, every time."""
    try:
        if key.algorithm == KeyAlgorithm.SM2:
            _sm2_key(key.der).verify(_der_signature(signature), message, t_ec.ECDSA(t_hashes.SM3()))
        elif key.algorithm == KeyAlgorithm.P256:
            _c_key(key.der).verify(_der_signature(signature), message, c_ec.ECDSA(c_hashes.SHA256()))
        elif key.algorithm == KeyAlgorithm.ED25519:
            _c_key(key.der).verify(signature, message)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    except Exception as exc:
        # tongsuopy's InvalidSignature lives in its own package, and it raises InternalError on
        # bytes that are not a DER signature at all: both mean the signature is not good
        if type(exc).__name__ in ("InvalidSignature", "InternalError"):
            return False
        raise
    return True


# ---------------------------------------------------------------- private keys (client, tests)
def generate_private_key(algorithm: str):
    if algorithm == KeyAlgorithm.SM2:
        return t_ec.generate_private_key(t_ec.SM2())
    if algorithm == KeyAlgorithm.P256:
        return c_ec.generate_private_key(c_ec.SECP256R1())
    if algorithm == KeyAlgorithm.ED25519:
        return ed25519.Ed25519PrivateKey.generate()
    raise _invalid(_("不支持的公钥算法：只支持 SM2、P-256 和 Ed25519"))


def private_key_pem(private_key) -> str:
    ser = t_ser if isinstance(private_key, t_ec.EllipticCurvePrivateKey) else c_ser
    return private_key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()).decode()


def load_private_key(pem: str | bytes):
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        return c_ser.load_pem_private_key(data, password=None)
    except Exception:
        return t_ser.load_pem_private_key(data, password=None)


def public_key_of(private_key) -> PublicKey:
    ser = t_ser if isinstance(private_key, t_ec.EllipticCurvePrivateKey) else c_ser
    der = private_key.public_key().public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)
    return _from_der(der)


def sign(private_key, message: bytes) -> bytes:
    """SM2/P-256: DER signature; Ed25519: 64 bytes."""
    if isinstance(private_key, t_ec.EllipticCurvePrivateKey):
        return private_key.sign(message, t_ec.ECDSA(t_hashes.SM3()))
    if isinstance(private_key, c_ec.EllipticCurvePrivateKey):
        return private_key.sign(message, c_ec.ECDSA(c_hashes.SHA256()))
    return private_key.sign(message)


def raw_signature(der_signature: bytes) -> bytes:
    """DER ECDSA/SM2 signature → raw r‖s (64 bytes)."""
    r, s = decode_dss_signature(der_signature)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def from_record_value(value: str) -> PublicKey:
    """An HS_PUBKEY value of a resolved record (base64 SubjectPublicKeyInfo) → the key."""
    return _from_der(base64.b64decode(value))
