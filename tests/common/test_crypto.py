"""Field encryption: the cached cipher and the export's decrypter read what encrypt wrote."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from app.common.crypto import decrypt, encrypt, field_decrypter


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
