"""ELAN ``.eaf`` (EAF 3.0) export and import of coded events.

Tier scheme (one set of tiers per coder and face; see docs/interchange.md):

- ``<coder>/event`` — time-aligned (linguistic type ``merstudio-event``). One annotation per event spanning
  [t(onset), t(offset + 1)) in ms, value ``"<emotion> | <AUs>"`` (e.g. ``happiness | 6+12``).
- ``<coder>/apex`` — child of the event tier, ``Included_In`` (type ``merstudio-apex``): one annotation per event
  spanning the apex frame [t(apex), t(apex + 1)), value ``apex``.
- ``<coder>/meta`` — child of the event tier, ``Symbolic_Association`` (type ``merstudio-meta``): one reference
  annotation per event, value ``confidence=0.87; status=accepted; source=model; model_confidence=0.64;
  note=<free text>`` (note last): ``confidence`` the coder's own rating, ``model_confidence`` the model's
  probability (on a model's event, empty where it has none). A model's event without ``model_confidence`` (a file
  before 2026-12-07) has the model's number in ``confidence``: read as the model's.

Rejected proposals are not events: they never go on the event tier. They go to a tier of their own,
``<coder>/rejected`` (with ``<coder>/rejected-apex`` and ``<coder>/rejected-meta`` children, same scheme), so a
reader that takes ``*/event`` tiers as the coding never counts them, and our import gives them back as rejected.

Events of a face other than 0 go to ``<coder>/event/face<k>`` (and its ``apex``/``meta`` children). An ELAN tier
cannot hold overlapping annotations, so overlapping events of one coder and face go to extra lanes
``<coder>/event/face<k>/<lane>`` (lane >= 2). The HEADER carries the media descriptor (absolute and relative URL)
and properties ``merstudio:fps`` and ``merstudio:frame_count`` so a reader can check the frame rate, and
``merstudio:frame_rule`` (``ceil``: frame k starts at ceil(k * 1000 / fps) ms, ELAN's own rule; a merstudio file
without it was written with half-up ms and is read that way: merstudio.interchange.common).

Media: the events are on the file's video descriptor (the one that names the video imported into, else the
first ``video/*`` one where ELAN also linked the .wav it extracted); its ``TIME_ORIGIN`` (ELAN's media offset:
annotation time t is media time t + TIME_ORIGIN) is applied on import and written back on export
(``Media.time_origin``); the other descriptors are kept (``Media.linked``).
Other tools' tiers (``tier_coders``, ``tier_roles``): AU tiers, emotion tiers, and one coder's AU annotations
merged into the emotion annotation they lie in (:func:`_merge_mapped`); a coder's apex tier (an ``Apex`` tier, or a
``Phase`` tier's ``apex`` parts) sets the apex of the coder's events it lies in (:func:`_coder_apexes`); a child tier's reference annotations
(ELAN's Symbolic_Association / Symbolic_Subdivision: "AU" and "Emotion" under "Expression") take their parent
annotation's times, unaligned time slots of Time_Subdivision children are spaced evenly between their aligned
neighbours (:func:`_interpolated`), and a controlled vocabulary entry's value is read for a ``CVE_REF`` (an
external vocabulary's from its local ``.ecv`` file, :func:`_external_entries`). :func:`parse_eaf` parses a file once
for every step of an import (:class:`EafDocument`).

This module reads; the export is merstudio.interchange.eaf_write (its names re-exported here) and the media
descriptors' URLs and offsets merstudio.interchange.eaf_media.

pympi-ling was evaluated and not used: its parser raises bare ``Exception``/``KeyError`` without a location on
malformed files, does not check slot references, and ``Eaf()`` adds a default tier we would have to strip; the
subset of EAF we write and read is small enough for xml.etree with exact, one-line errors.
"""

from __future__ import annotations

import bisect
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from merstudio.errors import InputError
from merstudio.facs import read_aus
from merstudio.interchange.common import (
    CEIL,
    FRAME_RULES,
    MAX_MS_FPS,
    ROUND,
    AUReader,
    FrameClock,
    ImportPreview,
    LinkedMedia,
    Skip,
    check_fps,
    exact_fps,
    file_name,
    foreign_path,
    fps_differs,
    fps_mismatch,
    fps_text,
    imputed_apex,
    make_event,
    media_name,
    name_list,
    quote,
    shorten,
    variable_times,
    vfr_note,
)
from merstudio.interchange.eaf_media import (
    MAX_MS,
    _descriptor_name,
    _descriptor_names,
    _is_video,
    _media_location,
    _time_origin,
    _url_name,
    _url_paths,
    _video_descriptor,
)

# the export lives in eaf_write; its names are re-exported here, where callers import them
from merstudio.interchange.eaf_write import (
    _TIER_RX,
    BEHAVIOUR_NAME_PROPERTY,
    BEHAVIOUR_TIER_RX,
    EAF_VERSION,  # noqa: F401
    LT_APEX,  # noqa: F401
    LT_BEHAVIOUR,
    LT_EVENT,  # noqa: F401
    LT_META,  # noqa: F401
    SCHEMA_URL,  # noqa: F401
    XSI,  # noqa: F401
    ExtraTiers,  # noqa: F401
    behaviour_of_tier,
    eaf_time_origin,  # noqa: F401
    eaf_tree,  # noqa: F401
    meta_unescape,
    tier_name,
    write_eaf,  # noqa: F401
)
from merstudio.project.behaviours import BehaviourEvent
from merstudio.project.events import Event


# ---------------------------------------------------------------------------------------------- import
def _parse_value(text: str) -> tuple[str, str]:
    """``"emotion | AUs"`` -> (emotion, AUs). A value without ``|`` is an emotion only (hand-made tiers)."""
    if "|" in text:
        emo, aus = text.rsplit("|", 1)  # AU strings never hold "|"; an emotion might
        return emo.strip(), aus.strip()
    return text.strip(), ""


def _parse_meta(text: str) -> dict[str, str]:
    """``confidence=0.87; status=accepted; source=model; note=...`` -> dict (the note is last and may hold
    anything). One pass over the text: a hostile value of a million ``;`` stays linear."""
    out: dict[str, str] = {}
    t = text.lstrip()  # not the end: it is the note's, whose trailing spaces are the coder's
    i, n = 0, len(t)
    while i < n:
        if t.startswith("note=", i):
            out["note"] = t[i + 5:]
            break
        j = t.find(";", i)
        j = n if j < 0 else j
        k, sep, v = t[i:j].partition("=")
        if sep:
            out[k.strip()] = v.strip()
        i = j + 1
        while i < n and t[i].isspace():
            i += 1
    return out


def _entries_of(cv: ET.Element, langs: Sequence[str] = ()) -> dict[str, tuple[str, ...]]:
    """A CONTROLLED_VOCABULARY's ``{CVE_ID: values}``: one value per language (ELAN 2.8+ ``CV_ENTRY_ML`` /
    ``CVE_VALUE``; older ``CV_ENTRY`` text), those of ``langs`` first in their order, then as written."""
    rank = {lang: i for i, lang in enumerate(langs)}
    entries: dict[str, tuple[str, ...]] = {}
    for e in cv.findall("CV_ENTRY_ML"):
        values = sorted(e.findall("CVE_VALUE"), key=lambda c: rank.get(c.get("LANG_REF") or "", len(rank)))
        vals = tuple(v for v in ((c.text or "").strip() for c in values) if v)
        if e.get("CVE_ID") and vals:
            entries[e.get("CVE_ID", "")] = vals
    for e in cv.findall("CV_ENTRY"):
        if e.get("CVE_ID") and (e.text or "").strip():
            entries.setdefault(e.get("CVE_ID", ""), ((e.text or "").strip(),))
    return entries


def _ecv_file(eaf: Path, url: str) -> tuple[Path, bool] | str:
    """The local .ecv file an EXTERNAL_REF's URL names (a relative path from the .eaf's folder, a path, or a
    ``file:`` URL, read as media URLs are: as written, then percent-decoded, :func:`_url_paths`), or the file of
    that name beside the .eaf where the URL's is not here (made on another machine), with whether it is that file
    beside the .eaf in place of the URL's; else why not ("remote": an http URL, never fetched)."""
    bad: list[str] = []
    paths = _url_paths(url, bad)
    if paths is None:  # "http://[host/x.ecv": not a URL anyone can follow
        return "not found" if bad else "remote"
    tried, chosen = paths
    for where in tried:
        own = None if foreign_path(where) else eaf.parent / where  # an absolute path stays itself
        if own is not None and own.is_file():
            return own, False
    for where in dict.fromkeys([chosen, *tried]):
        beside = eaf.parent / file_name(where)
        if beside.is_file():
            own = None if foreign_path(where) else eaf.parent / where
            return beside, own is None or beside != own
    return "not found"


def _external_entries(eaf: Path, cv: ET.Element, ref: ET.Element | None, langs: Sequence[str],
                      loaded: dict[str, ET.Element | str], notes: list[str]) -> dict[str, tuple[str, ...]]:
    """The entries of an external controlled vocabulary (``CONTROLLED_VOCABULARY EXT_REF`` -> ``EXTERNAL_REF
    TYPE="ecv"``): the CV of the same ``CV_ID`` in the local .ecv file (``CV_RESOURCE``) the reference names. A
    remote one (http) is not fetched, and one not here or unreadable not read: a note, and the annotations keep the
    values the .eaf stores."""
    cv_id = cv.get("CV_ID", "")
    url = (ref.get("VALUE") or "").strip() if ref is not None else ""
    what = f"{eaf.name}: controlled vocabulary {quote(shorten(cv_id, 60))}"
    if ref is None or not url or (ref.get("TYPE") or "ecv") != "ecv":
        notes.append(f"{what} refers to no external vocabulary file; its annotations keep the values stored in "
                     "the file (the entry's id where one stores none)")
        return {}
    if url not in loaded:
        found = _ecv_file(eaf, url)
        if isinstance(found, str):
            loaded[url] = {"remote": "is remote (not fetched)", "not found": "is not here (nor beside the file)"}[found]
        else:
            where, beside = found
            # the file is named once: by its URL, and where that is not the file read, by the name read beside
            at = f", read from the {quote(shorten(where.name, 60))} beside the file, " if beside else ""
            try:
                root = ET.parse(where).getroot()
                loaded[url] = root if root.tag == "CV_RESOURCE" else (
                    f"{at}is no .ecv file (its root element is <{shorten(root.tag, 40)}>, not <CV_RESOURCE>)")
            except ET.ParseError as exc:
                loaded[url] = f"{at}is not valid XML ({shorten(exc, 100)})"
            except OSError as exc:
                loaded[url] = f"{at}cannot be read ({shorten(exc.strerror or exc, 100)})"
    got = loaded[url]
    if isinstance(got, str):  # the reason, written to follow the URL
        notes.append(f"{what}: its external vocabulary {quote(shorten(url, 120))}{'' if got[:1] == ',' else ' '}{got}; "
                     "its annotations keep the values stored in the file (the entry's id where one stores none)")
        return {}
    cvs = got.findall("CONTROLLED_VOCABULARY")
    mine = next((c for c in cvs if c.get("CV_ID", "") == cv_id), cvs[0] if len(cvs) == 1 else None)
    if mine is None:
        notes.append(f"{what}: not in its external vocabulary {quote(shorten(url, 120))}; its annotations keep the "
                     "values stored in the file (the entry's id where one stores none)")
        return {}
    return _entries_of(mine, langs)


def _cv_entries(root: ET.Element, eaf: Path | None = None,
                notes: list[str] | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per linguistic type: its controlled vocabulary's ``{CVE_ID: values}`` (one value per language, the file's
    first language first). An external CV (``EXT_REF``, its entries in an .ecv file) is read from the local .ecv
    beside ``eaf`` or where its URL says (:func:`_external_entries`; ``notes`` says when it cannot be). A type
    without a CV of the file maps to every entry of the file's CVs."""
    langs = [x.get("LANG_ID", "") for x in root.findall("LANGUAGE")]
    refs = {r.get("EXT_REF_ID", ""): r for r in root.findall("EXTERNAL_REF")}
    loaded: dict[str, ET.Element | str] = {}
    cvs: dict[str, dict[str, tuple[str, ...]]] = {}
    for cv in root.findall("CONTROLLED_VOCABULARY"):
        entries = _entries_of(cv, langs)
        if not entries and cv.get("EXT_REF") and eaf is not None:
            entries = _external_entries(eaf, cv, refs.get(cv.get("EXT_REF", "")), langs, loaded,
                                        notes if notes is not None else [])
        cvs[cv.get("CV_ID", "")] = entries
    every: dict[str, tuple[str, ...]] = {}
    for entries in cvs.values():
        for k, v in entries.items():
            every.setdefault(k, v)
    out: dict[str, dict[str, tuple[str, ...]]] = {"": every}
    for lt in root.findall("LINGUISTIC_TYPE"):
        out[lt.get("LINGUISTIC_TYPE_ID", "")] = cvs.get(lt.get("CONTROLLED_VOCABULARY_REF") or "", every)
    return out


def _ann_value(a: ET.Element, entries: Mapping[str, tuple[str, ...]]) -> str:
    """An annotation's value; one that refers to a controlled vocabulary entry (``CVE_REF``) reads the entry's
    value (its value in the file's first language, unless the stored value is the entry's in another language), so
    a stored id or an empty value reads ``happiness``. Where the vocabulary gives no value for the entry (an .ecv
    that is not here) and the file stores none, the entry's id (``cveid_1``): an emotion the coder can see and
    fix, not one silently blank."""
    raw = a.findtext("ANNOTATION_VALUE") or ""
    ref = (a.get("CVE_REF") or "").strip()
    vals = entries.get(ref)
    if vals and raw.strip() not in vals:
        return vals[0]
    if ref and not vals and not raw.strip():
        return ref
    return raw


def _ids_as_values(tier: ET.Element, entries: Mapping[str, tuple[str, ...]]) -> int:
    """How many of a tier's annotations read their vocabulary entry's id as value (:func:`_ann_value`)."""
    return sum(1 for a in tier.findall("ANNOTATION/*")
               if (a.get("CVE_REF") or "").strip() and not entries.get((a.get("CVE_REF") or "").strip())
               and not (a.findtext("ANNOTATION_VALUE") or "").strip())


def _annotation_index(root: ET.Element) -> tuple[dict[str, ET.Element], dict[str, str]]:
    """Every annotation of the file by its id (the first where ids repeat), and the tier each is on."""
    index: dict[str, ET.Element] = {}
    tier_of: dict[str, str] = {}
    for t in root.findall("TIER"):
        for a in t.findall("ANNOTATION/*"):
            aid = a.get("ANNOTATION_ID")
            if aid and aid not in index:
                index[aid] = a
                tier_of[aid] = t.get("TIER_ID", "")
    return index, tier_of


def _ancestor(a: ET.Element, index: Mapping[str, ET.Element], memo: dict[int, ET.Element | str]) -> ET.Element | str:
    """The time-alignable annotation a reference annotation (ELAN's Symbolic_Association / Symbolic_Subdivision
    child) takes its times from, following ``ANNOTATION_REF`` up; a reason where the chain breaks."""
    path: list[ET.Element] = []
    cur: ET.Element | str = a
    seen: set[int] = set()
    while isinstance(cur, ET.Element) and cur.tag == "REF_ANNOTATION":
        if id(cur) in memo:
            cur = memo[id(cur)]
            break
        if id(cur) in seen:
            cur = "its ANNOTATION_REF chain goes round in a circle"
            break
        seen.add(id(cur))
        path.append(cur)
        ref = cur.get("ANNOTATION_REF") or ""
        nxt = index.get(ref)
        cur = nxt if nxt is not None else f"refers to annotation {quote(shorten(ref, 40))}, which the file does not have"
    for x in path:
        memo[id(x)] = cur
    return cur


def _interpolated(root: ET.Element, slots: Mapping[str, int | None]) -> dict[str, int]:
    """Times for unaligned time slots (no TIME_VALUE: ELAN's Time_Subdivision / Included_In children a coder did
    not align): a run of them on a chain of annotations (one ending where the next starts) between two aligned
    slots is spaced evenly between those, as ELAN shows them. Slots without an aligned slot on both sides of their
    chain get none."""
    prev_of: dict[str, str] = {}
    next_of: dict[str, str] = {}

    def unaligned(sid: str | None) -> bool:
        return sid is not None and sid in slots and slots[sid] is None

    for a in root.iter("ALIGNABLE_ANNOTATION"):
        r1, r2 = a.get("TIME_SLOT_REF1"), a.get("TIME_SLOT_REF2")
        if r1 and r2:
            if unaligned(r2):
                prev_of.setdefault(r2, r1)
            if unaligned(r1):
                next_of.setdefault(r1, r2)
    out: dict[str, int] = {}
    done: set[str] = set()
    for s in [*next_of, *prev_of]:
        if s in done:
            continue
        back: list[str] = []
        cur: str | None = s
        while cur is not None and unaligned(cur) and cur not in done:
            done.add(cur)
            back.append(cur)
            cur = prev_of.get(cur)
        start = slots.get(cur) if cur is not None else None
        fwd: list[str] = []
        cur = next_of.get(s)
        while cur is not None and unaligned(cur) and cur not in done:
            done.add(cur)
            fwd.append(cur)
            cur = next_of.get(cur)
        end = slots.get(cur) if cur is not None else None
        run = back[::-1] + fwd
        if start is not None and end is not None and end > start:
            for k, sid in enumerate(run, start=1):
                out[sid] = start + (end - start) * k // (len(run) + 1)
    return out


def _children_values(tier: ET.Element, entries: Mapping[str, tuple[str, ...]]) -> list[tuple[ET.Element, str]]:
    """A tier's annotations with their values; reference annotations of one parent annotation (ELAN's
    Symbolic_Subdivision: ordered parts, ``PREVIOUS_ANNOTATION``) are one, their values joined with ``+`` in their
    order (``AU6``, ``AU12`` -> ``AU6+AU12``)."""
    out: list[tuple[ET.Element, str]] = []
    groups: dict[str, list[ET.Element]] = {}
    for a in tier.findall("ANNOTATION/*"):
        if a.tag == "REF_ANNOTATION":
            g = groups.setdefault(a.get("ANNOTATION_REF") or "", [])
            if not g:
                out.append((a, ""))
            g.append(a)
        elif a.tag == "ALIGNABLE_ANNOTATION":
            out.append((a, _ann_value(a, entries)))
    for i, (a, _) in enumerate(out):
        if a.tag != "REF_ANNOTATION":
            continue
        g = groups[a.get("ANNOTATION_REF") or ""]
        if len(g) > 1:  # ordered by PREVIOUS_ANNOTATION where the file says, else as written
            by_prev = {x.get("PREVIOUS_ANNOTATION") or "": x for x in g}
            ids = {x.get("ANNOTATION_ID") for x in g}
            head = next((x for x in g if (x.get("PREVIOUS_ANNOTATION") or "") not in ids), None)
            chain: list[ET.Element] = []
            placed: set[int] = set()
            while head is not None and id(head) not in placed:
                chain.append(head)
                placed.add(id(head))
                head = by_prev.get(head.get("ANNOTATION_ID") or "")
            g = chain + [x for x in g if id(x) not in placed]
            a = g[0]
        out[i] = (a, "+".join(v for v in (_ann_value(x, entries).strip() for x in g) if v))
    return out


@dataclass
class EafDocument:
    """An ELAN file parsed once (:func:`parse_eaf`), for every step of one import to share: :func:`read_eaf` and
    :func:`foreign_tiers` take it in place of the path, and :meth:`coders` names the coders of its event tiers."""

    path: Path
    root: ET.Element
    _foreign: dict[int, ElanTiers] = field(default_factory=dict, repr=False, compare=False)

    _vocabularies: tuple[dict[str, dict[str, tuple[str, ...]]], list[str]] | None = field(
        default=None, repr=False, compare=False)
    # the kind each mapped tier was read as by the last read_eaf of this document (given, or guessed from its values)

    def foreign(self, samples: int = 4) -> ElanTiers:
        """:func:`foreign_tiers` of the file (worked out once)."""
        if samples not in self._foreign:
            self._foreign[samples] = _foreign_tiers(self, samples)
        return self._foreign[samples]

    def vocabularies(self) -> tuple[dict[str, dict[str, tuple[str, ...]]], list[str]]:
        """The controlled vocabularies' entries per linguistic type (:func:`_cv_entries`, external .ecv files
        read once) and the notes on those that could not be read."""
        if self._vocabularies is None:
            notes: list[str] = []
            self._vocabularies = (_cv_entries(self.root, self.path, notes), notes)
        return self._vocabularies

    def coders(self, tier_coders: Mapping[str, str] | None = None,
               tier_roles: Mapping[str, str] | None = None) -> set[str]:
        """The coders of the file's event tiers (``<coder>/event``, ``<coder>/rejected``, the ``tier_coders``
        mapped), with or without annotations: a coder's empty tier says they coded the video and found nothing.
        A tier mapped as apexes holds no events, so a coder mapped only such tiers is none (read_eaf notes it). A
        mapped tier's kind: ``tier_roles``, else the one its values tell (:func:`_guess_role`), as :func:`read_eaf`
        reads it."""
        kinds = {t: _role(t, r) for t, r in (tier_roles or {}).items()}
        tiers = {t.get("TIER_ID", ""): t for t in self.root.findall("TIER")}
        out = {c.strip() for t, c in (tier_coders or {}).items()
               if (kinds.get(t) or (_guess_role(tiers[t]) if t in tiers else "event")) != "apex"}
        for t in self.root.findall("TIER"):
            m = _TIER_RX.match(t.get("TIER_ID", ""))
            if m and m.group("kind") in ("event", "rejected"):
                out.add(m.group("coder").strip())
        return {c for c in out if c}


def parse_eaf(path: str | os.PathLike[str] | EafDocument) -> EafDocument:
    """The ELAN file parsed (a document given is returned as it is); InputError, in one line, for a file that is
    not there or no readable XML (entity bombs end here too: expat refuses the amplification)."""
    if isinstance(path, EafDocument):
        return path
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: ELAN file not found")
    try:
        return EafDocument(p, ET.parse(p).getroot())
    except ET.ParseError as exc:
        raise InputError(f"{p}: not valid XML ({shorten(exc, 200)})") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None


def eaf_media_file(path: str | os.PathLike[str]) -> Path | None:
    """The video an ELAN file's events are on (its first video descriptor), where it is here: beside the file (its
    relative URL or name) or where the file says it lies; None otherwise, and for a file that cannot be read (the
    reading proper says why). Lets a caller take the frame rate from the video before reading the times."""
    p = Path(path)
    try:
        header = _eaf_header(p, parse_eaf(p).root)
    except InputError:
        return None
    video = _eaf_video(p, header, None, [])
    for c in (p.parent / video.relative if video.relative else None, p.parent / video.name if video.name else None,
              Path(video.path) if video.path else None):
        if c is not None and c.is_file():
            return c
    return None


def read_eaf(path: str | os.PathLike[str] | EafDocument, fps: float | None = None, video_id: int = 0,
             fps_override: bool = False, tier_coders: Mapping[str, str] | None = None,
             source: str | None = None, times: np.ndarray | None = None,
             tier_roles: Mapping[str, str] | None = None, video_name: str | None = None,
             tier_faces: Mapping[str, int] | None = None, face_names: Mapping[int, str] | None = None) -> EafPreview:
    """Read events from an ELAN file into an :class:`ImportPreview` (nothing is imported yet).

    fps: the video's frame rate (default: the file's ``merstudio:fps`` property). When both are known and differ,
    InputError unless ``fps_override`` (then the file's ms times are converted at ``fps``).
    tier_coders: extra time-aligned tiers of other tools to read as event tiers, ``{tier_id: coder}``.
    tier_roles: what such a tier holds, ``{tier_id: "aus" | "emotion" | "event" | "apex"}`` (``event``: ``emotion |
    AUs`` or an emotion alone; ``apex``: the coder's apexes, an annotation inside one of their events setting its
    apex, :func:`_coder_apexes`); a tier not named is read as AUs when its every value is AU codes, as apexes when
    its values are onset / apex / offset phases, else as ``event``.
    tier_faces: the face a mapped tier's events are on, ``{tier_id: face}``; a tier not named is on its
    participant's face (:func:`participant_faces`: the face ``face_names`` gives the name, ``{face: name}`` that
    earlier imports into the video gave, :func:`merstudio.interchange.known_face_names`; else the next free face in
    the order the file's tiers name them), else face 0. A note says which participant went to which face.
    A coder's AU annotations lying inside one of their emotion annotations of the same face become one event
    (:func:`_merge_mapped`), so a coding is not counted twice; one person's AUs never join another's emotion.
    Times: ``t + TIME_ORIGIN`` of the video's media descriptor (ELAN's media offset). The video's descriptor is
    the one that names ``video_name`` (the file the events are imported into: an .eaf may link a face and a scene
    camera, each with its offset), else the first video one (an extracted .wav may come first); a note where none
    names ``video_name``.
    source: the events' source; default the one recorded in the file, else ``imported``.
    times: a variable-rate video's frame times (seconds): the file's times are placed on them (FrameClock).
    File-level problems (not XML, not EAF, no TIME_ORDER, unknown time units) raise InputError; problems of single
    tiers and annotations (unknown tiers, missing or unaligned time slots, bad AU strings) are listed in
    ``preview.skipped``.
    """
    doc = parse_eaf(path)
    p, root = doc.path, doc.root
    header = _eaf_header(p, root)
    notes: list[str] = []
    slots = _time_slots(p, root)
    # the file's last time: a rate off by a hair differs where it moves an event there by half a frame
    span_s = max((ms for ms in slots.values() if ms is not None), default=0) / 1000
    use_fps, clock = _eaf_clock(p, header, fps, fps_override, times, notes, span_s)
    video = _eaf_video(p, header, video_name, notes)
    skipped: list[Skip] = []
    scheme = _eaf_tiers(p, root, dict(tier_coders or {}), tier_roles, notes, skipped, tier_faces, face_names)
    timing = _Timing(slots, _interpolated(root, slots), video.origin, *_annotation_index(root))
    cv_entries, cv_notes = doc.vocabularies()
    notes += cv_notes
    found = _Found()
    _coder_apexes(scheme, cv_entries, timing, skipped)
    for tid, (coder, face) in scheme.event_tiers.items():
        _read_tier(scheme, tid, coder, face, cv_entries, timing, clock, found, notes, skipped)
    _note_unused_apexes(scheme, found, notes)
    _note_givers(p, scheme, timing, notes, skipped)
    if found.ids_read:
        notes.append(f"{p.name}: {sum(found.ids_read.values())} annotation(s) of tier(s) "
                     f"{name_list(found.ids_read, 4)} store no value and their vocabulary gives none for their "
                     "entry: read as the entry's id (CVE_REF), for the coder to correct")
    if timing.used_guessed:
        notes.append(f"{p.name}: {len(timing.used_guessed)} time slot(s) without a time (unaligned) placed evenly "
                     "between their aligned neighbours, as ELAN shows them")
    anns = _merge_mapped(found.anns, notes, p.name)
    if n_blank := sum(1 for x in anns if x.where in found.blank and not x.emotion and not x.aus):
        notes.append(f"{p.name}: {n_blank} annotation(s) with an empty value imported as events without an emotion "
                     "or AUs")
    au_reader = AUReader()
    events = _events(anns, au_reader, video_id, source, notes, skipped)
    notes += au_reader.notes()
    behaviours = _read_behaviours(scheme, timing, clock, video_id, skipped)
    said = ""
    if behaviours:
        said = (f"{p.name}: {len(behaviours)} behaviour event(s) on tier(s) "
                f"{name_list([quote(t) for t in scheme.behaviour_tiers], 4)}: an import into a project adds them "
                "as behaviour events; an events file holds none (left out)")
        notes.append(said)
    return EafPreview(behaviours=behaviours, behaviour_note=said, path=p, format="ELAN eaf", events=events, skipped=skipped, notes=notes, fps=use_fps,
                         media=video.name, media_path=video.path, time_origin=video.origin,
                         linked_media=tuple(video.linked), media_relative=video.relative, media_mime=video.mime,
                         media_url=video.url, face_names=scheme.face_names)


def _eaf_header(p: Path, root: ET.Element) -> ET.Element:
    """The file's HEADER, after checking that the file is an ELAN document in milliseconds (InputError if not)."""
    if root.tag != "ANNOTATION_DOCUMENT":
        raise InputError(f"{p}: not an ELAN file (root element <{shorten(root.tag, 60)}>, expected "
                         "<ANNOTATION_DOCUMENT>)")
    header = root.find("HEADER")
    if header is None:
        raise InputError(f"{p}: no HEADER element (not a valid ELAN file)")
    units = header.get("TIME_UNITS", "milliseconds")
    if units != "milliseconds":
        raise InputError(f"{p}: time units {quote(units)} are not supported (only milliseconds)")
    return header


def _eaf_clock(p: Path, header: ET.Element, fps: float | None, fps_override: bool, times: np.ndarray | None,
               notes: list[str], span_s: float | None = None) -> tuple[float, FrameClock]:
    """The frame rate used (the video's, else the file's ``merstudio:fps``; InputError where both are known and
    differ, unless ``fps_override``) and the clock turning the file's ms into frames: ELAN's ceil rule, or the
    half-up rule an older merstudio file was written with (``merstudio:frame_rule``)."""
    props = {e.get("NAME", ""): (e.text or "").strip() for e in header.findall("PROPERTY")}
    file_fps: float | None = None
    if props.get("merstudio:fps"):
        try:
            file_fps = exact_fps(float(props["merstudio:fps"]))  # 29.97: NTSC's, as older files wrote it
        except ValueError:
            raise InputError(f"{p}: bad merstudio:fps property {quote(props['merstudio:fps'])}") from None
    fps = exact_fps(float(fps)) if fps is not None else None  # read_eaf(fps=29.97) too
    if fps is not None and file_fps is not None and fps_differs(file_fps, float(fps), span_s):
        if not fps_override:
            raise fps_mismatch(str(p), file_fps, float(fps), span_s)
        notes.append(f"frame rate {fps_text(file_fps)} fps in the file overridden by the video's "
                     f"{fps_text(float(fps))} fps")
    use_fps = check_fps(fps if fps is not None else file_fps, str(p))
    if use_fps > MAX_MS_FPS:
        raise InputError(f"{p}: {use_fps:g} fps is above 1000 fps; ELAN's millisecond times cannot address frames")
    rule = props.get("merstudio:frame_rule") or (ROUND if "merstudio:fps" in props else CEIL)
    if rule not in FRAME_RULES:
        raise InputError(f"{p}: unknown merstudio:frame_rule property {quote(rule)} (expected one of "
                         f"{', '.join(FRAME_RULES)})")
    clock = FrameClock(use_fps, variable_times(times, use_fps), rule)
    notes += vfr_note(clock)
    return use_fps, clock


def _time_slots(p: Path, root: ET.Element) -> dict[str, int | None]:
    """The TIME_ORDER's slots, ``{id: ms}`` (None: unaligned, no TIME_VALUE); InputError for a missing TIME_ORDER
    or a slot without an id or with a bad, negative or impossibly long time."""
    order = root.find("TIME_ORDER")
    if order is None:
        raise InputError(f"{p}: no TIME_ORDER element (the time slots are missing)")
    slots: dict[str, int | None] = {}
    for ts in order.findall("TIME_SLOT"):
        sid = ts.get("TIME_SLOT_ID")
        if not sid:
            raise InputError(f"{p}: a TIME_SLOT has no TIME_SLOT_ID")
        val = ts.get("TIME_VALUE")
        try:
            ms = None if val is None else int(val)
        except ValueError:
            raise InputError(f"{p}: time slot {quote(sid)} has a bad TIME_VALUE {quote(val)}") from None
        if ms is not None and ms < 0:
            raise InputError(f"{p}: time slot {quote(sid)} has a negative TIME_VALUE {quote(val)}")
        if ms is not None and ms > MAX_MS:
            raise InputError(f"{p}: time slot {quote(sid)} has a TIME_VALUE of {quote(val)} ms, longer than any "
                             f"recording (over {MAX_MS // 86_400_000} days): a damaged file?")
        slots[sid] = ms
    return slots


@dataclass
class _Video:
    """The video an ELAN file's events are on, as its media descriptor gives it (:func:`_eaf_video`)."""

    name: str = ""  # the media file name
    path: str = ""  # where it lies (:func:`_media_location`)
    relative: str = ""  # its RELATIVE_MEDIA_URL
    url: str = ""  # its MEDIA_URL as written
    mime: str = ""  # its MIME_TYPE as written (audio/x-wav, unknown...)
    origin: int = 0  # its TIME_ORIGIN (ms)
    linked: list[LinkedMedia] = field(default_factory=list)  # the other descriptors, kept for writing again


def _eaf_video(p: Path, header: ET.Element, video_name: str | None, notes: list[str]) -> _Video:
    """The video the events are on: the descriptor naming the one the caller imports into, else the first video
    descriptor (an .eaf often links the audio ELAN extracted from the video too, sometimes first); the others are
    kept for writing the file again. Notes on what was chosen and on media URLs that cannot be read."""
    video = _Video()
    bad_urls: list[str] = []  # media URLs that cannot be parsed: media that is not here
    descriptors = header.findall("MEDIA_DESCRIPTOR")
    if descriptors:
        md = _video_descriptor(descriptors, video_name)
        named = md is not None
        if md is None:
            md = next((d for d in descriptors if _is_video(d)), descriptors[0])
        location = _media_location(p, md.get("MEDIA_URL") or "", md.get("RELATIVE_MEDIA_URL") or "", bad_urls)
        video.name = _descriptor_name(md, location)
        if not video.name:
            notes.append(f"{p.name}: the video's media descriptor names no media file (it has no MEDIA_URL)")
        elif not media_name(video.name):  # no file system has longer names
            notes.append(f"{p.name}: the media file name in the file ({len(video.name):,} characters) is longer "
                         "than any file system allows; ignored")
            video.name = ""
        else:
            video.path = location
            video.relative = md.get("RELATIVE_MEDIA_URL") or ""
            video.url = md.get("MEDIA_URL") or ""
            video.mime = md.get("MIME_TYPE") or ""
        video.origin = _time_origin(p, md)
        video.linked = [_linked(p, d, bad_urls) for d in descriptors if d is not md]
        _note_video(p, descriptors, video, named, video_name, notes)
    for url in bad_urls:
        notes.append(f"{p.name}: media URL {quote(shorten(url, 120))} is no URL that can be read; taken as media "
                     "that is not here")
    return video


def _linked(p: Path, d: ET.Element, bad_urls: list[str]) -> LinkedMedia:
    """A media descriptor other than the video's (an extracted .wav), kept as written and located."""
    return LinkedMedia(url=d.get("MEDIA_URL") or "", mime=d.get("MIME_TYPE") or "",
                       relative=d.get("RELATIVE_MEDIA_URL") or "",
                       location=_media_location(p, d.get("MEDIA_URL") or "", d.get("RELATIVE_MEDIA_URL") or "",
                                                bad_urls),
                       time_origin=(d.get("TIME_ORIGIN") or "").strip(), extracted_from=d.get("EXTRACTED_FROM") or "")


def _note_video(p: Path, descriptors: Sequence[ET.Element], video: _Video, named: bool, video_name: str | None,
                notes: list[str]) -> None:
    """Notes on the chosen video: the other media kept, a video that is not the one imported into, its offset."""
    media = video.name
    if video.linked:
        which = "the video they are imported into" if named else "the first video"
        notes.append(f"{p.name}: {len(descriptors)} media files linked; the events are placed on "
                     f"{quote(media or '(unnamed)')} ({which}); the others "
                     f"({name_list(_url_name(m.url or m.relative) for m in video.linked)}) are kept when the events "
                     "are written to ELAN")
    if video_name and not named and media:
        want = quote(file_name(video_name))
        names = name_list(dict.fromkeys(n for d in descriptors for n in _descriptor_names(d)))
        notes.append(f"the ELAN file's media is {quote(media)}, not {want}; imported anyway" if len(descriptors) == 1
                     else f"none of the ELAN file's media ({names}) is {want}; imported anyway, timed as on "
                          f"{quote(media)}")
    if video.origin:
        notes.append(f"{p.name}: media offset (TIME_ORIGIN) {video.origin:+,} ms: an annotation at t ms is at "
                     f"t{video.origin:+,} ms of {quote(media or 'the video')}, as ELAN plays it")


@dataclass
class EafPreview(ImportPreview):
    """:func:`read_eaf`'s preview: also the behaviour events of merstudio's behaviour tiers, as (behaviour name,
    event with behaviour_id 0), which an import into a project adds (:func:`merstudio.interchange.project_preview`);
    an events file holds none."""

    behaviours: list[tuple[str, BehaviourEvent]] = field(default_factory=list)
    behaviour_note: str = ""  # the note saying they are left out of a conversion (an import says what it adds)


def _behaviour_of(tid: str, t: ET.Element, exact: str | None = None) -> tuple[str, str, int]:
    """(behaviour name, coder, face) of one of our behaviour tiers (eaf_write.behaviour_of_tier): the coder is its
    ANNOTATOR as written (a coder named nothing is "unnamed" in the tier's name), the name what the file keeps for
    the tier (``exact``: its ``merstudio:behaviour:<tier id>`` property) else the tier's name less the coder's and
    face's part (no face: face 0, as a file written before faces were named says)."""
    annotator = t.get("ANNOTATOR")
    got = behaviour_of_tier(tid, annotator, exact)
    name, face = got if got else (exact if exact is not None else tid.strip(), 0)
    m = BEHAVIOUR_TIER_RX.match(tid)
    return name, (annotator if annotator is not None else m.group("coder") if m else "") or "", face


def _read_behaviours(scheme: _Scheme, timing: _Timing, clock: FrameClock, video_id: int | None,
                     skipped: list[Skip]) -> list[tuple[str, BehaviourEvent]]:
    """The annotations of our behaviour tiers as behaviour events (frames as the events': ELAN's span [a, b) is
    frames a..b-1, one frame a point); the value is the note unless it is the behaviour's name (what the export
    writes for an event without a note)."""
    out = []
    # a "/" in a behaviour's name is "-" in its tier's (never a "<coder>/event" tier): a file written before its
    # tiers' exact names were kept (merstudio:behaviour:<tier id>) has them only where an event without a note
    # holds the name as written, which names every event of the behaviour (its other lanes' too)
    real = {name: value for tid, (name, _c, _f) in scheme.behaviour_tiers.items() if tid not in scheme.behaviour_names
            for a in scheme.tiers[tid].iter("ALIGNABLE_ANNOTATION")
            if "/" in (value := (a.findtext("ANNOTATION_VALUE") or "").strip()) and value.replace("/", "-") == name}
    for tid, (name, coder, face) in scheme.behaviour_tiers.items():
        name = real.get(name, name)
        for a in scheme.tiers[tid].iter("ALIGNABLE_ANNOTATION"):
            where = f"{scheme.p.name}: tier {quote(tid)}, annotation {shorten(a.get('ANNOTATION_ID', '?'), 40)}"
            got = timing.aligned(a)
            if isinstance(got, str):
                skipped.append(Skip(where, got))
                continue
            onset = clock.frame(max(0, got[0]), "start")
            offset = max(onset, clock.frame(got[1], "end") - 1)
            value = (a.findtext("ANNOTATION_VALUE") or "").strip()
            out.append((name, BehaviourEvent(video_id or 0, 0, onset, offset, coder=coder,
                                             note="" if value == name else value, face_id=face)))
    return out


@dataclass
class _Scheme:
    """An ELAN file's tiers as an import reads them (:func:`_eaf_tiers`)."""

    p: Path
    tiers: dict[str, ET.Element]  # every tier by id
    extra: dict[str, str]  # another tool's tiers mapped to coders (tier_coders)
    roles: dict[str, str]  # what each mapped tier holds (TIER_ROLES)
    event_tiers: dict[str, tuple[str, int]] = field(default_factory=dict)  # tier id -> (coder, face)
    children: dict[tuple[str, str], str] = field(default_factory=dict)  # (event tier id, kind) -> child tier id
    apex_tiers: dict[str, str] = field(default_factory=dict)  # mapped tiers of kind apex -> their coder
    faces: dict[str, int] = field(default_factory=dict)  # mapped tier -> the face its events are on
    face_names: dict[int, str] = field(default_factory=dict)  # face -> the participant its tiers name
    # per coder and face, the spans of their apex tiers' apex annotations (ms in the video, id), in time order
    coder_apexes: dict[tuple[str, int], list[tuple[int, int, str]]] = field(default_factory=dict)
    apex_tier_of: dict[str, str] = field(default_factory=dict)  # id of such an apex annotation -> its tier
    rejected: set[str] = field(default_factory=set)  # <coder>/rejected tiers: their events are rejected proposals
    # our behaviour tiers (type merstudio-behaviour, project.export.behaviour_tiers): tier id -> (behaviour, coder,
    # face)
    behaviour_tiers: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    # the HEADER's exact behaviour names of tiers whose id loses it (a "/"): tier id -> name
    behaviour_names: dict[str, str] = field(default_factory=dict)


def _eaf_tiers(p: Path, root: ET.Element, extra: dict[str, str], tier_roles: Mapping[str, str] | None,
               notes: list[str], skipped: list[Skip], tier_faces: Mapping[str, int] | None = None,
               known: Mapping[int, str] | None = None) -> _Scheme:
    """Which tiers hold events (ours, ``<coder>/event`` and ``<coder>/rejected``, and the mapped ``extra``), and
    their apex and meta child tiers; InputError for a mapping naming a tier the file does not have. Unknown tiers
    with annotations are skipped, empty ones noted; a mapped tier without a kind is read as AUs where its every
    value is AU codes; a mapped tier's face is ``tier_faces``' else its participant's (:func:`_mapped_faces`)."""
    tiers = {t.get("TIER_ID", ""): t for t in root.findall("TIER")}
    roles = {k: _role(k, v) for k, v in (tier_roles or {}).items()}
    for tid in [*extra, *roles]:
        if tid not in tiers:
            raise InputError(f"{p}: no tier {quote(tid)} ({len(tiers):,} tiers: {name_list(tiers) or 'none'})")
    for tid in roles:
        if tid not in extra:
            raise InputError(f"{p}: tier {quote(tid)} has a kind ({roles[tid]}) but no coder: map it to one")
    for tid in extra:  # another tool's tier: AU codes, emotions, our "emotion | AUs", or the coder's apexes
        if tid not in roles:
            roles[tid] = _guess_role(tiers[tid])
            if roles[tid] == "aus":
                notes.append(f"{p.name}: tier {quote(tid)} read as AUs (its values are AU codes); give it a kind "
                             f"to read it otherwise (tier_roles={{{quote(tid, 40)}: 'emotion'}} / --tier "
                             f"{shorten(tid, 40)}={shorten(extra[tid], 40)}:emotion)")
            elif roles[tid] == "apex":
                notes.append(f"{p.name}: tier {quote(tid)} read as the apexes of {quote(shorten(extra[tid], 40))} "
                             "(its values are onset / apex / offset); give it a kind to read it otherwise")
    header = root.find("HEADER")
    kept = {(e.get("NAME") or "")[len(BEHAVIOUR_NAME_PROPERTY):]: (e.text or "").strip()
            for e in (header.findall("PROPERTY") if header is not None else [])
            if (e.get("NAME") or "").startswith(BEHAVIOUR_NAME_PROPERTY) and (e.text or "").strip()}
    scheme = _Scheme(p, tiers, extra, roles, behaviour_names=kept)
    _mapped_faces(scheme, dict(tier_faces or {}), notes, known)
    for tid, t in tiers.items():
        _classify_tier(scheme, tid, t, notes, skipped)
    for (parent, kind), tid in scheme.children.items():
        if parent not in scheme.event_tiers:
            skipped.append(Skip(f"{p.name}: tier {quote(tid)}", f"{kind} tier without its event tier {quote(parent)}"))
    return scheme


def _participants(tiers: Iterable[ET.Element]) -> list[str]:
    """The ``PARTICIPANT`` names of the file's tiers (mapped or not, empty or not) in the order the tiers name them.
    A tier's name is never read as a participant (``AU_Infant``): only what the file states."""
    return list(dict.fromkeys(who for t in tiers if (who := (t.get("PARTICIPANT") or "").strip())))


def participant_faces(participants: Iterable[str], known: Mapping[int, str] | None = None) -> dict[str, int]:
    """{participant: face}: a name earlier imports into the video gave a face keeps it (``known``, ``{face: name}``,
    :func:`merstudio.interchange.known_face_names`; any case: a BORIS subject Mother is the participant Mother),
    the others take the next free faces in the order given (the file's tiers'), so one person is one face across
    coders' files (and, without a project, files made from one ELAN template agree). The rule of BORIS subjects
    (:class:`merstudio.interchange.boris.SubjectFaces`)."""
    from merstudio.interchange.boris import SubjectFaces

    order = list(dict.fromkeys(p for p in participants if p))
    faces = SubjectFaces.start((), known, order)
    return {p: faces.face(p) for p in order}


def unnamed_face(faces: Mapping[str, int], known: Mapping[int, str] | None = None) -> int:
    """The face of a tier that names no participant, in a file whose other tiers do (``faces``:
    :func:`participant_faces`): the first face no participant is on (nor a name earlier imports into the video
    gave, ``known``), so its events are nobody's and an ELAN export writes them with no PARTICIPANT; face 0 put them
    beside the first participant, whose name they then took. 0 in a file that names nobody."""
    if not faces:
        return 0
    taken = set(faces.values()) | set(known or {})
    return next(f for f in range(len(taken) + 1) if f not in taken)


def _mapped_faces(scheme: _Scheme, tier_faces: dict[str, int], notes: list[str],
                  known: Mapping[int, str] | None = None) -> None:
    """The face of each mapped tier into ``scheme.faces`` (``tier_faces``, else its participant's, else 0), the
    participants' names by face into ``scheme.face_names``, and one note saying who went where. InputError for a
    face given to a tier that is not mapped, or one that is no face number."""
    p = scheme.p
    for tid, face in tier_faces.items():
        if tid not in scheme.tiers:
            raise InputError(f"{p}: no tier {quote(tid)} ({len(scheme.tiers):,} tiers: "
                             f"{name_list(scheme.tiers) or 'none'})")
        if tid not in scheme.extra:
            raise InputError(f"{p}: tier {quote(tid)} has a face ({face}) but no coder: map it to one")
        if isinstance(face, bool) or not isinstance(face, int) or face < 0:
            raise InputError(f"{p}: tier {quote(tid)}: face {face!r} is no face number (0, 1, ...)")
    by_name = participant_faces(_participants(scheme.tiers.values()), known)
    kept = {n.casefold() for n in (known or {}).values()}
    placed: dict[tuple[str, int], list[str]] = {}  # (participant, face) -> its mapped tiers
    nobody = unnamed_face(by_name, known)
    for tid in scheme.extra:
        who = (scheme.tiers[tid].get("PARTICIPANT") or "").strip()
        face = tier_faces.get(tid, by_name[who] if who else nobody)
        scheme.faces[tid] = face
        if who:
            scheme.face_names.setdefault(face, who)
            placed.setdefault((who, face), []).append(tid)
    nameless = [t for t in scheme.extra if not (scheme.tiers[t].get("PARTICIPANT") or "").strip()
                and t not in tier_faces]
    if not placed and not (nameless and nobody):
        return
    nobody_said = f"tier(s) {name_list(nameless, 3)} name no participant: face {nobody}" if nameless else ""
    if not placed:  # only tiers of nobody mapped, in a file that names participants: say why not face 0
        notes.append(f"{p.name}: {nobody_said}, the first face none of the file's participants "
                     f"({name_list([quote(w) for w in by_name], 3)}) is on (another face: tier_faces= / --tier "
                     "TIER=CODER:KIND:faceK)")
        return
    said = "; ".join(f"{quote(who)} face {face} ({name_list(tids, 3)})" for (who, face), tids in placed.items())
    earlier = [quote(who) for who, _ in placed if who.casefold() in kept]
    notes.append(f"{p.name}: participants' faces (one person's AUs join only that person's emotions): {said}"
                 + (f"; {nobody_said}" if nameless else "")
                 + (f"; {name_list(earlier, 4)} as earlier imports into this video named them" if earlier else "")
                 + " (another face: tier_faces= / --tier TIER=CODER:KIND:faceK)")


def _classify_tier(scheme: _Scheme, tid: str, t: ET.Element, notes: list[str], skipped: list[Skip]) -> None:
    """One tier into ``scheme``: a mapped tier or one of ours holding events, an apex or meta child of one of ours
    (by its PARENT_REF, else the event tier its id names), or another tool's unmapped tier (skipped, or noted
    where it is empty: nothing would be lost)."""
    p = scheme.p
    if tid in scheme.extra:
        if scheme.roles.get(tid) == "apex":  # no events of its own: it places the apexes of its coder's
            scheme.apex_tiers[tid] = scheme.extra[tid]
        else:
            scheme.event_tiers[tid] = (scheme.extra[tid], scheme.faces.get(tid, 0))
        return
    if t.get("LINGUISTIC_TYPE_REF") == LT_BEHAVIOUR:  # our own behaviour events' tier: read back as such
        scheme.behaviour_tiers[tid] = _behaviour_of(tid, t, scheme.behaviour_names.get(tid))
        if who := (t.get("PARTICIPANT") or "").strip():  # as the event tiers' participant: kept when written again
            scheme.face_names.setdefault(scheme.behaviour_tiers[tid][2], who)
        return
    m = _TIER_RX.match(tid)
    if m is None:
        n = len(t.findall("ANNOTATION"))
        if n == 0:  # e.g. ELAN's empty "default" tier: nothing would be lost
            notes.append(f"{p.name}: empty tier {quote(tid)} ignored")
            return
        skipped.append(Skip(f"{p.name}: tier {quote(tid)}", f"unknown tier ({n} annotation(s)); expected "
                            "<coder>/event, <coder>/apex, <coder>/meta or <coder>/rejected, or map it to a "
                            "coder"))
        return
    face = int(m.group("face") or 0)
    kind = m.group("kind")
    if kind in ("event", "rejected"):
        scheme.event_tiers[tid] = (m.group("coder"), face)
        if who := (t.get("PARTICIPANT") or "").strip():  # as our export writes it: kept when written again
            scheme.face_names.setdefault(face, who)
        if kind == "rejected":
            scheme.rejected.add(tid)
    else:
        parent_kind, _, kind = kind.rpartition("-")
        parent = t.get("PARENT_REF") or tier_name(m.group("coder"), parent_kind or "event", face,
                                                  int(m.group("lane") or 1))
        scheme.children[(parent, kind)] = tid


@dataclass
class _Timing:
    """Where an import's annotations lie in the video: the time slots (unaligned ones placed by
    :func:`_interpolated`, ``guessed``) plus the media offset, and for a reference annotation its time-alignable
    ancestor's (``index``/``tier_of``: :func:`_annotation_index`). ``used_guessed``: the guessed slots read."""

    slots: Mapping[str, int | None]
    guessed: Mapping[str, int]
    origin: int
    index: dict[str, ET.Element]
    tier_of: dict[str, str]
    memo: dict[int, ET.Element | str] = field(default_factory=dict)
    used_guessed: set[str] = field(default_factory=set)

    def aligned(self, a: ET.Element, point: bool = False) -> tuple[int, int] | str:
        """The annotation's span in the video's ms (the file's times plus the media offset); a reference
        annotation's is its time-alignable ancestor's (ELAN's Symbolic_Association / Symbolic_Subdivision). A
        reason where it has none. ``point``: one that ends where it starts is a point (an apex mark), not an
        error."""
        if a.tag == "REF_ANNOTATION":
            anc = _ancestor(a, self.index, self.memo)
            if isinstance(anc, str):
                return anc
            got = self.aligned(anc)
            if isinstance(got, str):
                return (f"takes its times from annotation {shorten(anc.get('ANNOTATION_ID'), 40)} of tier "
                        f"{quote(shorten(self.tier_of.get(anc.get('ANNOTATION_ID') or '', '?'), 60))}, which {got}")
            return got
        times: list[int] = []
        for attr, end in (("TIME_SLOT_REF1", "start"), ("TIME_SLOT_REF2", "end")):
            r = a.get(attr)
            if not r:
                return f"has no {end} time (its {attr} is missing)"
            if r not in self.slots:
                return f"time slot {quote(r)} is missing from TIME_ORDER"
            ms = self.slots[r]
            if ms is None:
                ms = self.guessed.get(r)
                if ms is None:
                    return (f"time slot {quote(r)} is unaligned (no TIME_VALUE) and lies between no aligned "
                            "slots to take a time from")
                self.used_guessed.add(r)
            times.append(ms + self.origin)
        t1, t2 = times
        origin = self.origin
        if point and t1 == t2 >= 0:
            return t1, t2
        if t2 <= t1:
            return f"ends at {t2 - origin} ms, not after its start {t1 - origin} ms"
        if t2 <= 0:
            return (f"ends at {t2 - origin} ms, before the video starts (media offset TIME_ORIGIN {origin:+,} ms): "
                    "not in the video")
        return t1, t2


@dataclass
class _Found:
    """What the event tiers of an import gave (:func:`_read_tier`)."""

    anns: list[_Ann] = field(default_factory=list)
    blank: set[str] = field(default_factory=set)  # annotations with an empty value (ELAN makes one on a click)
    ids_read: dict[str, int] = field(default_factory=dict)  # mapped tier -> values read as their entry's id
    apexes_used: set[str] = field(default_factory=set)  # ids of apex annotations that set an event's apex


def _apexes(scheme: _Scheme, apex_tid: str | None, timing: _Timing,
            skipped: list[Skip]) -> list[tuple[int, int, str]]:
    """The spans of an event tier's apex annotations (ms in the video, and the id), in time order; those without
    times skipped."""
    apexes: list[tuple[int, int, str]] = []
    if apex_tid is not None:
        for a in scheme.tiers[apex_tid].iter("ALIGNABLE_ANNOTATION"):
            got = timing.aligned(a)
            if isinstance(got, str):
                skipped.append(Skip(f"{scheme.p.name}: tier {quote(apex_tid)}, annotation "
                                    f"{shorten(a.get('ANNOTATION_ID'), 40)}", got))
            else:
                apexes.append((got[0], got[1], a.get("ANNOTATION_ID", "")))
    apexes.sort()
    return apexes


def _metas(scheme: _Scheme, meta_tid: str | None) -> dict[str, str]:
    """An event tier's meta annotations, ``{event annotation id: value}``."""
    metas: dict[str, str] = {}
    if meta_tid is not None:
        for a in scheme.tiers[meta_tid].iter("REF_ANNOTATION"):
            # the note is last and keeps its spaces (a coder's trailing blanks are theirs)
            metas[a.get("ANNOTATION_REF", "")] = (a.findtext("ANNOTATION_VALUE") or "").lstrip()
    return metas


def _coder_apexes(scheme: _Scheme, cv_entries: Mapping[str, dict[str, tuple[str, ...]]], timing: _Timing,
                  skipped: list[Skip]) -> None:
    """The apex annotations of each coder's mapped apex tiers into ``scheme.coder_apexes``: an interval (its start
    is the apex) or a point, of any value but another phase's (a Phase tier's onset / offset parts); those without
    times skipped, named."""
    for tid, coder in scheme.apex_tiers.items():
        tier = scheme.tiers[tid]
        entries = cv_entries.get(tier.get("LINGUISTIC_TYPE_REF") or "", cv_entries[""])
        if tier.find("ANNOTATION/ALIGNABLE_ANNOTATION") is None:
            skipped.append(Skip(f"{scheme.p.name}: tier {quote(tid)}", "apex tier holds no time-aligned "
                                                                       "annotations (an apex needs a time)"))
            continue
        spans = scheme.coder_apexes.setdefault((coder, scheme.faces.get(tid, 0)), [])
        for a in tier.iter("ALIGNABLE_ANNOTATION"):
            if not _is_apex(_ann_value(a, entries)):
                continue
            got = timing.aligned(a, point=True)
            if isinstance(got, str):
                skipped.append(Skip(f"{scheme.p.name}: tier {quote(tid)}, annotation "
                                    f"{shorten(a.get('ANNOTATION_ID'), 40)}", got))
            else:
                spans.append((got[0], got[1], a.get("ANNOTATION_ID", "")))
                scheme.apex_tier_of[a.get("ANNOTATION_ID", "")] = tid
        spans.sort()


def _note_unused_apexes(scheme: _Scheme, found: _Found, notes: list[str]) -> None:
    """A note per apex tier whose apex annotations set no event's apex: inside none of their coder's events; one
    per coder mapped apex tiers alone (no events to place them in: not counted as a coder of the video,
    EafDocument.coders)."""
    alone: dict[str, list[str]] = {}
    for tid, coder in scheme.apex_tiers.items():
        face = scheme.faces.get(tid, 0)
        if not any(c == coder for c, _ in scheme.event_tiers.values()):
            alone.setdefault(coder, []).append(tid)
            continue
        mine = [x for x in scheme.coder_apexes.get((coder, face), [])
                if scheme.apex_tier_of.get(x[2]) == tid and x[2] not in found.apexes_used]
        if mine:
            notes.append(f"{scheme.p.name}: {len(mine)} apex annotation(s) of tier {quote(tid)} not used: "
                         f"inside no event of {quote(coder)}" + (f" on face {face}" if face else ""))
    for coder, tids in alone.items():
        n = sum(len(v) for (c, _f), v in scheme.coder_apexes.items() if c == coder)
        named = ", ".join(quote(t) for t in tids)
        notes.append(f"{scheme.p.name}: apex tier(s) {named} of {quote(coder)} had no events to place their {n} "
                     f"apex annotation(s) in: {quote(coder)} has no mapped tier of events, so is not counted as a "
                     "coder of this video (map the coder's AU / emotion tiers to the same coder)")


def _read_tier(scheme: _Scheme, tid: str, coder: str, face: int,
               cv_entries: Mapping[str, dict[str, tuple[str, ...]]], timing: _Timing, clock: FrameClock,
               found: _Found, notes: list[str], skipped: list[Skip]) -> None:
    """The annotations of one event tier into ``found``, with the apexes and meta values of its child tiers. A
    mapped tier reads controlled vocabulary values and takes a child tier's reference annotations at their parent's
    times; one of ours must be time-aligned (a tier of reference annotations is skipped)."""
    tier = scheme.tiers[tid]
    mapped = tid in scheme.extra
    # another tool's tier: the apexes of its coder's apex tiers; ours: those of its own apex child tier
    apexes = scheme.coder_apexes.get((coder, face), []) if mapped else \
        _apexes(scheme, scheme.children.get((tid, "apex")), timing, skipped)
    apex_starts = [x[0] for x in apexes]
    metas = _metas(scheme, scheme.children.get((tid, "meta")))
    if mapped:  # another tool's tier: a child tier's reference annotations take their parent's times
        entries = cv_entries.get(tier.get("LINGUISTIC_TYPE_REF") or "", cv_entries[""])
        items = _children_values(tier, entries)
        if n_ids := _ids_as_values(tier, entries):
            found.ids_read[tid] = n_ids
    elif tier.find("ANNOTATION/REF_ANNOTATION") is not None:
        skipped.append(Skip(f"{scheme.p.name}: tier {quote(tid)}", "event tier holds reference annotations, not "
                                                                   "time-aligned ones"))
        return
    else:
        items = [(a, a.findtext("ANNOTATION_VALUE") or "") for a in tier.iter("ALIGNABLE_ANNOTATION")]
    role = scheme.roles.get(tid, "event")
    for a, value in items:
        aid = a.get("ANNOTATION_ID", "?")
        where = f"{scheme.p.name}: tier {quote(tid)}, annotation {shorten(aid, 40)}"
        got = _annotation_frames(a, where, apexes, apex_starts, timing, clock, notes, found.apexes_used,
                                 scheme.apex_tier_of if mapped else {})
        if isinstance(got, str):
            skipped.append(Skip(where, got))
            continue
        onset, apex, offset, apex_note = got
        emotion, aus = _role_value(role, value)
        meta = _parse_meta(metas.get(aid, ""))
        if (confs := _meta_confidences(meta, where, skipped)) is None:
            continue
        conf, model_conf = confs
        if not value.strip():
            found.blank.add(where)
        found.anns.append(_Ann(where, tid, role if mapped else "ours", coder, face, onset, apex, offset, emotion,
                               aus, conf, meta, tid in scheme.rejected, apex_note, model_conf))


def _meta_confidences(meta: Mapping[str, str], where: str,
                      skipped: list[Skip]) -> tuple[float | None, float | None] | None:
    """An annotation's (coder's confidence, model's confidence) from its meta values; None with the reason in
    ``skipped`` where one is no number. A model's event of a file before 2026-12-07 (no ``model_confidence``) had
    the model's number in ``confidence``: it is the model's."""
    found: dict[str, float | None] = {}
    for key in ("confidence", "model_confidence"):
        found[key] = None
        if meta.get(key):
            try:
                found[key] = float(meta[key])
            except ValueError:
                skipped.append(Skip(where, f"bad {key.replace('_', ' ')} {quote(meta[key])}"))
                return None
    if meta.get("source") == "model" and "model_confidence" not in meta:
        return None, found["confidence"]
    return found["confidence"], found["model_confidence"]


def _annotation_frames(a: ET.Element, where: str, apexes: Sequence[tuple[int, int, str]], apex_starts: Sequence[int],
                       timing: _Timing, clock: FrameClock, notes: list[str], used: set[str] | None = None,
                       tier_of: Mapping[str, str] | None = None) -> tuple[int, int | None, int, str] | str:
    """An event annotation's onset, apex (the frame of the apex annotation starting inside it, its id added to
    ``used``; None where none does) and offset frames, and a note on its apex, or why it has none. One starting
    before the video starts at its first frame. ``tier_of``: the tier of each of a coder's apex annotations (a
    coder may keep apexes on several tiers, per face or per pass): one per tier may lie inside the event; where
    they name different frames the first is used and the note names them all."""
    got = timing.aligned(a)
    if isinstance(got, str):
        return got
    t1, t2 = got
    if t1 < 0:
        notes.append(f"{where}: starts {-t1} ms before the video (media offset TIME_ORIGIN {timing.origin:+,} "
                     "ms); its onset moved to the first frame")
        t1 = 0
    onset = clock.frame(t1, "start")
    offset = max(onset, clock.frame(t2, "end") - 1)
    lo, hi = bisect.bisect_left(apex_starts, t1), bisect.bisect_left(apex_starts, t2)
    inside = apexes[lo:hi]  # apex annotations starting inside the event, in time order
    tiers = [(tier_of or {}).get(x[2], "") for x in inside]
    if len(set(tiers)) < len(tiers):  # two on one tier: which one the coder meant is not ours to guess
        tier = max(tiers, key=tiers.count)
        return f"{tiers.count(tier)} apex annotations" + (f" of tier {quote(tier)}" if tier else "") + \
            " inside the event"
    frames = [clock.frame(max(0, x[0]), "start") for x in inside]
    if used is not None:
        used.update(x[2] for x in inside)
    note = ""
    if len(set(frames)) > 1:
        named = ", ".join(f"frame {f} (tier {quote(t)})" for f, t in zip(frames, tiers, strict=True))
        note = f"apexes inside the event differ: {named}; using the first, frame {frames[0]}"
    return onset, frames[0] if frames else None, offset, note


def _role_value(role: str, value: str) -> tuple[str, str]:
    """(emotion, AUs) of an annotation's value on a tier holding AUs, emotions, or ``emotion | AUs``."""
    if role == "aus":
        return "", value.strip()
    if role == "emotion":
        return value.strip(), ""
    return _parse_value(value)


def _note_givers(p: Path, scheme: _Scheme, timing: _Timing, notes: list[str], skipped: list[Skip]) -> None:
    """An unmapped tier whose mapped child tiers take their times from it (an "Expression" tier above "AU" and
    "Emotion" tiers) has given what it holds: a note, not a skipped tier."""
    givers = sorted({timing.tier_of.get(anc.get("ANNOTATION_ID") or "", "") for tid in scheme.extra
                     for a in scheme.tiers[tid].findall("ANNOTATION/REF_ANNOTATION")
                     if not isinstance(anc := _ancestor(a, timing.index, timing.memo), str)} - set(scheme.extra))
    if givers:
        gone = {f"{p.name}: tier {quote(t)}" for t in givers}
        skipped[:] = [k for k in skipped if not (k.where in gone and k.reason.startswith("unknown tier"))]
        notes.append(f"{p.name}: tier(s) {name_list(givers, 4)} not imported: only the times of the mapped tier(s) "
                     "under them were read")


def _events(anns: Sequence[_Ann], au_reader: AUReader, video_id: int, source: str | None, notes: list[str],
            skipped: list[Skip]) -> list[Event]:
    """The events of the annotations read; one without an apex takes the middle frame, tagged so that the
    agreement leaves it out."""
    events: list[Event] = []
    for x in anns:
        apex, note = x.apex, x.meta.get("note", "")
        if x.apex_note:  # said once per event: after merging, not for each of its AU / emotion annotations
            notes.append(f"{x.where}: {x.apex_note}")
        if apex is None:
            apex, note = imputed_apex(x.onset, x.offset, note)
            if x.offset > x.onset:  # a one-frame event's only frame is its apex: nothing to say
                notes.append(f"{x.where}: no apex; using the middle frame {apex}")
        ev = make_event(x.where, skipped, au_reader=au_reader, video_id=video_id, onset=x.onset, apex=apex,
                        offset=x.offset, face_id=x.face, emotion=x.emotion, aus=x.aus, coder=x.coder,
                        confidence=x.confidence, model_confidence=x.model_confidence, note=note,
                        source=source or x.meta.get("source", "imported"),
                        status="rejected" if x.rejected else x.meta.get("status", "accepted"),
                        model=meta_unescape(x.meta.get("model", "")))
        if ev is not None:
            events.append(ev)
    return events


# ------------------------------------------------------------------------ other tools' tiers (tier_coders)
# what a mapped tier holds: AU codes, emotions, "emotion | AUs", or the coder's apexes (an "Apex" tier, or a "Phase"
# tier's onset / apex / offset parts: an annotation inside one of the coder's events sets its apex)
TIER_ROLES = ("aus", "emotion", "event", "apex")
_ROLE_NAMES = {"aus": "aus", "au": "aus", "emotion": "emotion", "emotions": "emotion", "event": "event",
               "events": "event", "apex": "apex", "apexes": "apex", "phase": "apex", "phases": "apex"}
_PHASES = frozenset(("onset", "apex", "offset", "neutral", "phase"))  # the words of a phase tier's values
_OTHER_PHASES = frozenset(("onset", "offset", "neutral"))  # a phase tier's parts that are not the apex


def _role(tier: str, role: str) -> str:
    r = _ROLE_NAMES.get(role.strip().lower())
    if r is None:
        raise InputError(f"tier {quote(tier)}: unknown kind {quote(role)} (expected one of {', '.join(TIER_ROLES)})")
    return r


def split_tier_target(spec: str) -> tuple[str, str | None]:
    """``alice`` -> ("alice", None); ``alice:aus`` -> ("alice", "aus") (kinds: :data:`TIER_ROLES`, ``au`` and
    ``emotions`` too). A coder whose name holds ":" is written with its kind (``lab:alice:event``). InputError for
    a kind that is none of them."""
    coder, sep, role = spec.rpartition(":")
    if not sep:
        return spec.strip(), None
    return coder.strip(), _role(coder, role)


_FACE_SUFFIX = re.compile(r"^(?P<rest>.*):\s*face\s*(?P<face>\d{1,9})\s*$", re.IGNORECASE)


def split_tier_face(spec: str) -> tuple[str, int | None]:
    """``alice:aus:face1`` -> ("alice:aus", 1): a mapped tier's face, written last; ("alice:aus", None) without
    one (the tier's participant then chooses it: :func:`read_eaf`'s ``tier_faces``)."""
    m = _FACE_SUFFIX.match(spec)
    return (m.group("rest"), int(m.group("face"))) if m else (spec, None)


def _guess_role(tier: ET.Element) -> str:
    """``aus`` for a tier whose every value reads as AU codes (``12``, ``AU04``, ``6+12+25``); ``apex`` for one of
    phases (every value onset / apex / offset, an apex among them: a "Phase" or "Apex" tier); else ``event``."""
    values = [v.strip() for v in (a.findtext("ANNOTATION_VALUE") or "" for a in tier.findall("ANNOTATION/*"))
              if v.strip()]
    if values and all(read_aus(v).only_aus for v in values):
        return "aus"
    words = [set(_words(v)) for v in values]
    if words and all(w and w <= _PHASES for w in words) and any("apex" in w for w in words):
        return "apex"
    return "event"


def _words(value: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", value.casefold())


def _is_apex(value: str) -> bool:
    """Whether an annotation of an apex tier marks the apex: any value but another phase's (a Phase tier's
    ``onset`` / ``offset`` parts; ``apex``, a blank or a coder's own mark are the apex)."""
    words = set(_words(value))
    return "apex" in words or not words & _OTHER_PHASES


@dataclass(frozen=True)
class ForeignTier:
    """A tier of an ELAN file that is not in merstudio's scheme (``<coder>/event`` ...), for a user to map to a
    coder (:func:`foreign_tiers`): its id, annotation count (``aligned``: those with times, an import can read: its
    time-aligned ones, and the reference annotations of a child tier that take the times of the parent annotation
    they refer to), a few distinct sample values, its ``ANNOTATOR`` attribute, the kind :func:`_guess_role` tells
    from its values (``aus`` when every value reads as AU codes, else ``event``), and for a child tier of reference
    annotations (ELAN's Symbolic_Association / Symbolic_Subdivision: an "AU" tier under an "Expression" tier) the
    tier whose annotations give it times (``times_from``; '' for a tier with times of its own); its ``PARTICIPANT``
    and the face that participant's events go to (:func:`participant_faces`, without a project)."""

    tier: str
    count: int
    aligned: int
    samples: tuple[str, ...]
    annotator: str
    guessed_role: str
    times_from: str = ""
    participant: str = ""  # its PARTICIPANT attribute
    face: int = 0  # the face read_eaf puts its events on unless told otherwise (its participant's, else unnamed_face)


@dataclass(frozen=True)
class ElanTiers:
    """What :func:`foreign_tiers` found: the file's ``AUTHOR``, its other tools' tiers that hold annotations, and
    whether it also has tiers of merstudio's own scheme."""

    author: str
    tiers: tuple[ForeignTier, ...]
    has_own: bool
    participants: tuple[str, ...] = ()  # the PARTICIPANT names of all its tiers, in tier order


def foreign_tiers(path: str | os.PathLike[str] | EafDocument, samples: int = 4) -> ElanTiers:
    """The tiers of an ELAN file (or of its :class:`EafDocument`) that :func:`read_eaf` reports as unknown unless
    mapped (``tier_coders``), with their annotation counts and up to ``samples`` distinct values each; empty tiers
    (ELAN's ``default``) are left out, as read_eaf ignores them. InputError for a file that is no readable XML."""
    return parse_eaf(path).foreign(samples)


def _foreign_tiers(doc: EafDocument, samples: int) -> ElanTiers:
    root = doc.root
    out: list[ForeignTier] = []
    own = False
    index, tier_of = _annotation_index(root)
    memo: dict[int, ET.Element | str] = {}
    cv_entries = doc.vocabularies()[0]
    names = _participants(root.findall("TIER"))
    faces = participant_faces(names)
    for t in root.findall("TIER"):
        tid = t.get("TIER_ID", "")
        if _TIER_RX.match(tid) or t.get("LINGUISTIC_TYPE_REF") == LT_BEHAVIOUR:  # ours: read without a mapping
            own = True
            continue
        anns = t.findall("ANNOTATION")
        if not anns:
            continue
        aligned = len(t.findall("ANNOTATION/ALIGNABLE_ANNOTATION"))
        times_from = ""
        for a in t.findall("ANNOTATION/REF_ANNOTATION"):  # a child tier's: its parent annotation's times
            anc = _ancestor(a, index, memo)
            if not isinstance(anc, str) and anc.tag == "ALIGNABLE_ANNOTATION":
                aligned += 1
                times_from = times_from or tier_of.get(anc.get("ANNOTATION_ID") or "", "")
        entries = cv_entries.get(t.get("LINGUISTIC_TYPE_REF") or "", cv_entries[""])
        seen: list[str] = []
        for a in t.findall("ANNOTATION/*"):
            v = _ann_value(a, entries).strip()
            if v and v not in seen:
                seen.append(v)
                if len(seen) >= samples:
                    break
        out.append(ForeignTier(tier=tid, count=len(anns), aligned=aligned, samples=tuple(seen),
                               annotator=(t.get("ANNOTATOR") or "").strip(), guessed_role=_guess_role(t),
                               times_from=times_from, participant=(who := (t.get("PARTICIPANT") or "").strip()),
                               face=faces[who] if who else unnamed_face(faces)))
    return ElanTiers(author=(root.get("AUTHOR") or "").strip(), tiers=tuple(out), has_own=own,
                     participants=tuple(names))


@dataclass
class _Ann:
    """One annotation of an event tier, read (frames in the video, value split), before it becomes an event."""

    where: str
    tier: str
    role: str  # a mapped tier's aus / emotion / event; ours: a <coder>/event tier
    coder: str
    face: int
    onset: int
    apex: int | None  # None: no apex annotation
    offset: int
    emotion: str
    aus: str
    confidence: float | None
    meta: dict[str, str]
    rejected: bool
    apex_note: str = ""  # the coder's apex tiers named different apexes inside it (_annotation_frames)
    model_confidence: float | None = None  # the model's probability (its meta's model_confidence)


def _merge_mapped(anns: list[_Ann], notes: list[str], file: str) -> list[_Ann]:
    """One event per coding where a coder's AUs and emotions are on tiers of their own: each annotation of an AU
    tier joins the annotation of an emotion tier of the same coder and face with the same frames, or else the
    shortest one it lies inside (onset and offset within); the event keeps the emotion annotation's frames, apex
    and emotion, and takes the AUs of every AU annotation that joined it. An AU annotation inside none (or
    overlapping one only in part) stays an event of its own, without an emotion."""
    emo = [x for x in anns if x.role in ("emotion", "event") and not x.rejected]  # mapped tiers only
    aus = [x for x in anns if x.role == "aus" and not x.rejected]
    if not aus or not emo:
        return anns
    # per coder and face: emotion annotations by onset, the latest offset so far (a walk back stops where no
    # earlier annotation reaches), and by their frames: linear in the annotations for tiers without overlaps
    groups: dict[tuple[str, int], tuple[list[_Ann], list[int], list[int], dict[tuple[int, int], _Ann]]] = {}
    for e in sorted(emo, key=lambda e: (e.onset, e.offset)):
        g = groups.setdefault((e.coder, e.face), ([], [], [], {}))
        g[0].append(e)
        g[1].append(e.onset)
        g[2].append(max(e.offset, g[2][-1]) if g[2] else e.offset)
        g[3].setdefault((e.onset, e.offset), e)
    joined: dict[int, list[_Ann]] = {}  # id of the emotion annotation -> AU annotations
    partial: list[_Ann] = []
    for a in aus:
        found = groups.get((a.coder, a.face))
        if found is None:
            continue
        anns_, onsets, reach, exact = found
        target = exact.get((a.onset, a.offset))
        if target is None:
            j = bisect.bisect_right(onsets, a.onset) - 1  # the last one starting at or before it
            while j >= 0 and reach[j] >= a.offset:
                e = anns_[j]
                if e.offset >= a.offset and (target is None or e.offset - e.onset < target.offset - target.onset):
                    target = e
                j -= 1
        if target is None:
            hi = bisect.bisect_right(onsets, a.offset)  # those starting before it ends; one reaching into it?
            if hi and reach[hi - 1] >= a.onset:
                partial.append(a)
            continue
        joined.setdefault(id(target), []).append(a)
    if not joined:
        if partial:
            notes.append(f"{file}: {len(partial)} AU annotation(s) overlap an emotion annotation of their coder "
                         "without lying inside it: kept as events of their own")
        return anns
    gone = {id(a) for group in joined.values() for a in group}
    out = []
    for x in anns:
        if id(x) in gone:
            continue
        group = joined.get(id(x))
        if group:
            terms = [t for t in (x.aus, *(a.aus for a in sorted(group, key=lambda a: a.onset))) if t.strip()]
            x = _Ann(**{**x.__dict__, "aus": "+".join(terms)})
        out.append(x)
    tiers = sorted({a.tier for g in joined.values() for a in g})
    notes.append(f"{file}: {len(gone)} annotation(s) of AU tier(s) {name_list(tiers, 4)} merged into the "
                 f"{len(joined)} emotion annotation(s) of the same coder and face they lie in (one event each)")
    if partial:
        notes.append(f"{file}: {len(partial)} AU annotation(s) overlap an emotion annotation of their coder without "
                     "lying inside it: kept as events of their own")
    return out
