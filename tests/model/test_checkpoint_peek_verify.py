"""The torch-free metadata read (peek_checkpoint_meta) with verify=True refuses a checkpoint whose weights are
damaged, as torch's reader does: the fine-tune dialog, which reads the class names so since it stopped importing
torch, let a damaged checkpoint through to Start."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from merstudio.model.checkpoint_meta import peek_checkpoint_meta
from merstudio.resources import starter_checkpoint


def _damaged_copy(tmp_path: Path) -> Path:
    data = bytearray(starter_checkpoint().read_bytes())
    with zipfile.ZipFile(starter_checkpoint()) as zf:
        info = max((i for i in zf.infolist() if "/data/" in i.filename), key=lambda i: i.file_size)
    # the member's bytes start after its local header (30 bytes, then the name and the extra field)
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    at = info.header_offset + 30 + name_len + extra_len + info.file_size // 2
    data[at] ^= 0xFF
    out = tmp_path / "damaged.pt"
    out.write_bytes(bytes(data))
    return out


def test_a_damaged_weight_part_is_refused_when_verified(tmp_path: Path) -> None:
    bad = _damaged_copy(tmp_path)
    assert peek_checkpoint_meta(bad) is not None  # the metadata alone reads fine
    assert peek_checkpoint_meta(bad, verify=True) is None  # torch's reader names the damage
    assert peek_checkpoint_meta(starter_checkpoint(), verify=True) is not None
