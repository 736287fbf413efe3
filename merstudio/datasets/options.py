"""The loader options of `load_samples` that go beyond KIND, ROOT and the class map: the annotation sheet, the frame
tree (variant), SMIC's camera, CAS(ME)^2's expression rows, MEGC2019's ground-truth file and CASME II's sadness and
fear. `merstudio datasets inspect|prepare`, `train`, `evaluate`, `ablate`, `tune` and `finetune --mix` take them
(merstudio.cli.datasets.add_loader_args defines the flags once, and add_class_args --classes and --allow-missing
beside them); this says which apply to which dataset kind, how they are passed to the loader, and how a run records
them (its data description, and the data fingerprint that a resume compares)."""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from merstudio.errors import InputError

# The loader's own defaults for the options that have one (load_samples): giving them changes nothing.
DEFAULTS = {"modality": "HS", "expression": "micro", "sadness_fear": "drop"}

# Which dataset kinds read each option (merstudio.datasets.loaders). sadness_fear is a class map option instead: it
# applies where the class map is casme2-5 (CASME II's default, or --classes casme2-5 on a table).
APPLIES_TO: dict[str, tuple[str, ...]] = {
    "sheet": ("casme2", "casme", "samm", "casme_sq", "casme3a"),
    "variant": ("casme2", "casme", "samm", "smic", "casme_sq", "megc2019"),
    "modality": ("smic",),
    "expression": ("casme_sq",),
    "gt": ("megc2019",),
}
_WHY_NOT = {
    ("modality", "megc2019"): " (the MEGC2019 composite is defined on SMIC-HS)",
    ("sheet", "megc2019"): " (the composite finds each dataset's own sheet)",
    ("sheet", "smic"): " (SMIC has no annotation sheet: the label is the folder name)",
}
# Options that choose which frames or labels are read under the same sample names: a run records them in its data
# fingerprint, so that resuming a SMIC-HS run with --modality VIS is refused as other data. --sheet and --gt name
# files (spelt differently from another folder, as --data itself): what they change is in the samples and labels,
# which the fingerprint holds anyway.
_IDENTITY = ("variant", "modality", "expression", "sadness_fear")


@dataclass(frozen=True)
class LoadOptions:
    """Loader options as given (None: not given, the loader's default)."""

    sheet: str | None = None
    variant: str | None = None
    modality: str | None = None
    expression: str | None = None
    gt: str | None = None
    sadness_fear: str | None = None

    def __post_init__(self) -> None:
        for name in ("sheet", "gt"):  # paths and sheet names as text (a Path from argparse, a str from Python)
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                object.__setattr__(self, name, str(value))
        for name, norm in (("variant", str.lower), ("modality", str.upper), ("expression", str.lower),
                           ("sadness_fear", str.lower)):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, norm(str(value)))

    @classmethod
    def from_args(cls, args: argparse.Namespace, prefix: str = "") -> LoadOptions:
        """From the flags add_loader_args defined (with its `prefix`, e.g. "mix-" for finetune's --mix-modality)."""
        dest = prefix.replace("-", "_")
        return cls(**{name: getattr(args, dest + name, None) for name in cls.names()})

    @staticmethod
    def names() -> tuple[str, ...]:
        return ("sheet", "variant", "modality", "expression", "gt", "sadness_fear")

    def given(self) -> dict[str, str]:
        """The options given, by name."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def check(self, kind: str, classes: Any = None, flag_prefix: str = "--") -> None:
        """Refuse (InputError, one line) an option that the loader of `kind` does not read, as `merstudio datasets
        inspect` and the training commands do alike: given, it would be ignored without a word."""
        from merstudio.datasets.classes import DEFAULT_MAP

        for name, value in self.given().items():
            flag = f"{flag_prefix}{name.replace('_', '-')}"
            if name == "sadness_fear":
                cmap = DEFAULT_MAP.get(kind, "raw") if classes is None else classes
                if not (isinstance(cmap, str) and cmap.lower().startswith("casme2-5")):
                    raise InputError(f"{flag} {value}: applies to the casme2-5 class map (CASME II's default) only, "
                                     f"not to {cmap if isinstance(cmap, str) else 'the class map given'}")
                continue
            if kind not in APPLIES_TO[name]:
                raise InputError(f"{flag} {value}: applies to {', '.join(APPLIES_TO[name])} only, not to {kind}"
                                 + _WHY_NOT.get((name, kind), ""))

    def loader_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of load_samples."""
        return {"sheet": self.sheet, "variant": self.variant, "modality": self.modality or DEFAULTS["modality"],
                "expression": self.expression or DEFAULTS["expression"],
                "gt": None if self.gt is None else Path(self.gt).expanduser(), "sadness_fear": self.sadness_fear}

    def identity(self) -> str:
        """What a run's data fingerprint mixes in: the options that read other frames or labels under the same
        sample names, the loader's defaults left out (so a run without options keeps its fingerprint)."""
        parts = [f"{k}={v}" for k in _IDENTITY if (v := getattr(self, k)) is not None and v != DEFAULTS.get(k)]
        return ";".join(parts)

    def flags(self, flag_prefix: str = "--") -> str:
        """The options given, as the command line writes them ("--modality VIS --variant cropped")."""
        return " ".join(f"{flag_prefix}{k.replace('_', '-')} {_quote(v)}" for k, v in self.given().items())

    def describe(self, base: str) -> str:
        """A data description (`base`, e.g. "smic:/data/SMIC") with the options given."""
        flags = self.flags()
        return f"{base} {flags}" if flags else base


def _quote(value: str) -> str:
    import shlex

    return shlex.quote(value)
