"""Explicit class maps: raw dataset labels -> class names (or None = drop), printable.

A map is looked up per dataset first ("casme2", "samm", ...) and then under "*" (any dataset). A label that is
already one of the map's class names maps to itself, so a table whose labels are already mapped loads under the
same map. A label found nowhere is *unknown* (an input error); a label mapped to None is *dropped* (counted).
A list of names (``happiness,disgust,surprise``) is a map of those classes, each label its own name, that drops
(and counts) every other label: the way to train on a subset of a dataset's classes (JSON: ``"others": "drop"``).
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from merstudio.errors import InputError
from merstudio.facs import FACS_OBJECTIVE_CLASSES
from merstudio.model.columns import class_key
from merstudio.names import name_sort_key

_UNKNOWN = object()

# A class with fewer samples than this, or under RARE_SHARE of them, is named when a dataset is read: UF1 and UAR
# weigh each class alike, so one mistyped label ('postive' among 'positive') would be a class scored on one sample.
RARE_MIN = 3
RARE_SHARE = 0.01


def _norm(label: str) -> str:
    return class_key(label)  # the one rule labels and class names compare by (case, spacing, punctuation ignored)


@dataclass(frozen=True)
class ClassMap:
    name: str
    classes: tuple[str, ...]  # class index = position
    mapping: dict[str, dict[str, str | None]] = field(default_factory=dict)  # dataset|"*" -> raw -> class
    identity: bool = False  # unknown labels become their own class (the table's labels as they are)
    drop_others: bool = False  # labels found nowhere are dropped (counted), not unknown
    # rows are labelled by their FACS objective class (the sheet's column where it codes one, else the class of
    # their AUs), not by their emotion column: the loaders hand lookup() the class's numeral, "I" to "VII"
    objective: bool = False
    # an identity map's classes as the table spells them: {class_key: the first spelling read} ('Class I' stays
    # 'Class I', 'class I' further down is that class too); each class_map() call gets its own
    spellings: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def lookup(self, dataset: str, raw: str) -> Any:
        """The class for a raw label, None when it is dropped, or _UNKNOWN."""
        key = _norm(raw)
        for scope in (dataset.lower(), "*"):
            table = self.mapping.get(scope)
            if table is not None and key in table:
                return table[key]
        for c in self.classes:
            if _norm(c) == key:
                return c
        if self.identity and key:
            return self.spellings.setdefault(key, " ".join(str(raw).split()))
        return None if self.drop_others else _UNKNOWN

    def describe(self) -> str:
        """The map as text: classes in index order, then raw -> class per dataset."""
        lines = [f"class map {self.name}: " + ", ".join(f"{i} {c}" for i, c in enumerate(self.classes))]
        if self.identity:
            lines.append("  labels used as they are (one class per label, case and spacing ignored)")
        if self.drop_others:
            lines.append("  every other label dropped")
        if self.objective:
            lines.append("  labels: the sheet's objective class (SAMM, CAS(ME)^3), else the class of the row's AUs "
                         "(merstudio.facs; AUs in no class: VII)")
        for scope, table in self.mapping.items():
            where = "any dataset" if scope == "*" else scope
            parts = [f"{raw} -> {cls if cls is not None else '(dropped)'}" for raw, cls in table.items()]
            lines.append(f"  {where}: " + "; ".join(parts))
        return "\n".join(lines)

    def with_classes(self, classes: tuple[str, ...]) -> ClassMap:
        return replace(self, classes=classes)


def _m(**kw: str | None) -> dict[str, str | None]:
    return {k.replace("_", " "): v for k, v in kw.items()}


def _casme2_5(sadness_fear: str) -> ClassMap:
    rare = "others" if sadness_fear == "others" else None
    return ClassMap(
        "casme2-5" if rare is None else "casme2-5-merge",
        ("happiness", "disgust", "repression", "surprise", "others"),
        {"*": _m(happiness="happiness", disgust="disgust", repression="repression", surprise="surprise",
                 others="others", sadness=rare, fear=rare)},
    )


_MEGC2019 = ClassMap(
    "megc2019",
    ("negative", "positive", "surprise"),
    {
        "casme2": _m(disgust="negative", repression="negative", happiness="positive", surprise="surprise",
                     others=None, sadness=None, fear=None),
        "samm": _m(anger="negative", contempt="negative", disgust="negative", fear="negative",
                   sadness="negative", happiness="positive", surprise="surprise", other=None, others=None),
        "smic": _m(negative="negative", positive="positive", surprise="surprise"),
        # The official GT CSV writes the class index.
        "*": {"0": "negative", "1": "positive", "2": "surprise"},
    },
)

def _objective(name: str, keep: int) -> ClassMap:
    """The FACS objective classes (Davison et al. 2018; merstudio.facs) as a map: classes named as the table names
    them ("I happiness" ... "VII others"), the first `keep` kept, the others dropped (MEGC2018 trained on I-V). The
    emotion words map to their class too: a coder's "happiness" (fine-tuning) is class I."""
    named = [(roman, f"{roman} {emotion}", emotion) for roman, (emotion, _) in FACS_OBJECTIVE_CLASSES.items()]
    table: dict[str, str | None] = {}
    for i, (roman, cls, emotion) in enumerate(named):
        table[_norm(roman)] = table[_norm(emotion)] = cls if i < keep else None
    return ClassMap(name, tuple(cls for _, cls, _ in named[:keep]), {"*": table}, objective=True)


_BUILTIN: dict[str, ClassMap] = {
    "casme2-5": _casme2_5("drop"),
    "casme2-5-merge": _casme2_5("others"),
    "casme-4": ClassMap(
        "casme-4", ("tense", "disgust", "repression", "surprise"),
        {"*": _m(tense="tense", disgust="disgust", repression="repression", surprise="surprise",
                 happiness=None, fear=None, sadness=None, contempt=None, comtempt=None)},
    ),
    "smic-3": ClassMap("smic-3", ("negative", "positive", "surprise"),
                       {"*": _m(negative="negative", positive="positive", surprise="surprise")}),
    "samm-5": ClassMap(
        "samm-5", ("anger", "contempt", "happiness", "surprise", "other"),
        {"*": _m(anger="anger", contempt="contempt", happiness="happiness", surprise="surprise", other="other",
                 disgust=None, fear=None, sadness=None)},
    ),
    "casme_sq-4": ClassMap("casme_sq-4", ("negative", "positive", "surprise", "others"),
                           {"*": _m(negative="negative", positive="positive", surprise="surprise",
                                    others="others", other="others")}),
    "casme3-4": ClassMap(
        "casme3-4", ("negative", "positive", "surprise", "others"),
        {"*": _m(anger="negative", disgust="negative", fear="negative", sad="negative", sadness="negative",
                 happy="positive", happiness="positive", surprise="surprise", others="others", other="others")},
    ),
    "casme3-7": ClassMap(
        "casme3-7", ("anger", "disgust", "fear", "happy", "sad", "surprise", "others"),
        {"*": _m(happiness="happy", sadness="sad", other="others")},
    ),
    "megc2019": _MEGC2019,
    "objective": _objective("objective", 7),
    "objective-5": _objective("objective-5", 5),  # MEGC2018's protocol: VI (fear) and VII (others) dropped
    "raw": ClassMap("raw", (), {}, identity=True),
}

# The map each loader uses when none is asked for.
DEFAULT_MAP = {"casme2": "casme2-5", "casme": "casme-4", "smic": "smic-3", "samm": "samm-5",
               "casme_sq": "casme_sq-4", "casme3a": "casme3-4", "megc2019": "megc2019", "table": "raw"}


def class_map_names() -> list[str]:
    return sorted(_BUILTIN)


def class_map(spec: str | Path | dict | ClassMap | None, kind: str = "table",
              sadness_fear: str | None = None) -> ClassMap:
    """Resolve a class map: a built-in name (see class_map_names()), a JSON file, a dict, or None (the
    loader's default). `sadness_fear="others"|"drop"` overrides how CASME II's rare classes are handled.

    Custom dict / JSON forms: {"raw": "class" | null, ...}, or {"name": ..., "classes": [...],
    "map": {"raw": "class" | null} or {"<dataset>": {"raw": ...}, "*": {...}}}.
    """
    if isinstance(spec, ClassMap):
        return spec
    if spec is None:
        spec = DEFAULT_MAP.get(kind, "raw")
    if isinstance(spec, str) and "," in spec and not spec.lower().endswith(".json"):
        names = [c.strip() for c in spec.split(",") if c.strip()]
        if len(set(map(_norm, names))) != len(names) or not names:
            raise InputError(f"classes {spec!r}: give each class once, separated by commas (classes= / --classes)")
        return _from_dict({"name": "custom", "classes": names, "map": {c: c for c in names}, "others": "drop"},
                          f"classes {spec!r} (classes= / --classes)", "custom")
    if isinstance(spec, str) and not spec.lower().endswith(".json"):
        name = spec.lower()
        if name.startswith("casme2-5") and sadness_fear is not None:
            return _casme2_5(sadness_fear)
        if name not in _BUILTIN:
            # one word is read as a map's name: a single class is no class list (training tells 2 or more apart)
            raise InputError(f"{spec}: unknown class map; give a known map ({', '.join(class_map_names())}), "
                             "a comma-separated list of 2 or more classes (e.g. negative,positive,surprise) or a "
                             "JSON file (classes= / --classes)")
        found = _BUILTIN[name]
        return replace(found, spellings={}) if found.identity else found  # one table's spellings, not another's
    if isinstance(spec, (str, Path)):
        path = Path(spec)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: cannot read class map JSON ({exc})") from None
        return _from_dict(data, str(path), path.stem)
    return _from_dict(spec, "class map", "custom")


def _from_dict(data: Any, where: str, default_name: str) -> ClassMap:
    if not isinstance(data, dict) or not data:
        raise InputError(f"{where}: a class map must be a non-empty JSON object")
    others = data.get("others") if "map" in data or "classes" in data else None
    if others not in (None, "drop", "unknown"):
        raise InputError(f"{where}: 'others' must be \"drop\" or \"unknown\", not {others!r}")
    if "map" in data or "classes" in data:
        raw_map = data.get("map", {})
        name = str(data.get("name", default_name))
        classes = data.get("classes")
    else:
        raw_map, name, classes = data, default_name, None
    if not isinstance(raw_map, dict):
        raise InputError(f"{where}: 'map' must be an object")
    nested = bool(raw_map) and all(isinstance(v, dict) for v in raw_map.values())
    scopes = raw_map if nested else {"*": raw_map}
    mapping: dict[str, dict[str, str | None]] = {}
    seen: list[str] = []
    for scope, table in scopes.items():
        if not isinstance(table, dict):
            raise InputError(f"{where}: '{scope}' must map labels to class names")
        out: dict[str, str | None] = {}
        for raw, cls in table.items():
            if cls is not None and not isinstance(cls, str):
                raise InputError(f"{where}: label '{raw}' maps to {cls!r}; expected a class name or null")
            out[_norm(raw)] = cls
            if cls is not None and cls not in seen:
                seen.append(cls)
        mapping[str(scope).lower()] = out
    if classes is None:
        classes = seen
    if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes) or not classes:
        raise InputError(f"{where}: 'classes' must be a non-empty list of names")
    missing = [c for c in seen if c not in classes]
    if missing:
        raise InputError(f"{where}: labels map to {', '.join(missing)}, which are not in 'classes'")
    return ClassMap(name, tuple(classes), mapping, drop_others=others == "drop")


def is_unknown(value: Any) -> bool:
    return value is _UNKNOWN


TYPO_CUTOFF = 0.85  # difflib's similarity above which a rare label is taken for a typo of a common one


def likely_typo(name: str, names: Iterable[str]) -> str | None:
    """The one of `names` that `name` looks like a mistyping of ('postive' -> 'positive'), compared without case;
    None when none is that close. The one rule of `merstudio train`, `datasets inspect` and the fine-tuning dialog.
    Names compare as classes do (class_key: 'İğrenme' is 'iğrenme', a Mac's decomposed 'Überaschung' the typed
    one), so a spelling of the same class is no typo of it and a decomposed typo is still found."""
    key = class_key(name)
    keyed = {class_key(n): n for n in sorted(set(names))}
    keyed.pop(key, None)
    close = difflib.get_close_matches(key, sorted(keyed), n=1, cutoff=TYPO_CUTOFF)
    return keyed[close[0]] if close else None


def rare_classes_note(labels: Iterable[str]) -> str:
    """One line naming each class with very few samples (fewer than RARE_MIN, or under RARE_SHARE of all), saying
    where its name is close to a larger class's that it looks like a typo of that class; '' when none is. A
    warning, never a refusal: a real class can be rare."""
    counts = Counter(labels)
    total = sum(counts.values())
    rare = sorted((c for c, n in counts.items() if n < RARE_MIN or n < RARE_SHARE * total),
                  key=lambda c: (counts[c], name_sort_key(c)))
    parts = []
    for c in rare:
        close = likely_typo(c, [o for o in counts if counts[o] > counts[c]])
        parts.append(f"'{c}' {counts[c]}" + (f" (looks like a typo of '{close}', {counts[close]})"
                                              if close else ""))
    if not parts:
        return ""
    return (f"warning: class{'es' * (len(parts) > 1)} with very few of the {total} samples: {', '.join(parts)}; "
            "UF1 and UAR weigh every class alike: check the labels (a class map can merge or drop them)")
