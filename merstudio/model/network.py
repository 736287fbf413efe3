"""MENet: ResNet-style backbone + multi-scale weighted module + facial action module + ConvLSTM, in pure torch.

Data flow for x (B, T, C, H, W):
  each sample standardised on its own (sample_norm: per channel over T, H, W, centred on the median) -> frames
  folded into the batch (B*T, C, H, W) -> input standardisation (BatchNorm, no affine) -> backbone stages s_0..s_{D-1}
  global map g: MSWM fusion of all stages at the last stage's resolution G x G (or a 1x1 projection of the last
                stage without MSWM)
  local map l:  per-AU-region vectors pooled from stage `local_stage`, painted back onto the G x G grid
                (facial action module; its AU head gives per-step AU logits, max over time -> au_logits)
  [g, l] stacked per time step -> ConvLSTM over T -> last hidden state -> global average pool -> features
  (or, without ConvLSTM, the temporal mean of [g, l], pooled) -> dropout -> linear -> logits
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from merstudio.model.config import ModelConfig
from merstudio.model.regions import AU_REGIONS, paint_weights, region_weights

SAMPLE_NORM_EPS = 1e-3  # a flat channel (no motion at all) stays flat instead of blowing noise up


def make_norm(kind: str, channels: int) -> nn.Module:
    if kind == "group":
        return nn.GroupNorm(math.gcd(channels, 8), channels)
    return nn.BatchNorm2d(channels)


class PointwiseStrided(nn.Conv2d):
    """A 1x1 convolution with stride s (bias-free), computed as a stride-1 1x1 convolution of every s-th pixel: the
    same function and weight names (up to float rounding), but torch 2.13's oneDNN backward of the strided kernel
    corrupts the heap in NHWC at some widths (see fit_model) and took twice as long in NCHW."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__(cin, cout, 1, bias=False)
        self.step = stride

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(x[:, :, ::self.step, ::self.step], self.weight)


class BasicBlock(nn.Module):
    """ResNet basic block: two 3x3 convolutions with a (projected when needed) identity shortcut."""

    def __init__(self, cin: int, cout: int, stride: int, norm: str) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.n1 = make_norm(norm, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.n2 = make_norm(norm, cout)
        self.short: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(PointwiseStrided(cin, cout, stride), make_norm(norm, cout))

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu(self.n1(self.conv1(x)), inplace=True)
        y = self.n2(self.conv2(y))
        return F.relu(y + self.short(x), inplace=True)


def mix_style(x: Tensor, steps: int, alpha: float, eps: float = 1e-6) -> Tensor:
    """MixStyle: re-style each sample's maps x (B*steps, C, H, W) with its per-channel statistics mixed with those
    of another sample of the batch (the same partner and weight for all its steps). Statistics carry no gradient."""
    n = x.shape[0]
    b = n // steps
    if b < 2:
        return x
    with torch.no_grad():
        # two passes by hand: torch.var_mean over (H, W) was ~5x slower on the CPU
        mu = x.mean((2, 3), keepdim=True)
        var = (x - mu).square().sum((2, 3), keepdim=True) / max(1, x.shape[2] * x.shape[3] - 1)
        sig = (var + eps).sqrt()
        lam = torch.distributions.Beta(alpha, alpha).sample((b, 1, 1, 1)).to(x.device, x.dtype)
        lam = lam.repeat_interleave(steps, 0)
        partner = torch.randperm(b, device=x.device)
        perm = (partner[:, None] * steps + torch.arange(steps, device=x.device)).reshape(-1)
        mu_mix = lam * mu + (1 - lam) * mu[perm]
        sig_mix = lam * sig + (1 - lam) * sig[perm]
        gain = sig_mix / sig
        shift = mu_mix - mu * gain
    return x * gain + shift  # = (x - mu) / sig * sig_mix + mu_mix, in one pass over the maps


class Backbone(nn.Module):
    """Stem + `depth` stages of BasicBlocks; stage 0 keeps the stem's resolution, each later stage halves it."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        chs = cfg.stage_channels()
        s = cfg.effective_stem_stride
        stem: list[nn.Module] = [
            nn.Conv2d(cfg.in_channels, chs[0], 3, 2 if s > 1 else 1, 1, bias=False),
            make_norm(cfg.norm, chs[0]),
            nn.ReLU(inplace=True),
        ]
        if s == 4:
            stem.append(nn.MaxPool2d(3, 2, 1))
        self.stem = nn.Sequential(*stem)
        stages = []
        cin = chs[0]
        for i, c in enumerate(chs):
            blocks = [BasicBlock(cin if b == 0 else c, c, 2 if (i > 0 and b == 0) else 1, cfg.norm)
                      for b in range(cfg.blocks_per_stage)]
            stages.append(nn.Sequential(*blocks))
            cin = c
        self.stages = nn.ModuleList(stages)
        self.channels = chs
        self.mixstyle, self.mixstyle_alpha = cfg.mixstyle, cfg.mixstyle_alpha

    def forward(self, x: Tensor, steps: int = 1) -> list[Tensor]:
        """x (N, C, H, W), N = samples * steps (frames folded sample-major) -> the maps of every stage."""
        x = self.stem(x)
        mix = self.training and self.mixstyle > 0 and float(torch.rand(())) < self.mixstyle
        feats = []
        for i, st in enumerate(self.stages):
            x = st(x)
            if mix and i < len(self.stages) - 1:  # the early (style-carrying) stages, as in the MixStyle paper
                x = mix_style(x, steps, self.mixstyle_alpha)
            feats.append(x)
        return feats


def resize_to(x: Tensor, size: tuple[int, int]) -> Tensor:
    """Average-pool down (keeps all the evidence of a finer map) or bilinearly upsample to `size`."""
    if tuple(x.shape[-2:]) == size:
        return x
    if x.shape[-2] >= size[0] and x.shape[-1] >= size[1]:
        fy, fx = x.shape[-2] // size[0], x.shape[-1] // size[1]
        if (fy * size[0], fx * size[1]) == tuple(x.shape[-2:]):  # whole factors: the same windows, a faster kernel
            return F.avg_pool2d(x, (fy, fx))
        return F.adaptive_avg_pool2d(x, size)
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


class MSWM(nn.Module):
    """Multi-scale weighted module: 1x1-project every stage to a common width, resize to a common resolution,
    and fuse with weights softmax_s(a_s + A_s(x)): a learned per-scale logit a_s plus, optionally, a per-pixel
    attention logit A_s from a 1x1 convolution over all projected scales."""

    def __init__(self, in_channels: list[int], width: int, spatial: bool, norm: str) -> None:
        super().__init__()
        self.proj = nn.ModuleList(
            nn.Sequential(nn.Conv2d(c, width, 1, bias=False), make_norm(norm, width), nn.ReLU(inplace=True))
            for c in in_channels
        )
        self.scale_logits = nn.Parameter(torch.zeros(len(in_channels)))
        self.attn = nn.Conv2d(width * len(in_channels), len(in_channels), 1) if spatial else None
        if self.attn is not None:  # start from the plain per-scale weighting
            assert self.attn.bias is not None  # nn.Conv2d builds a bias unless bias=False
            nn.init.zeros_(self.attn.weight)
            nn.init.zeros_(self.attn.bias)

    def forward(self, feats: list[Tensor], size: tuple[int, int]) -> tuple[Tensor, Tensor]:
        ps = [p(resize_to(f, size)) for p, f in zip(self.proj, feats, strict=True)]
        stack = torch.stack(ps, 1)  # (N, S, W, G, G)
        logits = self.scale_logits.view(1, -1, 1, 1)
        if self.attn is not None:
            logits = logits + self.attn(torch.cat(ps, 1))
        w = torch.softmax(logits.expand(stack.shape[0], -1, *size), dim=1)  # (N, S, G, G)
        return (stack * w.unsqueeze(2)).sum(1), w


def split_regions(k: int) -> dict[str, tuple[float, float, float, float]]:
    """AU_REGIONS with every box cut into k x k cells (row-major per region), for region-wise branches."""
    out = {}
    for name, (x0, y0, x1, y1) in AU_REGIONS.items():
        for i in range(k):
            for j in range(k):
                out[f"{name}_{i}{j}"] = (x0 + (x1 - x0) * j / k, y0 + (y1 - y0) * i / k,
                                         x0 + (x1 - x0) * (j + 1) / k, y0 + (y1 - y0) * (i + 1) / k)
    return out


class FacialActionModule(nn.Module):
    """Local features of the AU regions (regions.AU_REGIONS) and the multi-label AU head.

    grid = 1: each region is the box average of a shared 1x1 projection. grid = k > 1 (region-wise branches, the
    hierarchical-ROI idea of HTNet): each region is pooled to k x k cells and mapped to its vector by its own
    weights, so a region can tell where inside it the movement is (a brow's inner end from its tail)."""

    def __init__(self, cin: int, dim: int, n_aus: int, norm: str, grid: int = 1) -> None:
        super().__init__()
        self.n_regions = len(AU_REGIONS)
        self.grid = grid
        self.proj = nn.Sequential(nn.Conv2d(cin, dim, 1, bias=False), make_norm(norm, dim), nn.ReLU(inplace=True))
        self.branch: nn.Parameter | None = None
        if grid > 1:
            self.branch = nn.Parameter(torch.randn(self.n_regions, grid * grid * dim, dim)
                                       / math.sqrt(grid * grid * dim))
            self.branch_bias = nn.Parameter(torch.zeros(self.n_regions, dim))
        self.au_head = nn.Linear(self.n_regions * dim, n_aus)
        self._cache: dict[tuple, tuple[Tensor, Tensor]] = {}

    def _weights(self, h: int, w: int, g: tuple[int, int], ref: Tensor) -> tuple[Tensor, Tensor]:
        key = (h, w, g, ref.device, ref.dtype)
        if key not in self._cache:
            cells = split_regions(self.grid) if self.grid > 1 else None
            pool = torch.from_numpy(region_weights(h, w, cells)).to(ref.device, ref.dtype)
            paint = torch.from_numpy(paint_weights(*g)).to(ref.device, ref.dtype)
            self._cache[key] = (pool, paint)
        return self._cache[key]

    def forward(self, f: Tensor, grid: tuple[int, int]) -> tuple[Tensor, Tensor]:
        z = self.proj(f)  # (N, d, h, w)
        n, d, h, w = z.shape
        pool, paint = self._weights(h, w, grid, z)
        local = torch.einsum("ndp,rp->nrd", z.reshape(n, d, h * w), pool)  # (N, R [* k*k], d): box averages
        if self.branch is not None:  # (N, R, k*k*d) -> each region's own map -> (N, R, d)
            cells = local.reshape(n, self.n_regions, -1)
            local = F.relu(torch.einsum("nrc,rcd->nrd", cells, self.branch) + self.branch_bias)
        au_logits = self.au_head(local.reshape(n, -1))
        local_map = torch.einsum("nrd,rp->ndp", local, paint).reshape(n, d, *grid)
        return au_logits, local_map


class ConvLSTMCell(nn.Module):
    """LSTM with convolutional gates (Shi et al. 2015, without peepholes)."""

    def __init__(self, cin: int, hidden: int, kernel: int) -> None:
        super().__init__()
        self.hidden = hidden
        self.conv = nn.Conv2d(cin + hidden, 4 * hidden, kernel, 1, kernel // 2)
        bias = self.conv.bias
        assert bias is not None  # nn.Conv2d builds a bias unless bias=False
        with torch.no_grad():  # forget-gate bias 1: remember by default (Jozefowicz et al. 2015)
            bias.zero_()
            bias[hidden:2 * hidden].fill_(1.0)

    def forward(self, x: Tensor, state: tuple[Tensor, Tensor] | None) -> tuple[Tensor, Tensor]:
        """One step; state None = the zero state (h = c = 0), the first step of every sequence."""
        if state is None:
            return self._first(x)
        h, c = state
        i, f, o, g = self.conv(torch.cat([x, h], 1)).chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c

    def _first(self, x: Tensor) -> tuple[Tensor, Tensor]:
        # From the zero state the kernel's h columns see only zeros and the forget gate multiplies a zero cell, so
        # the same step is a convolution of x alone into the i, o, g gates: 56 of 80 input and 72 of 96 output
        # channels at the defaults, about half the work, and with T = 1 (flow images) the ConvLSTM's only step.
        # The same function up to float rounding; the skipped weights get zero gradient either way.
        hd, cin = self.hidden, x.shape[1]
        w, bias = self.conv.weight, self.conv.bias
        assert bias is not None
        w_iog = torch.cat([w[:hd, :cin], w[2 * hd:, :cin]], 0)
        b_iog = torch.cat([bias[:hd], bias[2 * hd:]], 0)
        i, o, g = F.conv2d(x, w_iog, b_iog, padding=self.conv.padding).chunk(3, 1)
        c = torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c


class ConvLSTM(nn.Module):
    def __init__(self, cin: int, hidden: int, kernel: int) -> None:
        super().__init__()
        self.cell = ConvLSTMCell(cin, hidden, kernel)

    def forward(self, x: Tensor) -> Tensor:
        """x (B, T, C, G, G) -> last hidden state (B, hidden, G, G)."""
        state: tuple[Tensor, Tensor] | None = None
        for k in range(x.shape[1]):
            state = self.cell(x[:, k], state)
        assert state is not None  # T >= 1
        return state[0]


def lower_median(v: Tensor) -> Tensor:
    """The lower median of v (..., N) over its last axis, as torch.median gives it. On the CPU, for data that
    needs no gradient (the network's input), numpy's partial sort: 8x faster than torch's median over the 784
    pixels of a 28 px channel (0.09 against 0.74 ms for a batch of 32), about 2 % of a training step."""
    if v.device.type == "cpu" and not v.requires_grad and v.dtype in (torch.float32, torch.float64):
        k = (v.shape[-1] - 1) // 2
        a = v.detach().numpy()
        return torch.from_numpy(np.ascontiguousarray(np.partition(a, k, axis=-1)[..., k]))
    return v.median(dim=-1).values


def standardise_samples(x: Tensor, center: str = "median") -> Tensor:
    """Each sample of x (B, T, C, H, W) standardised on its own, per channel over its T steps and pixels (the steps
    keep their relative magnitudes): centred on the median ("median") or the mean ("mean"), then divided by the root
    mean square about that centre.

    Why the median: a min-max flow image's zero is arbitrary per sample, and most of a face does not move in a
    micro-expression, so the median pixel is the sample's own "no motion" level; the mean is pulled towards the
    movement, by an amount that depends on how large the moving region is."""
    b, _, c = x.shape[:3]
    if center == "median":
        mid = lower_median(x.transpose(1, 2).reshape(b, c, -1)).view(b, 1, c, 1, 1)
    else:
        mid = x.mean(dim=(1, 3, 4), keepdim=True)
    spread = (x - mid).pow(2).mean(dim=(1, 3, 4), keepdim=True).sqrt()
    return (x - mid) / spread.clamp_min(SAMPLE_NORM_EPS)


class MENet(nn.Module):
    """The micro-expression network. forward(x (B, T, C, H, W)) -> dict(logits (B, K), au_logits (B, A),
    features (B, D)[, centers (K, D), center_seen (K,)]). A = len(cfg.aus) with the facial action module, 0 without it."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        cfg.validate()
        self.cfg = cfg
        self.input_norm = nn.BatchNorm2d(cfg.in_channels, affine=False)  # learned per-channel data standardiser
        self.backbone = Backbone(cfg)
        chs = self.backbone.channels
        m = cfg.mswm_width
        if cfg.use_mswm:
            self.mswm: MSWM | None = MSWM(chs, m, cfg.mswm_spatial, cfg.norm)
            self.global_proj: nn.Module | None = None
        else:
            self.mswm = None
            self.global_proj = nn.Sequential(nn.Conv2d(chs[-1], m, 1, bias=False), make_norm(cfg.norm, m),
                                             nn.ReLU(inplace=True))
        stacked = m
        self.fam: FacialActionModule | None = None
        if cfg.use_au:
            self.fam = FacialActionModule(chs[cfg.local_stage], cfg.local_dim, len(cfg.aus), cfg.norm,
                                          cfg.local_grid)
            stacked += cfg.local_dim
        if cfg.use_convlstm:
            self.convlstm: ConvLSTM | None = ConvLSTM(stacked, cfg.lstm_hidden, cfg.lstm_kernel)
            self.feature_dim = cfg.lstm_hidden
        else:
            self.convlstm = None
            self.feature_dim = stacked
        self.dropout = nn.Dropout(cfg.dropout)
        self.classifier = nn.Linear(self.feature_dim, cfg.n_classes)
        if cfg.use_cluster:
            if cfg.center_mode == "learnable":
                self.centers = nn.Parameter(torch.randn(cfg.n_classes, self.feature_dim) * 0.1)
            else:  # EMA centres, set from the first batch that has the class (center_seen)
                self.register_buffer("centers", torch.zeros(cfg.n_classes, self.feature_dim))
                self.register_buffer("center_seen", torch.zeros(cfg.n_classes, dtype=torch.bool))

    def step_maps(self, x: Tensor, steps: int = 1) -> tuple[Tensor, Tensor]:
        """Per-frame part: x (N, C, H, W) -> stacked [global, local] maps (N, M, G, G) and AU logits (N, A).
        steps: frames per sample in N (sample-major), for MixStyle's partners in training.

        Exposed so streaming inference can run it once per frame and reuse it across overlapping windows.
        """
        feats = self.backbone(self.input_norm(x), steps)
        grid = (int(feats[-1].shape[-2]), int(feats[-1].shape[-1]))
        if self.mswm is not None:
            g, _ = self.mswm(feats, grid)
        else:
            assert self.global_proj is not None
            g = self.global_proj(feats[-1])
        if self.fam is None:
            return g, g.new_zeros(g.shape[0], 0)
        au, local_map = self.fam(feats[self.cfg.local_stage], grid)
        return torch.cat([g, local_map], 1), au

    def head(self, maps: Tensor, au_steps: Tensor) -> dict[str, Tensor]:
        """Temporal part: maps (B, T, M, G, G), au_steps (B, T, A) -> output dict."""
        if self.convlstm is not None:
            h = self.convlstm(maps)
        else:
            h = maps.mean(1)
        features = h.mean((-2, -1))
        out = {
            "logits": self.classifier(self.dropout(features)),
            # An AU belongs to the sample if it shows at any step: max over time of the per-step logits.
            "au_logits": au_steps.max(1).values,
            "features": features,
        }
        if self.cfg.use_cluster:  # the centre loss reads (and, for EMA centres, updates) these
            out["centers"] = self.centers
            if self.cfg.center_mode == "ema":
                out["center_seen"] = self.center_seen
        return out

    def forward(self, x: Tensor) -> dict[str, Tensor]:
        if x.dim() == 4:  # (B, C, H, W): a single step
            x = x.unsqueeze(1)
        if x.dim() != 5 or x.shape[2] != self.cfg.in_channels:
            raise ValueError(f"MENet expects (B, T, {self.cfg.in_channels}, H, W), got {tuple(x.shape)}")
        b, t = x.shape[:2]
        if self.cfg.sample_norm:
            x = standardise_samples(x, self.cfg.sample_center)
        maps, au = self.step_maps(x.reshape(b * t, *x.shape[2:]), t)
        return self.head(maps.reshape(b, t, *maps.shape[1:]), au.reshape(b, t, -1))


def to_training_device(model: nn.Module, device: torch.device | str) -> nn.Module:
    """Move `model` to `device` in the layout it trains in there (in place; returned for chaining). On the CPU:
    NHWC weights (and so activations), ~10 % less CPU time per step for these few-channel convolutions on oneDNN,
    the same results up to float rounding. Safe only because the strided 1x1 shortcuts are computed as stride-1
    convolutions of a subsampled map (PointwiseStrided): torch 2.13's NHWC backward of a 1x1 stride-2 convolution
    corrupts the heap at some widths."""
    model.to(device)
    if torch.device(device).type == "cpu":
        model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]  # documented, not in the stubs
    return model


def training_forward(model: nn.Module, x: Tensor, bfloat16: bool = False) -> dict[str, Tensor]:
    """The forward pass as training runs it: under bfloat16 autocast when asked, with the outputs back in float32,
    so that the losses are computed in float32 (bfloat16 keeps only ~3 significant digits)."""
    with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=bfloat16):
        out = model(x)
    if bfloat16:
        out = {k: v.float() if v.is_floating_point() else v for k, v in out.items()}
    return out


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
