"""A native fatal line that says a thread or memory could not be had (MediaPipe's abort under `ulimit -v`) gets one
merstudio line after it, naming the cause: the abort's ~17 lines of native stack named none a user knows."""

from __future__ import annotations

import os
import threading

from merstudio.native_logs import OUT_OF_MEMORY, _pump

FATAL = (b"F0000 00:00:1796624393.394827    2422 threadpool_pthread_impl.cc:53] Check failed: res == 0 (11 vs. 0) "
         b"pthread_create failed\n*** Check failure stack trace: ***\n"
         b"    @     0x7f79a585d604  absl::log_internal::LogMessage::SendToLog()\n")


def _through_pump(data: bytes) -> bytes:
    src_r, src_w = os.pipe()
    out_r, out_w = os.pipe()
    t = threading.Thread(target=_pump, args=(src_r, out_w))
    t.start()
    os.write(src_w, data)
    os.close(src_w)
    t.join(timeout=10)
    os.close(out_w)
    with os.fdopen(out_r, "rb") as fh:
        return fh.read()


def test_a_native_abort_for_want_of_memory_ends_with_the_hint():
    said = _through_pump(FATAL)
    assert said.startswith(FATAL) and said.endswith(OUT_OF_MEMORY), said
    assert said.count(b"ran out of memory") == 1
    assert OUT_OF_MEMORY.startswith(b"merstudio: the process ran out of memory (a memory limit, ulimit -v, or a "
                                    b"full machine): ")


def test_other_lines_and_merstudios_own_get_no_hint():
    lines = b"E0000 something else failed\nmerstudio: error: x.csv: cannot write (Cannot allocate memory)\n"
    assert _through_pump(lines) == lines
