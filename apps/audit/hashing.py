"""SM3 (GB/T 32905), the national standard hash, for the audit chain."""

import hashlib


def _openssl_sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def _gmssl_sm3(data: bytes) -> str:
    from gmssl import func, sm3

    return sm3.sm3_hash(func.bytes_to_list(data))


try:
    _openssl_sm3(b"")
    sm3_hex = _openssl_sm3
except ValueError:  # OpenSSL built without SM3
    sm3_hex = _gmssl_sm3
