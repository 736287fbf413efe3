"""ELAN ``.eaf`` export: one video's events as an EAF 3.0 document in merstudio's tier scheme (see
merstudio.interchange.eaf, which reads it back and re-exports these names)."""

from __future__ import annotations

import datetime as _dt
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from merstudio.atomic import atomic_path
from merstudio.errors import InputError
from merstudio.interchange.common import MAX_MS_FPS, FrameClock, LinkedMedia, Media, file_name, foreign_path
from merstudio.interchange.eaf_media import _MIME, _media_url, _reachable, _relative_url
from merstudio.project.events import Event
from merstudio.xlsx import keep_carriage_returns, xml_text

EAF_VERSION = "3.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_URL = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
LT_EVENT, LT_APEX, LT_META = "merstudio-event", "merstudio-apex", "merstudio-meta"
# tier id: <coder>/<kind>[/face<k>][/<lane>]; the coder may itself contain "/"
_TIER_RX = re.compile(r"^(?P<coder>.*)/(?P<kind>rejected-apex|rejected-meta|rejected|event|apex|meta)(?:/face(?P<face>-?\d{1,9}))?(?:/(?P<lane>\d{1,9}))?$")


def tier_name(coder: str, kind: str = "event", face_id: int = 0, lane: int = 1) -> str:
    """The tier id for a coder's events (kind ``event``), apexes or metadata on one face and lane (kinds
    ``rejected``, ``rejected-apex``, ``rejected-meta``: the coder's rejected proposals)."""
    name = f"{coder}/{kind}"
    if face_id != 0 or lane > 1:
        name += f"/face{face_id}"
    if lane > 1:
        name += f"/{lane}"
    return name


@dataclass(frozen=True)
class _TierKey:
    coder: str
    face: int
    lane: int
    rejected: bool = False  # the rejected proposals' tiers, never the event tier


# ---------------------------------------------------------------------------------------------- export
def _meta_value(ev: Event) -> str:
    parts = []
    if ev.confidence is not None:
        parts.append(f"confidence={float(ev.confidence):.6g}")
    parts += [f"status={ev.status}", f"source={ev.source}"]
    # the model's probability, apart from the coder's confidence; on every model's event, empty where it has none,
    # so that a reader tells this file from one of before 2026-12-07 (the model's number in confidence there)
    if ev.model_confidence is not None or ev.source == "model":
        parts.append("model_confidence=" + ("" if ev.model_confidence is None else f"{float(ev.model_confidence):.6g}"))
    if ev.model:  # the checkpoint that proposed it ("starter.pt (sha ...)"): its provenance, read back (eaf._meta_model)
        parts.append(f"model={meta_escape(ev.model)}")
    if ev.note:
        parts.append(f"note={ev.note}")
    return "; ".join(parts)


def meta_escape(value: str) -> str:
    """A value of the meta tier's ``key=value; ...`` list other than the note (which is last and holds anything):
    its ``%`` and ``;`` as ``%25`` and ``%3B``, so a ``;`` in a checkpoint's name does not end it."""
    return value.replace("%", "%25").replace(";", "%3B")


def meta_unescape(value: str) -> str:
    """:func:`meta_escape` undone."""
    return value.replace("%3B", ";").replace("%25", "%")


def _lanes(events: Sequence[Event]) -> dict[_TierKey, list[Event]]:
    """Group by coder and face, then spread overlapping events over lanes (greedy, by onset)."""
    out: dict[_TierKey, list[Event]] = {}
    groups: dict[tuple[str, int, bool], list[Event]] = {}
    for e in events:
        groups.setdefault((e.coder, e.face_id, e.status == "rejected"), []).append(e)
    for (coder, face, rejected), evs in groups.items():
        ends: list[int] = []  # last offset per lane
        for e in sorted(evs, key=lambda e: (e.onset, e.offset, e.apex)):
            for i, end in enumerate(ends):
                if e.onset > end:
                    ends[i] = e.offset
                    lane = i + 1
                    break
            else:
                ends.append(e.offset)
                lane = len(ends)
            out.setdefault(_TierKey(coder, face, lane, rejected), []).append(e)
    return dict(sorted(out.items(), key=lambda kv: (kv[0].coder, kv[0].rejected, kv[0].face, kv[0].lane)))


# extra time-aligned tiers written after the event tiers (the project's behaviours): {tier id: (annotator,
# [(onset frame, offset frame (inclusive), value), ...] without overlaps)}; our import lists them as unknown tiers
ExtraTiers = Mapping[str, tuple[str, Sequence[tuple[int, int, str]]]]
LT_BEHAVIOUR = "merstudio-behaviour"
# a behaviour's tier (project.export.behaviour_tiers): "behaviour: <name> (<coder>)", then "/face<k>" for face k != 0
# as the event tiers name faces (two people's "gaze away" came back on one face), " #2" on a further lane; a file
# written before faces were named (no "/face") reads as face 0
BEHAVIOUR_TIER_RX = re.compile(r"^behaviour: (?P<name>.+) \((?P<coder>.*)\)(?:/face(?P<face>-?\d{1,9}))?"
                               r"(?: #(?P<lane>\d{1,9}))?$")


class BehaviourTierId(str):
    """A behaviour tier's id (:func:`behaviour_tier_name`) that also knows the behaviour's exact name: the writer
    keeps it in the file where the id cannot give it back (a "/", which the id writes as "-")."""

    behaviour: str


def behaviour_tier_name(name: str, coder: str, face_id: int = 0, lane: int = 1) -> str:
    """The tier id of a behaviour's events by one coder on one face and lane (:func:`behaviour_of_tier` reads it
    back); a "/" in the name is "-" (never read back as a ``<coder>/event`` tier): the id carries the exact name,
    which the writer keeps in a ``merstudio:behaviour:<tier id>`` property where the id loses it."""
    tid = f"behaviour: {name.replace('/', '-')} ({coder or 'unnamed'})"
    if face_id != 0:
        tid += f"/face{face_id}"
    out = BehaviourTierId(tid + (f" #{lane}" if lane > 1 else ""))
    out.behaviour = name
    return out


BEHAVIOUR_NAME_PROPERTY = "merstudio:behaviour:"  # + tier id: the behaviour's exact name, where the id loses it


def _behaviour_match(tid: str, annotator: str | None) -> re.Match[str] | None:
    """A behaviour tier's id split into its behaviour's name, face and lane (:func:`behaviour_of_tier`)."""
    m = None
    if annotator is not None:
        m = re.match(r"^behaviour: (?P<name>.+) \(" + re.escape(annotator or "unnamed")
                     + r"\)(?:/face(?P<face>-?\d{1,9}))?(?: #(?P<lane>\d{1,9}))?$", tid)
    return m or BEHAVIOUR_TIER_RX.match(tid)


def behaviour_of_tier(tid: str, annotator: str | None, exact: str | None = None) -> tuple[str, int] | None:
    """(behaviour name, face) of a behaviour tier's id, None where it is none. The coder is the tier's ANNOTATOR
    (a coder named nothing is "unnamed" in the id): " (<annotator>)" and the "/face<k>" and " #<n>" after it are cut
    from the end, so a " (" in the coder's name or the behaviour's stays where it belongs ("smile (Anna (RA))" split
    at the last " (" read the behaviour "smile (Anna"). ``exact``: the name the file keeps for the tier (else the
    name the id gives). A tier without an ANNOTATOR (or one its id does not end with) is read by BEHAVIOUR_TIER_RX."""
    m = _behaviour_match(tid, annotator)
    if m is None:
        return None
    return (exact if exact is not None else m.group("name").strip()), int(m.group("face") or 0)


def eaf_tree(events: Iterable[Event], media: Media, eaf_path: str | os.PathLike[str] | None = None,
             author: str = "merstudio", extra_tiers: ExtraTiers | None = None) -> ET.ElementTree:
    """The EAF 3.0 document for one video's events (see the module docstring for the tier scheme), plus
    ``extra_tiers`` (type ``merstudio-behaviour``: ids ``behaviour: <exact name> (<coder>)``, as
    :func:`behaviour_tier_name` or by hand; the file keeps the exact name, :func:`_behaviours_as_written`)."""
    extra, behaviour_names = _behaviours_as_written(extra_tiers or {})
    clock = media.clock("eaf export")
    if clock.fps > MAX_MS_FPS:
        raise InputError(f"{media.name or 'eaf export'}: {clock.fps:g} fps is above 1000 fps; ELAN's millisecond "
                         "time slots cannot tell such frames apart")
    evs = [e.validated() for e in events]
    lanes = _lanes(evs)
    values = _slot_values(evs, extra, clock)
    origin = eaf_time_origin(media, values)
    root = ET.Element("ANNOTATION_DOCUMENT", {
        "AUTHOR": author, "DATE": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "FORMAT": EAF_VERSION, "VERSION": EAF_VERSION, f"{{{XSI}}}noNamespaceSchemaLocation": SCHEMA_URL})
    n_ann = sum(len(v) for v in lanes.values()) * 3 + sum(len(spans) for _, spans in extra.values())
    _header(root, media, eaf_path, clock, origin, n_ann, behaviour_names)
    slot = _time_order(root, values, origin)
    aid = _event_tiers(root, lanes, slot, clock, dict(media.face_names))
    _behaviour_tiers(root, extra, slot, clock, aid, dict(media.face_names))
    _types_and_constraints(root, bool(extra))
    ET.indent(root, space="    ")
    _xml_safe(root)
    return ET.ElementTree(root)


def _slot_values(evs: Sequence[Event], extra: ExtraTiers, clock: FrameClock) -> list[int]:
    """The time slots' values: one per distinct ms value, in time order (ELAN's own files number them in order).
    They are the video's times; the header's media offset (ELAN's TIME_ORIGIN) is taken from them when written."""
    return sorted({clock.ms(f) for e in evs for f in (e.onset, e.offset + 1, e.apex, e.apex + 1)}
                  | {clock.ms(f) for _, spans in extra.values() for a, b, _v in spans for f in (a, b + 1)})


def _video_attrs(media: Media, eaf_path: str | os.PathLike[str] | None, origin: int) -> dict[str, str]:
    """The video's MEDIA_DESCRIPTOR: its absolute URL (``media.url``, as an imported .eaf wrote it, where given),
    its MIME type (as an imported .eaf wrote it: an audio file's stays audio; else ELAN's for its extension), a
    relative URL where one reaches it from the .eaf (else the one an imported .eaf gave it), and its media offset
    when it has one."""
    mp: Path | str = media.path if foreign_path(media.path) else Path(media.path)
    if isinstance(mp, Path) and not mp.is_absolute() and eaf_path is not None:
        mp = Path(eaf_path).parent / mp  # a bare name (a BORIS table names only the file): beside the .eaf
    # the URL the imported .eaf gave this very media, verbatim where the media is not here: re-deriving it from the
    # decoded path rewrote "Stefan%2CSchnell" as "Stefan,Schnell" (another path for ELAN); one that is here has
    # its own URL
    here = isinstance(mp, Path) and mp.exists()
    attrs = {"MEDIA_URL": media.url if media.url and not here else _media_url(mp),
             "MIME_TYPE": media.mime or _MIME.get(Path(file_name(str(mp))).suffix.lower(), "video/*")}
    # the media named by its name alone lies beside the .eaf; one elsewhere keeps the relative URL the
    # imported .eaf gave it where no relative URL from here reaches it
    near = isinstance(mp, Path) and not Path(media.path).is_absolute()
    rel = (_relative_url(mp, eaf_path) if near or _reachable(mp, eaf_path) else media.relative or None) \
        if eaf_path is not None else None
    if rel:
        attrs["RELATIVE_MEDIA_URL"] = rel
    if origin:
        attrs["TIME_ORIGIN"] = str(origin)
    return attrs


def _linked_attrs(lm: LinkedMedia, eaf_path: str | os.PathLike[str] | None) -> dict[str, str]:
    """The MEDIA_DESCRIPTOR of another media file an imported .eaf linked (an extracted .wav), kept as it was,
    with a relative URL where one reaches it from the .eaf written now."""
    attrs = {"MEDIA_URL": lm.url, "MIME_TYPE": lm.mime or "unknown"}
    rel = _relative_url(lm.location, eaf_path) if eaf_path is not None and _reachable(lm.location, eaf_path) \
        else None
    if rel:
        attrs["RELATIVE_MEDIA_URL"] = rel
    for name, value in (("TIME_ORIGIN", lm.time_origin), ("EXTRACTED_FROM", lm.extracted_from)):
        if value:
            attrs[name] = value
    return attrs


def _behaviours_as_written(extra: ExtraTiers) -> tuple[dict[str, tuple[str, Sequence[tuple[int, int, str]]]],
                                                        dict[str, str]]:
    """The behaviour tiers as the file holds them, and {tier id: behaviour name} of those whose id does not give
    their behaviour's exact name back (a "/" in it), which the HEADER keeps (a tier has no attribute for it:
    ANNOTATOR is the coder, PARTICIPANT the face). The one place this is settled, whoever built the tiers: an id of
    :func:`behaviour_tier_name` knows its name; any other id is taken as giving the exact name, a "/" in it written
    "-" as the scheme has it (a caller's own "behaviour: head/turn (bob)" was written as it came, without the
    property the app's "head/turn" gets), unless another tier has that id already (then as it came, which reads
    back the same)."""
    out: dict[str, tuple[str, Sequence[tuple[int, int, str]]]] = {}
    names: dict[str, str] = {}
    for tid, (annotator, spans) in extra.items():
        name: str | None = getattr(tid, "behaviour", None)
        written = tid
        m = _behaviour_match(tid, annotator) if name is None else None
        if m is not None and "/" in m.group("name"):
            name = m.group("name").strip()
            dashed = tid[:m.start("name")] + m.group("name").replace("/", "-") + tid[m.end("name"):]
            if dashed not in extra and dashed not in out:
                written = dashed
        got = behaviour_of_tier(written, annotator)
        if name is not None and (got is None or got[0] != name):
            names[written] = name
        out[written] = (annotator, spans)
    return out, names


def _header(root: ET.Element, media: Media, eaf_path: str | os.PathLike[str] | None, clock: FrameClock,
            origin: int, n_ann: int, behaviour_names: Mapping[str, str] | None = None) -> None:
    """The HEADER: the media descriptors (the video first, then the other media it came with), the properties
    a reader checks the frames by (``merstudio:fps``, ``merstudio:frame_rule``, ``merstudio:frame_count``) and the
    exact names of behaviours their tiers' ids do not give back (``merstudio:behaviour:<tier id>``)."""
    header = ET.SubElement(root, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
    if media.path:
        ET.SubElement(header, "MEDIA_DESCRIPTOR", _video_attrs(media, eaf_path, origin))
    for lm in media.linked:  # the other media an imported .eaf linked (an extracted .wav): kept
        ET.SubElement(header, "MEDIA_DESCRIPTOR", _linked_attrs(lm, eaf_path))
    ET.SubElement(header, "PROPERTY", {"NAME": "merstudio:fps"}).text = repr(float(clock.fps))
    ET.SubElement(header, "PROPERTY", {"NAME": "merstudio:frame_rule"}).text = clock.rule
    if media.frame_count is not None:
        ET.SubElement(header, "PROPERTY", {"NAME": "merstudio:frame_count"}).text = str(int(media.frame_count))
    for tid, name in (behaviour_names or {}).items():
        ET.SubElement(header, "PROPERTY", {"NAME": BEHAVIOUR_NAME_PROPERTY + tid}).text = name
    ET.SubElement(header, "PROPERTY", {"NAME": "lastUsedAnnotationId"}).text = str(n_ann)


def _time_order(root: ET.Element, values: Sequence[int], origin: int) -> dict[int, str]:
    """The TIME_ORDER (each value less the media offset, as ELAN stores it); {ms value: time slot id}."""
    slot = {v: f"ts{i + 1}" for i, v in enumerate(values)}
    order = ET.SubElement(root, "TIME_ORDER")
    for v in values:
        ET.SubElement(order, "TIME_SLOT", {"TIME_SLOT_ID": slot[v], "TIME_VALUE": str(v - origin)})
    return slot


def _aligned(tier: ET.Element, aid: int, start: str, end: str, value: str) -> None:
    """A time-aligned annotation ``a<aid>`` on ``tier`` from slot ``start`` to slot ``end``."""
    ann = ET.SubElement(ET.SubElement(tier, "ANNOTATION"), "ALIGNABLE_ANNOTATION", {
        "ANNOTATION_ID": f"a{aid}", "TIME_SLOT_REF1": start, "TIME_SLOT_REF2": end})
    ET.SubElement(ann, "ANNOTATION_VALUE").text = value


def _event_tiers(root: ET.Element, lanes: Mapping[_TierKey, list[Event]], slot: Mapping[int, str],
                 clock: FrameClock, face_names: Mapping[int, str] | None = None) -> int:
    """Per coder, face and lane an event tier (``rejected`` for rejected proposals) with its apex and meta child
    tiers after it; each event is three annotations (a<n>: the event, a<n+1>: its apex, a<n+2>: its meta,
    referring to the event). A face named in ``face_names`` (an imported file's PARTICIPANT) has it on its tiers.
    Returns the last annotation id used."""
    aid = 0
    for key, tier_events in lanes.items():
        pre = "rejected" if key.rejected else ""
        who = {"PARTICIPANT": name} if (name := (face_names or {}).get(key.face)) else {}
        ev_tier = ET.SubElement(root, "TIER", {"LINGUISTIC_TYPE_REF": LT_EVENT, "ANNOTATOR": key.coder, **who,
                                               "TIER_ID": tier_name(key.coder, pre or "event", key.face, key.lane)})
        apex_tier = ET.Element("TIER", {"LINGUISTIC_TYPE_REF": LT_APEX, "ANNOTATOR": key.coder, **who,
                                        "PARENT_REF": ev_tier.get("TIER_ID", ""),
                                        "TIER_ID": tier_name(key.coder, f"{pre}-apex" if pre else "apex", key.face,
                                                             key.lane)})
        meta_tier = ET.Element("TIER", {"LINGUISTIC_TYPE_REF": LT_META, "ANNOTATOR": key.coder, **who,
                                        "PARENT_REF": ev_tier.get("TIER_ID", ""),
                                        "TIER_ID": tier_name(key.coder, f"{pre}-meta" if pre else "meta", key.face,
                                                             key.lane)})
        for e in tier_events:
            aid += 1
            ev_id = f"a{aid}"
            _aligned(ev_tier, aid, slot[clock.ms(e.onset)], slot[clock.ms(e.offset + 1)], f"{e.emotion} | {e.aus}")
            aid += 1
            _aligned(apex_tier, aid, slot[clock.ms(e.apex)], slot[clock.ms(e.apex + 1)], "apex")
            aid += 1
            ann = ET.SubElement(ET.SubElement(meta_tier, "ANNOTATION"), "REF_ANNOTATION", {
                "ANNOTATION_ID": f"a{aid}", "ANNOTATION_REF": ev_id})
            ET.SubElement(ann, "ANNOTATION_VALUE").text = _meta_value(e)
        root.append(apex_tier)
        root.append(meta_tier)
    return aid


def _behaviour_tiers(root: ET.Element, extra: ExtraTiers, slot: Mapping[int, str], clock: FrameClock,
                     aid: int, face_names: Mapping[int, str] | None = None) -> None:
    """The ``extra_tiers`` of :func:`eaf_tree` after the event tiers, their annotations numbered on from ``aid``. A
    behaviour tier of a face named in ``face_names`` has its PARTICIPANT, as that face's event tiers do."""
    for tier_id, (annotator, spans) in extra.items():
        got = behaviour_of_tier(tier_id, annotator)
        name = (face_names or {}).get(got[1]) if got else None
        tier = ET.SubElement(root, "TIER", {"LINGUISTIC_TYPE_REF": LT_BEHAVIOUR, "ANNOTATOR": annotator,
                                            **({"PARTICIPANT": name} if name else {}), "TIER_ID": tier_id})
        for a, b, value in sorted(spans):
            aid += 1
            _aligned(tier, aid, slot[clock.ms(a)], slot[clock.ms(b + 1)], value)


def _types_and_constraints(root: ET.Element, behaviours: bool) -> None:
    """The linguistic types of the tiers (the behaviours' only where there are some) and the four constraint
    stereotypes every ELAN file declares."""
    ET.SubElement(root, "LINGUISTIC_TYPE", {"LINGUISTIC_TYPE_ID": LT_EVENT, "TIME_ALIGNABLE": "true",
                                            "GRAPHIC_REFERENCES": "false"})
    if behaviours:
        ET.SubElement(root, "LINGUISTIC_TYPE", {"LINGUISTIC_TYPE_ID": LT_BEHAVIOUR, "TIME_ALIGNABLE": "true",
                                                "GRAPHIC_REFERENCES": "false"})
    ET.SubElement(root, "LINGUISTIC_TYPE", {"LINGUISTIC_TYPE_ID": LT_APEX, "TIME_ALIGNABLE": "true",
                                            "CONSTRAINTS": "Included_In", "GRAPHIC_REFERENCES": "false"})
    ET.SubElement(root, "LINGUISTIC_TYPE", {"LINGUISTIC_TYPE_ID": LT_META, "TIME_ALIGNABLE": "false",
                                            "CONSTRAINTS": "Symbolic_Association", "GRAPHIC_REFERENCES": "false"})
    for st, desc in (("Time_Subdivision", "Time subdivision of parent annotation's time interval, no time gaps "
                                          "allowed within this interval"),
                     ("Symbolic_Subdivision", "Symbolic subdivision of a parent annotation. Annotations refering "
                                              "to the same parent are ordered"),
                     ("Symbolic_Association", "1-1 association with a parent annotation"),
                     ("Included_In", "Time alignable annotations within the parent annotation's time interval, "
                                     "gaps are allowed")):
        ET.SubElement(root, "CONSTRAINT", {"STEREOTYPE": st, "DESCRIPTION": desc})


def _xml_safe(root: ET.Element) -> None:
    """Notes, coder and emotion names: what XML cannot hold (a control character) made safe, in every text and
    attribute of the document."""
    for el in root.iter():
        if el.text:
            el.text = xml_text(el.text)
        for attr, val in el.attrib.items():
            el.set(attr, xml_text(val))


def eaf_time_origin(media: Media, values: Iterable[int]) -> int:
    """The media offset (TIME_ORIGIN) an export writes: the video's (``media.time_origin``), unless an event starts
    before it (ELAN has no negative times): then 0, the annotation times being the video's own."""
    origin = int(media.time_origin)
    return origin if origin and all(v - origin >= 0 for v in values) else 0


def write_eaf(events: Iterable[Event], path: str | os.PathLike[str], media: Media,
              author: str = "merstudio", extra_tiers: ExtraTiers | None = None) -> Path:
    """Write one video's events (and ``extra_tiers``) as an ELAN 3.0 file (atomically). Returns the path."""
    tree = eaf_tree(events, media, path, author, extra_tiers)
    ET.register_namespace("xsi", XSI)
    with atomic_path(path) as tmp:
        tree.write(tmp, encoding="UTF-8", xml_declaration=True)
        tmp.write_bytes(keep_carriage_returns(tmp.read_bytes()))  # a note's CRLF comes back as written
    return Path(path)

