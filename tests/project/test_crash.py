"""kill -9 a process that is writing to a project: every acknowledged edit survives and the file stays intact."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from merstudio.project import Project

WRITER = textwrap.dedent("""
    import sys
    from merstudio.project import Event, Project
    p = Project.open(sys.argv[1])
    vid = p.videos()[0].id
    aid = p.begin_analysis(vid)
    i = 0
    while True:
        e = p.add_event(Event(vid, i, i + 1, i + 2, emotion="positive", aus="12", coder="w"))
        if i % 3 == 0:
            p.update_event(Event(vid, i, i + 1, i + 3, emotion="negative", aus="4+7", coder="w", id=e.id))
        p.append_frames(aid, [{"frame": i * 50 + k, "face_id": 0, "success": 1, "AU12_r": 1.0}
                              for k in range(50)])
        print(e.id, i % 3 == 0, flush=True)  # acknowledged: the edit has committed
        i += 1
""")


@pytest.mark.parametrize("n_ack", [7, 60])
def test_kill_writer_loses_no_committed_edit(tmp_path, video_file, n_ack):
    path = tmp_path / "crash.merproj"
    with Project.create(path) as p:
        p.add_video(video_file, 30, 100, 64, 64)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    acked = []
    try:
        for line in proc.stdout:
            eid, updated = line.split()
            acked.append((int(eid), updated == "True"))
            if len(acked) >= n_ack:
                break
        os.kill(proc.pid, signal.SIGKILL)  # mid-loop: likely inside the next transaction
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert len(acked) == n_ack
    with Project.open(path) as p:
        assert p.integrity_check() == "ok"
        for eid, updated in acked:
            e = p.event(eid)
            assert e is not None
            assert (e.emotion, e.aus, e.offset - e.onset) == (("negative", "4+7", 3) if updated
                                                               else ("positive", "12", 2))
        frames = p.load_frames(p.videos()[0].id)
        assert len(frames) >= 50 * n_ack
        assert len(frames) % 50 == 0  # batches are all-or-nothing
