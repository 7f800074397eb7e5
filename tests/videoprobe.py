"""Shared test helper: read an MP4's top-level ISO-BMFF boxes (to check 'moov' comes before 'mdat')."""

from __future__ import annotations

import os
import struct
from pathlib import Path


def top_level_boxes(path: Path) -> list[str]:
    """Types of the top-level ISO-BMFF boxes of an MP4, in file order."""
    names = []
    with path.open("rb") as f:
        while True:
            head = f.read(8)
            if len(head) < 8:
                break
            size, kind = struct.unpack(">I4s", head)
            header = 8
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0]
                header = 16
            names.append(kind.decode("latin-1"))
            if size == 0:
                break
            f.seek(size - header, os.SEEK_CUR)
    return names
