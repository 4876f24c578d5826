"""Key formats round-trip (SM2 raw/PEM, P-256 PEM and CSR, Ed25519) and signatures verify
across libraries (gmssl ↔ tongsuopy for SM2)."""

import base64

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID
from gmssl import func, sm2

from apps.core.errors import ApplicationError
from apps.terminals import keys
from apps.terminals.choices import KeyAlgorithm

ALGORITHMS = [KeyAlgorithm.SM2, KeyAlgorithm.P256, KeyAlgorithm.ED25519]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_pem_and_base64_round_trip_and_sign_verify(algorithm):
    private = keys.generate_private_key(algorithm)
    public = keys.public_key_of(private)
    assert public.algorithm == algorithm
    assert keys.parse_public_key(public.pem) == public
    assert keys.parse_public_key(public.b64) == public
    assert keys.from_record_value(public.b64) == public
    again = keys.load_private_key(keys.private_key_pem(private))
    assert keys.public_key_of(again) == public
    signature = keys.sign(again, b"message")
    assert keys.verify(public, signature, b"message")
    assert not keys.verify(public, signature, b"messagE")
    other = keys.public_key_of(keys.generate_private_key(algorithm))
    assert not keys.verify(other, signature, b"message")


def test_sm2_raw_hex_round_trip_with_and_without_04():
    public = keys.public_key_of(keys.generate_private_key(KeyAlgorithm.SM2))
    raw = public.sm2_raw_hex
    assert len(raw) == 128
    assert keys.parse_public_key(raw) == public
    assert keys.parse_public_key("04" + raw.upper()) == public


def test_sm2_signatures_verify_between_gmssl_and_tongsuopy_both_ways():
    private = keys.generate_private_key(KeyAlgorithm.SM2)
    public = keys.public_key_of(private)
    d = f"{private.private_numbers().private_value:064x}"
    gm = sm2.CryptSM2(private_key=d, public_key=public.sm2_raw_hex)
    message = b"PPTERM-AUTH-1\n88.101.alpha/t1\nnonce\n88.101"
    # gmssl signs (raw r||s hex) → the node verifies (raw 64 bytes accepted as is)
    gm_signature = bytes.fromhex(gm.sign_with_sm3(message, func.random_hex(gm.para_len)))
    assert keys.verify(public, gm_signature, message)
    # the node's library signs (DER) → gmssl verifies the raw form
    der = keys.sign(private, message)
    assert gm.verify_with_sm3(keys.raw_signature(der).hex(), message)
    assert keys.verify(public, keys.raw_signature(der), message)


def test_p256_csr_gives_its_public_key_and_a_forged_csr_is_refused():
    private = keys.generate_private_key(KeyAlgorithm.P256)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "88.101.alpha/t1")]))
        .sign(private, hashes.SHA256())
    )
    from cryptography.hazmat.primitives.serialization import Encoding

    pem = csr.public_bytes(Encoding.PEM).decode()
    assert keys.parse_public_key(pem) == keys.public_key_of(private)
    body = pem.splitlines()
    der = bytearray(base64.b64decode("".join(body[1:-1])))
    der[-5] ^= 0x01  # a bit of the signature
    forged = "\n".join([body[0], base64.b64encode(bytes(der)).decode(), body[-1]])
    with pytest.raises(ApplicationError):
        keys.parse_public_key(forged)


@pytest.mark.parametrize(
    "text",
    ["", "hello", "04" + "00" * 64, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"],
)
def test_bad_keys_are_refused_with_a_message(text):
    with pytest.raises(ApplicationError) as exc:
        keys.parse_public_key(text)
    assert exc.value.code == "invalid_key" and exc.value.message


def test_an_rsa_key_is_refused_as_unsupported():
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=1024)
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    with pytest.raises(ApplicationError) as exc:
        keys.parse_public_key(pem)
    assert "SM2" in exc.value.message
