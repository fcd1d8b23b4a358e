"""A backup's payload sealed for storage: AES-256-GCM in chunks under the field-encryption key.

Each chunk is bound to the backup's id, its place and whether it is the last, so chunks cannot
be dropped, reordered, cut off or swapped between backups without the opening failing.
"""

from __future__ import annotations

import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag

from app.common.crypto import open_sealed, seal_bytes

CHUNK = 4 << 20
_LEN = struct.Struct(">I")


class SealBroken(Exception):
    """The sealed payload does not open under these keys, or was altered."""


def _context(backup_id: str, index: int, last: bool) -> str:
    return f"backup:{backup_id}:{index}:{int(last)}"


def seal_file(plain: Path, sealed: Path, backup_id: str) -> None:
    size = plain.stat().st_size
    with plain.open("rb") as src, sealed.open("wb") as dst:
        index, done = 0, 0
        while True:
            chunk = src.read(CHUNK)
            done += len(chunk)
            last = done >= size
            blob = seal_bytes(chunk, _context(backup_id, index, last))
            dst.write(_LEN.pack(len(blob)) + blob)
            index += 1
            if last:
                return


def open_file(sealed: Path, plain: Path, backup_id: str) -> None:
    with sealed.open("rb") as src, plain.open("wb") as dst:
        index = 0
        while True:
            head = src.read(_LEN.size)
            if len(head) < _LEN.size:
                raise SealBroken("the sealed payload ends early")
            blob = src.read(_LEN.unpack(head)[0])
            last = src.peek(1) == b""
            try:
                dst.write(open_sealed(blob, _context(backup_id, index, last)))
            except InvalidTag as err:
                raise SealBroken("the sealed payload does not open") from err
            index += 1
            if last:
                return
