"""Port MediaPipe's face_blendshapes.tflite to resources/models/face_blendshapes.npz (run once, by a developer).

Needs ai-edge-litert, which cannot live beside mediapipe 0.10.21 (protobuf), so run it in a scratch venv:

    python3.11 -m venv /tmp/litert && /tmp/litert/bin/pip install ai-edge-litert==2.3.0
    /tmp/litert/bin/python scripts/port_blendshapes.py [--landmarks refined_meshes.npy]

It exports the operator list (DEQUANTIZE folded into float16 constants) and fixes every parameter that the
interpreter's Python API does not expose (fused activations, concatenation axes, slice shapes) by matching the
interpreter's own intermediate tensors. Then it runs the numpy port (merstudio/face/blendshapes.py) on random
and, if given, real landmark sets and fails unless every intermediate tensor and the 52 outputs agree with LiteRT.
It also writes tests/face/data/blendshapes_reference.npz: LiteRT's outputs for real landmarks, which the test
suite compares the port against (an independent reference, not the port's own numbers).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

ROOT = Path(__file__).resolve().parents[1]
TFLITE = ROOT / "resources" / "models" / "face_blendshapes.tflite"
OUT = ROOT / "resources" / "models" / "face_blendshapes.npz"
REF = ROOT / "tests" / "face" / "data" / "blendshapes_reference.npz"


def _port_module():  # noqa: ANN202 - the module; imported by path so that merstudio's dependencies are not needed
    sys.path.insert(0, str(ROOT))  # for merstudio.errors (no dependencies)
    spec = importlib.util.spec_from_file_location("bs", ROOT / "merstudio" / "face" / "blendshapes.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _interp() -> Interpreter:
    # Without XNNPACK: a delegate runs the graph as one node and keeps no intermediate tensors to check against.
    it = Interpreter(model_path=str(TFLITE), experimental_preserve_all_tensors=True,
                     experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    it.allocate_tensors()
    return it


def _run(it: Interpreter, pts: np.ndarray) -> dict[int, np.ndarray]:
    it.set_tensor(it.get_input_details()[0]["index"], pts.reshape(1, 146, 2).astype(np.float32))
    it.invoke()
    vals = {}
    for t in it.get_tensor_details():
        try:
            vals[t["index"]] = np.array(it.get_tensor(t["index"]))
        except ValueError:
            pass
    return vals


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--landmarks", help="(N, 478, 2+) refined meshes in pixels, for the check and the reference")
    args = ap.parse_args()
    bs = _port_module()
    it = _interp()
    inp = it.get_input_details()[0]["index"]
    outp = it.get_output_details()[0]["index"]
    ops = [o for o in it._get_ops_details() if o["op_name"] != "DELEGATE"]
    details = {t["index"]: t for t in it.get_tensor_details()}
    rng = np.random.default_rng(0)
    probe = rng.normal(0, 60, (146, 2)) + 300
    ref = _run(it, probe)

    produced = {int(o) for op in ops for o in op["outputs"]}
    consts: dict[int, np.ndarray] = {}
    graph = []
    for op in ops:
        ins = [int(i) for i in op["inputs"] if int(i) >= 0]
        out = int(op["outputs"][0])
        if op["op_name"] == "DEQUANTIZE":  # fold: keep the float16 weights as a constant
            consts[out] = ref[ins[0]]
            continue
        for i in ins:
            if i not in produced and i != inp:
                consts[i] = ref[i]
        entry = {"op": op["op_name"], "in": ins, "out": out, "shape": [int(s) for s in details[out]["shape"]]}
        x = [ref[i] if i in ref else consts[i] for i in ins]
        if entry["op"] == "CONCATENATION":
            a, b = x[0].shape, x[1].shape
            entry["axis"] = next(k for k in range(len(a)) if a[k] != b[k] or k == len(a) - 1)
        if entry["op"] == "STRIDED_SLICE":
            full = list(entry["shape"])
            while len(full) < x[0].ndim:  # shrunk axes are leading length-1 axes in this model
                full.insert(0, 1)
            entry["full_shape"] = full
        if entry["op"] == "CONV_2D":
            for act in ("NONE", "RELU", "RELU6"):
                entry["act"] = act
                if np.allclose(bs.run_op(entry, [v.astype(np.float32) for v in x]), ref[out], atol=1e-3):
                    break
            else:
                raise SystemExit(f"op {op['index']}: no fused activation reproduces LiteRT's output")
        graph.append(entry)

    payload = {f"t{k}": v for k, v in consts.items()}
    np.savez_compressed(OUT, graph=np.frombuffer(json.dumps(graph).encode(), dtype=np.uint8),
                        input_index=np.int64(inp), output_index=np.int64(outp), **payload)
    model = bs.BlendshapeModel(OUT, verify=False)

    sets = [rng.normal(0, s, (146, 2)) + c for s, c in ((20, 100), (80, 600), (5, 30))]
    real = None
    if args.landmarks:
        real = np.load(args.landmarks)[..., :2]
        real = real[np.isfinite(real).all(axis=(1, 2))]
        sets += [m[bs.SUBSET] for m in real]
    worst_t = worst_o = 0.0
    for pts in sets:
        ref = _run(it, pts)
        vals = dict(model.consts)
        vals[model.input_index] = pts.reshape(1, 146, 2).astype(np.float32)
        for op in model.graph:
            vals[op["out"]] = bs.run_op(op, [vals[i] for i in op["in"]]).astype(np.float32)
            scale = max(1.0, float(np.abs(ref[op["out"]]).max()))
            worst_t = max(worst_t, float(np.abs(vals[op["out"]] - ref[op["out"]]).max()) / scale)
        worst_o = max(worst_o, float(np.abs(model.run_subset(pts) - ref[outp]).max()))
    print(f"{len(graph)} operators, {sum(v.size for v in consts.values())} constants; over {len(sets)} inputs the "
          f"largest relative intermediate difference is {worst_t:.2e}, the largest output difference {worst_o:.2e}")
    if worst_o > 1e-4:
        print("port does not reproduce LiteRT", file=sys.stderr)
        return 1
    if real is not None:
        pick = np.linspace(0, len(real) - 1, min(12, len(real))).astype(int)
        subsets = np.stack([real[i][bs.SUBSET] for i in pick]).astype(np.float32)
        scores = np.stack([_run(it, p)[outp] for p in subsets])
        REF.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(REF, points=subsets, scores=scores)
        print(f"wrote {REF.relative_to(ROOT)} ({len(pick)} faces)")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
