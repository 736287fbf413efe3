"""The preprocessing cache is a copy: an entry that cannot be read (0 bytes after a power cut, cut short by a sync
tool, garbled) is computed again and overwritten, never a traceback (each kind of damage below made np.load raise
something the old `except (OSError, ValueError, KeyError)` let through)."""

from __future__ import annotations

import io
import json
import struct
import warnings
import zipfile

import numpy as np
import pytest
from support.cli_run import run
from support.flow_tables import write_table
from support.prep_cache import expected_inputs

from merstudio.datasets import PreprocessSettings, load_samples, prepare

SETTINGS = PreprocessSettings(size=28, T=1, align=False)


def _broken_deflate(good: bytes) -> bytes:
    """x.npy's compressed data begins with 0xff bytes: a deflate block of the reserved type (zlib.error)."""
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        off = z.getinfo("x.npy").header_offset
    name_len, extra_len = struct.unpack("<HH", good[off + 26:off + 30])
    start = off + 30 + name_len + extra_len
    return good[:start] + b"\xff" * 8 + good[start + 8:]


def _cut_header(good: bytes) -> bytes:
    """A zip whose x.npy header stops mid-dict, padded to its stated length (tokenize.TokenError)."""
    buf = io.BytesIO()
    np.save(buf, np.zeros((1, 3, 28, 28), np.float32))
    h = buf.getvalue()
    n = int.from_bytes(h[8:10], "little")
    text = h[10:10 + 55]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("x.npy", h[:10] + text + b" " * (n - len(text) - 1) + b"\n" + h[10 + n:])
        z.writestr("meta.npy", b"")
    return out.getvalue()


def _flipped(good: bytes) -> bytes:
    """One byte of the middle flipped (a disk or copy error): a bad CRC or a bad deflate stream."""
    mid = len(good) // 2
    return good[:mid] + bytes([good[mid] ^ 0xFF]) + good[mid + 1:]


def _meta_a_list(good: bytes) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, x=np.zeros((1, 3, 28, 28), np.float32), meta=np.array("[1, 2]"))
    return buf.getvalue()


DAMAGE = {
    "empty": lambda good: b"",  # EOFError
    "cut short": lambda good: good[: len(good) // 2],  # zipfile.BadZipFile
    "one byte flipped": _flipped,
    "broken deflate": _broken_deflate,  # zlib.error
    "cut npy header": _cut_header,  # tokenize.TokenError
    "meta not an object": _meta_a_list,  # TypeError where it was spread into a dict
    "random bytes": lambda good: np.random.default_rng(7).integers(0, 256, 4000, dtype=np.uint8).tobytes(),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_entry_is_computed_again_and_overwritten(tmp_path, damage):
    ds = load_samples("table", write_table(tmp_path / "data", n=3, n_subjects=3))
    cache = tmp_path / "cache"
    _, first = prepare(ds, SETTINGS, cache_dir=cache)
    assert first["computed"] == 3
    entries = sorted((cache / f"prep-{SETTINGS.key()}").glob("*.npz"))
    assert len(entries) == 3
    entries[1].write_bytes(DAMAGE[damage](entries[1].read_bytes()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a recomputed entry is no news: nothing to warn about
        X, again = prepare(ds, SETTINGS, cache_dir=cache)
    assert (again["computed"], again["cached"]) == (1, 2)
    np.testing.assert_allclose(X, expected_inputs(ds), atol=1e-6)
    with np.load(entries[1], allow_pickle=False) as z:  # overwritten with a whole entry: one sample's input
        assert json.loads(str(z["meta"]))["note"] == "precomputed image"
        assert any(np.allclose(z["x"], e, atol=1e-6) for e in expected_inputs(ds))
    _, third = prepare(ds, SETTINGS, cache_dir=cache)
    assert (third["computed"], third["cached"]) == (0, 3)


def test_datasets_prepare_over_a_zero_byte_entry(tmp_path, capsys):
    """The auditor's recipe: `datasets prepare` again after an entry was truncated to 0 bytes."""
    table = write_table(tmp_path / "data", n=3, n_subjects=3)
    cache = tmp_path / "cache"
    code, out, err = run(capsys, "datasets", "prepare", f"table:{table}", "--cache", cache, "-q")
    assert code == 0, err
    entry = sorted(cache.rglob("*.npz"))[0]
    entry.write_bytes(b"")
    code, out, err = run(capsys, "datasets", "prepare", f"table:{table}", "--cache", cache, "-q")
    assert code == 0, err
    assert "computed 1, from cache 2" in out and "Traceback" not in err
    assert entry.stat().st_size > 0
