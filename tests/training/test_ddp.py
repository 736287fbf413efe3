"""DDP on CPU: torchrun with 2 gloo workers runs the unchanged protocol code; ranks stay in sync."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent('''
    import json, os, sys
    import numpy as np, torch
    from merstudio.model.config import ModelConfig
    from merstudio.training.bench import synthetic_flow_set
    from merstudio.training.run import run_protocol
    from merstudio.training.trainer import TrainSettings, dist_info, init_distributed_from_env, train_fold

    out = sys.argv[1]
    assert init_distributed_from_env("cpu")
    rank, world = dist_info()
    torch.set_num_threads(1)
    data, classes = synthetic_flow_set(n_samples=24, n_subjects=4, seed=1)
    cfg = ModelConfig(width=4, mswm_width=8, local_dim=4, lstm_hidden=8)
    s = TrainSettings(epochs=2, batch_size=8, device="cpu", warmup_epochs=0)
    m = run_protocol(data, classes, cfg, s, out + "/run", protocol="kfold:2")
    model, _ = train_fold(data, cfg, s, fold="final")
    flat = torch.cat([p.detach().flatten() for p in model.parameters()])
    gathered = [torch.zeros_like(flat) for _ in range(world)]
    torch.distributed.all_gather(gathered, flat)
    if rank == 0:
        json.dump({"world": world, "max_param_diff": float((gathered[0] - gathered[1]).abs().max()),
                   "uf1": m["uf1"], "n": m["n"]}, open(out + "/ddp.json", "w"))
    torch.distributed.barrier()  # rank 0 has written the file
    torch.distributed.destroy_process_group()
    # gloo's worker threads can abort the interpreter's own shutdown ("terminate called without an active
    # exception"), after all the work is done; leave without running C++ static destructors.
    sys.stdout.flush(); sys.stderr.flush()
    os._exit(0)
''')


@pytest.mark.slow
def test_torchrun_two_gloo_workers(tmp_path):
    script = tmp_path / "ddp_job.py"
    script.write_text(SCRIPT)
    # TMPDIR: torchrun leaves its log folder (torchelastic_*) in the system temp folder
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TMPDIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                           str(script), str(tmp_path)], capture_output=True, text=True, timeout=500, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads((tmp_path / "ddp.json").read_text())
    assert res["world"] == 2
    assert res["max_param_diff"] == 0.0  # DDP keeps both ranks' weights identical
    assert res["n"] == 24  # rank 0 pooled both folds
    assert len(list((tmp_path / "run" / "folds").glob("*.csv"))) == 2
