"""BIDs and BIF keys byte for byte as the 星火 SDKs print them.

Each vector names where it was taken from (caict-4iot-dev repositories on GitHub). The private
keys are the SDKs' published sample keys; we derive the public key with our own SM2/Ed25519 code,
encode it as BIF does and compute the BID, and compare with what the SDK's test or document
prints next to that key.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import CommandError, call_command

from apps.bid import codec
from apps.bid.choices import BidKeyType

# (encoded private key, encoded public key or None, BID, source)
VECTORS = [
    (
        "priSPKt2hVqYmUoyJ24vYb8uzhu7VCab9X9BHz8K68sQZ61Yy5",
        "b06566da9b97a860598e14469cb1dd3af1bf6c5cb88d549379d49d83b5b0bb23d63bff",
        "did:bid:efdPP4ympm36RxTYQJPber1PRKmLWZE",
        "BIF-Core-SDK-Go module/encryption/key/public_key_manager_test.go, TestGetPublicKeyManagerEd25519 "
        "(privateKey, publicKey and address in its comment)",
    ),
    (
        "priSrrk31MhNGEGAmnmZPH5K8fnuqTKLuLMvWd6E7TEdEjWkcQ",
        None,
        "did:bid:zf2AoXhJsmr1aaUMxhnKeMAX42G9Ck526",
        "BIF-Core-SDK-Go README.md, GasSend example: SenderAddress with its PrivateKey (SM2)",
    ),
    (
        "priSPKhTMRa7SsQLc4wXUDrEZW5wSeKN68Xy5LuCYQmndS75SZ",
        None,
        "did:bid:efzewQxg38x2Tmb1cpxSC1ZWwMZUxUeV",
        "BIF-Core-SDK-Go README.md, account examples (address with its privateKey)",
    ),
    (
        "priSPKr2dgZTCNj1mGkDYyhyZbCQhEzjQm7aEAnfVaqGmXsW2x",
        None,
        "did:bid:ef7zyvBtyg22NC4qDHwehMJxeqw6Mmrh",
        "BID-SDK-JAVA BID-SDK/src/test/java/BIDmanageDemo.java and BIF-Core-SDK doc/SDK_CN接口文档.md",
    ),
    (
        "priSPKnDue7AJ42gt7acy4AVaobGJtM871r1eukZ2M6eeW5LxG",
        None,
        "did:bid:efVmotQW28QDtQyupnKTFvpjKQYs5bxf",
        "BIF-Core-SDK doc/SDK_CN接口文档.md (senderAddress with senderPrivateKey)",
    ),
    (
        "priSPKkWVk418PKAS66q4bsiE2c4dKuSSafZvNWyGGp2sJVtXL",
        "b06566b9906e1b50e81501369cc777979f8bcf27bd1917d794fa6d5e320b1ccc4f48bb",
        "did:bid:efnVUgqQFfYeu97ABf6sGm3WFtVXHZB2",
        "BIF-Core-SDK-Go README.md (address with privateKey); the same BID and raw key "
        "b9906e1b…4f48bb in bif-rfcs RFC-005's resolution example",
    ),
]


@pytest.mark.parametrize("private, public, bid, source", VECTORS, ids=[v[2] for v in VECTORS])
def test_sdk_vectors(private, public, bid, source):
    pair = codec.decode_private_key(private)
    assert pair.key.bid() == bid, source
    assert pair.encoded_private_key == private  # our private-key encoding round-trips the SDK's
    if public:
        assert pair.key.encoded == public, source
        assert codec.parse_public_key(public).bid() == bid


def test_sm2_encoded_public_key_has_the_uncompressed_point():
    # BIF-Core-SDK-Go GetEncPublicKey: b0 ‖ 'z' ‖ 'f' ‖ "04" + x ‖ y
    pair = codec.decode_private_key("priSrrk31MhNGEGAmnmZPH5K8fnuqTKLuLMvWd6E7TEdEjWkcQ")
    assert pair.key.encoded.startswith("b07a6604") and len(pair.key.encoded) == 2 * (3 + 65)
    # the same key as PEM and as raw x‖y gives the same BID
    from apps.terminals import keys as terminal_keys

    raw = pair.key.raw[1:].hex()
    pem = terminal_keys.parse_public_key(raw).pem
    assert codec.parse_public_key(pem).bid() == codec.parse_public_key(raw).bid() == pair.key.bid()


def test_rfc003_hash_step():
    # bif-rfcs RFC-003 §5.1 example, step 2: SHA-256 of the raw Ed25519 key, last 22 bytes
    raw = bytes.fromhex("d308378e6b5ff0c2b4be3da741538004525d6388e5df32deb79e2b0c02f133c7")
    assert hashlib.sha256(raw).digest()[-22:].hex() == "c6fd8f46575a3b142f16691b522e07a3cb1d5c1a16da"


def test_ac_code_keeps_the_key_type_character():
    # RFC-003 §5.1 and BIF-Core_SDK-JS lib/keypair/crypto_sm2.js _createAddress: did:bid:<ac>:zf…
    sm2 = codec.decode_private_key("priSrrk31MhNGEGAmnmZPH5K8fnuqTKLuLMvWd6E7TEdEjWkcQ").key
    ed = codec.decode_private_key("priSPKt2hVqYmUoyJ24vYb8uzhu7VCab9X9BHz8K68sQZ61Yy5").key
    assert sm2.bid("a1b2") == "did:bid:a1b2:zf2AoXhJsmr1aaUMxhnKeMAX42G9Ck526"
    assert ed.bid("a1b2") == "did:bid:a1b2:efdPP4ympm36RxTYQJPber1PRKmLWZE"
    assert codec.parse_bid("did:bid:a1b2:zf2AoXhJsmr1aaUMxhnKeMAX42G9Ck526").ac_code == "a1b2"


def test_base58_alphabet_is_bifs():
    # cn.bif.utils.base.Base58: b/B and u/U swapped against Bitcoin's alphabet
    assert codec.ALPHABET == "123456789AbCDEFGHJKLMNPQRSTuVWXYZaBcdefghijkmnopqrstUvwxyz"
    for data in (b"", b"\0\0\x01", bytes(range(40))):
        assert codec.b58decode(codec.b58encode(data)) == data


GOOD = "did:bid:zf2AoXhJsmr1aaUMxhnKeMAX42G9Ck526"


@pytest.mark.parametrize(
    "did, code",
    [
        ("", "bid_empty"),
        ("did:bid:zf2AoX", "bid_length"),
        ("did:bid:" + "z" * 60, "bid_length"),
        ("did:bod:zf2AoXhJsmr1aaUMxhnKeMAX42G9Ck526", "bid_prefix"),
        ("did:bid:AB12:zf2AoXhJsmr1aaUMxhnKeMAX42G9Ck526", "bid_ac_code"),
        ("did:bid:ab12:cd34:zf2AoXhJsmr1aaUMxhnKeMAX42G9Ck526", "bid_ac_code"),
        ("did:bid:xf2AoXhJsmr1aaUMxhnKeMAX42G9Ck526", "bid_key_type"),
        ("did:bid:zt2AoXhJsmr1aaUMxhnKeMAX42G9Ck526", "bid_encoding"),
        ("did:bid:zf2AoXhJsmr1aaUMxhnKeMAX42G9Ck520", "bid_characters"),
        ("did:bid:zf2AoXhJsmr1aaUMxhnKeMAX42G9Ck5262", "bid_hash_length"),
    ],
)
def test_malformed_bids_each_have_their_error(did, code):
    with pytest.raises(codec.BidError) as caught:
        codec.parse_bid(did)
    assert caught.value.code == code
    assert caught.value.message  # translated, for the user


def test_malformed_bid_message_in_english():
    from django.utils import translation

    with translation.override("en"), pytest.raises(codec.BidError) as caught:
        codec.parse_bid("did:bod:zf2AoXhJsmr1aaUMxhnKeMAX42G9Ck526")
    assert "did:bid:" in caught.value.message and caught.value.message.isascii()


def test_public_key_forms_refused_with_reasons():
    for text, code in [
        ("", "invalid_public_key"),
        ("priSrrk31MhNGEGAmnmZPH5K8fnuqTKLuLMvWd6E7TEdEjWkcQ", "private_key_given"),
        ("b07a67" + "00" * 65, "invalid_public_key"),
        ("04" + "00" * 64, "invalid_public_key"),  # not a point on the SM2 curve
    ]:
        with pytest.raises(Exception) as caught:
            codec.parse_public_key(text)
        assert getattr(caught.value, "code", None) == code, text


def test_signatures_both_key_types():
    for key_type in BidKeyType.values:
        pair = codec.generate(key_type)
        signature = codec.sign(pair, b"\x01\x02")
        assert len(signature) == 64
        assert codec.verify(pair.key, signature, b"\x01\x02")
        assert not codec.verify(pair.key, signature, b"\x01\x03")


def test_sm2_signature_from_gmssl_verifies():
    # an independent SM2 implementation (gmssl, pure Python) signs; we verify r‖s
    from gmssl import func, sm3
    from gmssl import sm2 as g_sm2

    pair = codec.generate(BidKeyType.SM2)
    raw_private = pair.private_key.private_numbers().private_value.to_bytes(32, "big").hex()
    signer = g_sm2.CryptSM2(private_key=raw_private, public_key=pair.key.raw[1:].hex())
    message = bytes.fromhex("9f86d081884c7d659a2feaa0c55ad015")
    signature = signer.sign_with_sm3(message, func.random_hex(signer.para_len))
    assert sm3  # gmssl's SM3 is what sign_with_sm3 hashes with (Z_A ‖ M, default user ID)
    assert codec.verify(pair.key, bytes.fromhex(signature), message)


def test_bid_address_command(capsys):
    call_command("bid_address", "--public-key", VECTORS[0][1], "--ac", "")
    assert capsys.readouterr().out.strip() == VECTORS[0][2]
    call_command("bid_address", "--public-key", VECTORS[0][1], "--ac", "a1b2")
    assert capsys.readouterr().out.strip() == "did:bid:a1b2:efdPP4ympm36RxTYQJPber1PRKmLWZE"
    with pytest.raises(CommandError):
        call_command("bid_address", "--public-key", "not a key")
