"""Field encryption: the cached cipher and the export's decrypter read what encrypt wrote."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from app.common.crypto import (
    blind_index,
    blind_indexer,
    decrypt,
    encrypt,
    field_decrypter,
    field_encrypter,
)


def test_the_decrypter_reads_what_encrypt_wrote(app):
    tokens = [encrypt(v) for v in ("62090219800101007X", "13812345678", "泉湖村三组12号")]
    read = field_decrypter()
    assert [read(t) for t in tokens] == [decrypt(t) for t in tokens]
    assert read(tokens[0]) == "62090219800101007X" and read("") == ""
    with pytest.raises(ValueError, match="unknown ciphertext format"):
        read("v0:" + tokens[0][3:])


def test_another_key_gets_its_own_cipher(app, monkeypatch):
    token = encrypt("13812345678")
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEY", "A" * 43 + "=")
    assert encrypt("13812345678") != token
    with pytest.raises(InvalidTag):  # the old key's ciphertext
        decrypt(token)


def test_the_encrypter_writes_what_decrypt_reads(app):
    write = field_encrypter()
    values = ("62090219800101007X", "13812345678", "泉湖村三组12号")
    tokens = [write(v) for v in values]
    assert [decrypt(t) for t in tokens] == list(values)
    assert write(values[0]) != tokens[0]  # a fresh nonce each time
    assert write("") == encrypt("") == ""


def test_the_indexer_gives_blind_index_for_its_own_purpose(app):
    by_id, by_phone = blind_indexer("id"), blind_indexer("phone")
    for v in ("62090219800101007X", "13812345678", "", "泉湖"):
        assert by_id(v) == blind_index(v, "id")
        assert by_phone(v) == blind_index(v, "phone")
    assert by_id("13812345678") != by_phone("13812345678")


def test_an_indexer_made_under_another_key_gives_that_keys_index(app, monkeypatch):
    before = blind_indexer("id")("13812345678")
    monkeypatch.setitem(app.config, "BLIND_INDEX_KEY", "A" * 43 + "=")
    assert blind_indexer("id")("13812345678") == blind_index("13812345678", "id") != before
