import subprocess
import sys

CODE = r"""
import os
from merstudio.cli.stderr_filter import install
f = install()
os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n")
os.write(2, b"W0000 00:00:1795640166.961235    3214 inference_feedback_manager.cc:114] Feedback manager\n")
os.write(2, b"bar  10%\rbar  20%\r")
os.write(2, b"merstudio: error: a real message\n")
f.close()
"""


def test_filter_drops_mediapipe_chatter_keeps_the_rest():
    r = subprocess.run([sys.executable, "-c", CODE], capture_output=True, timeout=60)
    err = r.stderr.decode()
    assert "TensorFlow Lite" not in err and "W0000" not in err
    assert "bar  10%\rbar  20%\r" in err
    assert err.endswith("merstudio: error: a real message\n")
