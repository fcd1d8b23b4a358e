"""Build app/common/strokes.dat: the total stroke count of each CJK unified ideograph
U+4E00..U+9FFF, from the Unicode Unihan database (kTotalStrokes; Unicode licence).

Debian's unicode-data package ships Unihan: apt-get install unicode-data, then
    python scripts/build_strokes.py /usr/share/unicode/Unihan_IRGSources.txt.bz2
One byte per code point: chr(48 + strokes), "0" where unknown.
"""

import bz2
import sys
from pathlib import Path

FIRST, LAST = 0x4E00, 0x9FFF


def main(source: str) -> None:
    counts = bytearray(b"0" * (LAST - FIRST + 1))
    with bz2.open(source, "rt", encoding="utf-8") as f:
        for line in f:
            if "\tkTotalStrokes\t" not in line:
                continue
            code, _, value = line.rstrip("\n").split("\t")
            cp = int(code[2:], 16)
            if FIRST <= cp <= LAST:
                # The first value is the mainland (G-source) count where several are given.
                counts[cp - FIRST] = 48 + min(int(value.split()[0]), 70)
    out = Path(__file__).resolve().parent.parent / "app" / "common" / "strokes.dat"
    out.write_bytes(bytes(counts))
    print(f"wrote {out} ({len(counts)} code points)")


if __name__ == "__main__":
    main(sys.argv[1])
