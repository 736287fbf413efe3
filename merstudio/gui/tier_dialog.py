"""Map ELAN tiers: an ELAN file whose tiers are not merstudio's (``<coder>/event``; a colleague's "Emotion" and
"AU" tiers) is read by saying, for each tier, whose coding it is and what it holds (the app's form of
``merstudio convert --tier AU=alice:aus --tier Emotion=alice:emotion``). The dialog is built and read without
``exec`` (tests set its widgets and call :meth:`TierMapDialog.mapping`); ``ImportEvents.ask`` runs it."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from merstudio.gui.look import ERROR_COLOUR, TITLE_BAR, fit_screen, on_window
from merstudio.gui.numbers import WholeBox, unread_line
from merstudio.gui.plain_text import escaped, literal_tip, menu_text
from merstudio.names import fold_name, name_sort_key

__all__ = ["EMOTION_WORDS", "ROLE_LABELS", "TierMapDialog", "coder_clashes", "looks_coded", "memory_key",
           "prefill", "remembered_face", "remembered_value"]

# what a mapped tier holds (read_eaf's tier_roles), as the dialog names it
ROLE_LABELS = {"emotion": "emotion", "aus": "AUs (AU codes)", "event": "emotion | AUs",
               "apex": "apex"}
# the word for emotion in the languages coders write (fr/de/es/it/pt; Chinese 情绪 / 情感 emotion, 表情
# expression), any case; a word's ends are those of letters in any script ("Zoë_Émotion")
_EMO = (r"[ée]motions?|emo|affect|expressions?|feelings?|emoci[oó]n(?:es)?|emozion[ei]|gef[uü]hle?|emo[cç][aã]o|"
        r"emo[cç][oõ]es|sentiments?|affekte?")
_CJK_EMOTION = "情绪|情感|情緒|表情"
_EMOTION_WORD = re.compile(rf"(?i)((?<![^\W_])(?:{_EMO})(?![^\W_])|{_CJK_EMOTION})")
_APEX_WORD = re.compile(r"(?i)(?<![a-z0-9])(apex|apexes|apices)(?![a-z0-9])")  # a Phase tier: told by its values
_AU_WORD = re.compile(r"(?i)(?<![a-z0-9])(aus?|facs|action[ _-]?units?)(?![a-z0-9])")
_ROLE_WORDS = re.compile(rf"(?i)((?<![^\W_])(?:{_EMO}|aus?|facs|action[ _-]?units?|events?|codings?|codes?|"
                         rf"annotations?|tiers?|apex|apexes|phases?)(?![^\W_])|{_CJK_EMOTION})")
_ME_WORD = re.compile(r"(?<![A-Za-z0-9])(MEs?|(?i:micro[ _-]?expressions?))(?![A-Za-z0-9])")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)  # "É" as one character, as the patterns spell it


def fold(text: str) -> str:
    """``text`` without case or accents (``Émotion`` -> ``emotion``, ``Ärger`` -> ``arger``), as names and
    values are compared here."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


# values that read as emotion labels (the label sets of the datasets, a few common synonyms; the basic emotions in
# German, French, Spanish, Italian, Portuguese and Chinese), folded: a tier of them is ticked at first
EMOTION_WORDS = frozenset(fold(w) for w in (
    "happiness", "happy", "joy", "sadness", "sad", "surprise", "surprised", "fear", "fearful", "anger", "angry",
    "disgust", "disgusted", "contempt", "repression", "tense", "others", "other", "positive", "negative",
    "neutral",
    # de
    "Freude", "Glück", "Fröhlichkeit", "Trauer", "Traurigkeit", "Überraschung", "Angst", "Furcht", "Ärger", "Wut",
    "Zorn", "Ekel", "Abscheu", "Verachtung", "Anspannung", "Unterdrückung", "Andere", "positiv", "negativ",
    # fr
    "joie", "bonheur", "tristesse", "peur", "colère", "dégoût", "mépris", "autre", "autres", "positif", "négatif",
    "neutre",
    # es / it / pt
    "alegría", "felicidad", "tristeza", "sorpresa", "miedo", "ira", "enojo", "enfado", "asco", "desprecio",
    "otro", "otros", "positivo", "negativo", "felicità", "gioia", "tristezza", "paura", "rabbia", "disgusto",
    "disprezzo", "alegria", "felicidade", "surpresa", "medo", "raiva", "nojo", "desprezo",
    # zh (simplified and traditional)
    "高兴", "快乐", "开心", "幸福", "悲伤", "伤心", "难过", "惊讶", "吃惊", "恐惧", "害怕", "愤怒", "生气", "厌恶",
    "轻蔑", "蔑视", "压抑", "紧张", "其他", "积极", "消极", "中性", "高興", "快樂", "悲傷", "驚訝", "憤怒", "厭惡",
    "輕蔑", "壓抑", "緊張"))
MEMORY_PREFIX = "elan_tiers:"
TIER_CHARS = 30  # about the most characters of a tier's name shown in its row (the rest elided, whole on hover)


def memory_key(tiers: Any) -> str:
    """The project setting that remembers the mapping of a file with these (foreign) tier names."""
    return MEMORY_PREFIX + json.dumps(sorted(tiers), ensure_ascii=False)


def remembered_value(tiers: Any, tier_coders: dict[str, str], tier_roles: dict[str, str],
                     info: Any = None, tier_faces: dict[str, int] | None = None) -> dict[str, Any]:
    """``{tier: {"coder", "role", "named"[, "face", "participant"]} | None}`` (None: left out) for
    :func:`memory_key`'s setting; ``named``: whom the file (``info``: foreign_tiers') named as the tier's coder, so
    that the same person's files are given the coder chosen for them again (Dana renamed Eve), while another
    person's file keeps its own name. ``face``: a face the user gave the tier (``tier_faces``: only those changed
    from the participant rule), kept with the ``participant`` the file named then (:func:`remembered_face`)."""
    named = {t.tier: _file_coder(info, t) for t in info.tiers} if info is not None else {}
    who = {t.tier: str(getattr(t, "participant", "") or "") for t in info.tiers} if info is not None else {}
    out: dict[str, Any] = {}
    for t in sorted(tiers):
        if t not in tier_coders:
            out[t] = None
            continue
        out[t] = {"coder": tier_coders[t], "role": tier_roles.get(t, ""), "named": named.get(t, "")}
        face = (tier_faces or {}).get(t)
        if isinstance(face, int) and not isinstance(face, bool) and face >= 0:
            out[t].update(face=face, participant=who.get(t, ""))
    return out


def remembered_face(tier: Any, remembered: dict[str, Any] | None) -> int | None:
    """The face the user gave this tier when a file with these tiers was imported before, where the file names the
    participant it named then (any case; nobody then and now too): another person's tier starts from the
    participant rule. None: none remembered (or a damaged record)."""
    got = (remembered or {}).get(tier.tier)
    if not isinstance(got, dict):
        return None
    face = got.get("face")
    if isinstance(face, bool) or not isinstance(face, int) or face < 0:
        return None
    then = fold_name(str(got.get("participant") or ""))
    return face if then == fold_name(str(getattr(tier, "participant", "") or "")) else None


def _renamed(info: Any, tier: Any, got: dict[str, Any]) -> bool:
    """The remembered coder applies to this tier: the file names nobody, or names whom it named when the coder was
    chosen (the same person's file again)."""
    named = _file_coder(info, tier)
    return not named or fold_name(named) == fold_name(str(got.get("named") or ""))


_NAME_SEPARATORS = re.compile(r"[\s_\-./:|()\[\]]+")
NAME_WORDS = 2  # the most words a tier name's rest may have to be read as a person's name ("Alice Smith")


def _words(text: str) -> list[str]:
    return [w for w in _NAME_SEPARATORS.split(fold_name(text)) if w]


def _coder_from_name(tier: str) -> str:
    """``Alice_emotions`` / ``AU-Bob`` -> ``Alice`` / ``Bob``; ``AU`` / ``Emotion`` -> '' (the name says what, not
    who). '' too where the words of what it holds stand between other words: the rest is a description
    (``Dana_emotions_and_expressions_of_the_participant``), not a name; or where it is more than a name's words
    (``Emotions of the participant``)."""
    pieces = [p.strip(" _-./:|()[]") for p in _ROLE_WORDS.split(tier)[::2]]  # the text between the role words
    rest = [p for p in pieces if p]
    if len(rest) != 1 or len(_words(rest[0])) > NAME_WORDS:
        return ""
    return " ".join(rest[0].split())


def prefill(info: Any, remembered: dict[str, Any] | None = None) -> dict[str, tuple[bool, str, str]]:
    """Per tier: (import it, coder, role). The coder is the tier's ANNOTATOR, else the file's AUTHOR where the
    tier's name holds it, else the name less words of what it holds where that leaves a name (``Alice_emotions``),
    else the AUTHOR (:func:`_default_coder`); what it holds comes from the reader's look at its values
    (every value AU codes: AUs) or its name (``Emotion``, ``AU``). Remembered choices for this set of tiers give
    the tick and the role, and the coder where the file names nobody (no ANNOTATOR, no AUTHOR) or names the person
    it named when that coder was chosen (a coder renamed on import stays renamed): the same tier names from
    another coder's file (the agreement workflow) keep that coder (:func:`coder_clashes`).
    Ticked at first: a tier with times whose name or values say it holds emotions or AUs (:func:`looks_coded`),
    or any tier of short values in a file with one or two such tiers; a file that also has merstudio's own tiers
    starts with its other tiers left out."""
    out: dict[str, tuple[bool, str, str]] = {}
    few = len(info.tiers) <= 2
    for t in info.tiers:
        role = t.guessed_role
        if role not in ("aus", "apex"):
            role = "emotion" if _EMOTION_WORD.search(_nfc(t.tier)) else "aus" if _AU_WORD.search(t.tier) else \
                "apex" if _APEX_WORD.search(t.tier) else "event"
        coder = _default_coder(info, t)
        # ticked: the name or values say emotions / AUs; in a file of one or two tiers, any of short values (a
        # "Transcript" of sentences is left out); a file with tiers of our own: its other tiers are left out
        short = all(len(v) <= 30 for v in t.samples)
        on = bool(t.aligned) and not info.has_own and (looks_coded(t) or (few and short))
        if remembered and t.tier in remembered:
            got = remembered[t.tier]
            on = bool(got) and bool(t.aligned)
            if got:
                if _renamed(info, t, got):  # the file names nobody, or the person it named then: as remembered
                    coder = str(got.get("coder") or coder)
                role = got.get("role") if got.get("role") in ROLE_LABELS else role
        out[t.tier] = (on, coder, role)
    _one_apex_tier(info, out, remembered)
    # a tier whose ticked child tiers (ELAN's Symbolic_Association: "AU", "Emotion" under "Expression") take their
    # times from it starts left out: its children hold the coding, and it would make a second event of each one
    for t in info.tiers:
        parent = getattr(t, "times_from", "")
        if parent in out and out[t.tier][0] and not (remembered and parent in remembered):
            out[parent] = (False, *out[parent][1:])
    return out


def _one_apex_tier(info: Any, out: dict[str, tuple[bool, str, str]], remembered: dict[str, Any] | None) -> None:
    """At most one apex tier of a coder starts ticked (two would each put an apex in the same events, which the
    import refuses): the one whose name says apex, else the first; not where the choice was remembered."""
    chosen: dict[str, str] = {}
    apexes = [t.tier for t in info.tiers if out[t.tier][0] and out[t.tier][2] == "apex"
              and not (remembered and t.tier in remembered)]
    named = sorted(apexes, key=lambda t: not re.search(r"(?i)apex", t))  # stable: file order among equals
    for tier in named:
        on, coder, role = out[tier]
        if fold_name(coder) in chosen:
            out[tier] = (False, coder, role)
        else:
            chosen[fold_name(coder)] = tier


def looks_coded(tier: Any) -> bool:
    """A tier whose name says it holds emotions (in the languages coders write: ``Émotion``, ``Gefühl``,
    ``情绪``), expressions, AUs, FACS, MEs or apexes, or whose values are all AU codes, phases or emotion words
    (``happiness``, ``surprise``, ``Freude``, ``colère``, ``高兴``, ``happiness | 6+12`` ...): ticked at first."""
    if _EMOTION_WORD.search(_nfc(tier.tier)) or _AU_WORD.search(tier.tier) or _ME_WORD.search(tier.tier):
        return True
    if tier.guessed_role in ("aus", "apex") or _APEX_WORD.search(tier.tier):
        return True
    values = [fold(v.split("|")[0].strip()) for v in tier.samples]
    return bool(values) and all(v in EMOTION_WORDS for v in values)


def _default_coder(info: Any, tier: Any) -> str:
    """The tier's ANNOTATOR; else the file's AUTHOR where the tier's name holds it as a word
    (``Dana_emotions_and_expressions_of_the_participant`` by Dana: Dana); else its name less words of what it holds
    where that leaves a name (``Alice_emotions``: :func:`_coder_from_name`); else the AUTHOR."""
    author = str(info.author or "").strip()
    if tier.annotator:
        return str(tier.annotator)
    if author and _within(_words(author), _words(tier.tier)):
        return author
    named = _ROLE_WORDS.search(tier.tier) is not None  # "Alice_emotions": the rest of the name is the coder
    return (_coder_from_name(tier.tier) if named else "") or author


def _within(part: list[str], whole: list[str]) -> bool:
    """``part``'s words stand together, in order, among ``whole``'s."""
    n = len(part)
    return n > 0 and any(whole[i:i + n] == part for i in range(len(whole) - n + 1))


def _file_coder(info: Any, tier: Any) -> str:
    """Whom the file itself names as the tier's coder: its ANNOTATOR, else the file's AUTHOR ('' for nobody)."""
    return str(tier.annotator or info.author or "")


def coder_clashes(info: Any, remembered: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """``(tier, remembered coder, the coder the file names)`` where these differ: the file's name was used."""
    out: list[tuple[str, str, str]] = []
    for t in info.tiers:
        got = (remembered or {}).get(t.tier)
        if not got or not got.get("coder") or _renamed(info, t, got):
            continue
        filled = _default_coder(info, t) if _file_coder(info, t) else ""
        if filled and fold_name(filled) != fold_name(str(got["coder"])):
            out.append((t.tier, str(got["coder"]), filled))
    return out


class TierMapDialog(QDialog):
    """One row per tier of the file that is not ours: ticked (import it) or left out, with its annotation count
    and a few values, the coder whose events it holds (editable), what it holds (emotion, AUs, or our
    ``emotion | AUs``) and the face its events are on (its PARTICIPANT's at first: one person's AUs never join
    another's emotion). :meth:`mapping` gives read_eaf's ``tier_coders`` and ``tier_roles``, :meth:`faces` its
    ``tier_faces``."""

    def __init__(self, info: Any, file_name: str, remembered: dict[str, Any] | None = None,
                 parent: Any = None, known_faces: dict[int, str] | None = None) -> None:
        super().__init__(parent)
        # each participant's face as the import will place it: a name earlier imports into the video gave a face
        # keeps it (known_faces), the others the next free ones in the file's tier order
        from merstudio.interchange.eaf import participant_faces, unnamed_face

        self.participant_face = participant_faces(getattr(info, "participants", ()), known_faces)
        nobody = unnamed_face(self.participant_face, known_faces)  # a tier naming no participant: nobody's face
        known_names = {fold_name(n) for n in (known_faces or {}).values()}
        self.setWindowTitle(f"Map ELAN tiers: {file_name}")
        self.info = info
        self.from_memory = bool(remembered)
        own = (" It also has tiers of merstudio's own (<coder>/event); those are read as always."
               if info.has_own else "")
        self.head = QLabel(
            f"<b>{escaped(file_name)}</b> has tiers that are not merstudio's (<i>coder</i>/event).{own} For each "
            "tier, say whose coding it is, what it holds and whose face it codes; untick a tier to leave it out. One "
            "coder's AU and emotion tiers of the same face make one event per coding: an AU annotation joins the "
            "emotion annotation it lies in, and an apex tier's annotation (a Phase tier's 'apex' part) sets its apex. "
            f"{_faces_said(info, self.participant_face)}The import preview comes next; nothing is written before "
            "you confirm it.", self)
        self.head.setWordWrap(True)
        self.head.setTextFormat(Qt.TextFormat.RichText)
        note = "Filled in as you mapped these tiers the last time in this project."
        self.clashes = coder_clashes(info, remembered)
        if self.clashes:  # the same tier names from another coder's file: the file's coder, said so
            said = sorted({(old, new) for _, old, new in self.clashes},  # coders as people read them
                          key=lambda p: (name_sort_key(p[0]), name_sort_key(p[1])))
            note += (" The coder is the one this file names (its ANNOTATOR / AUTHOR): "
                     + "; ".join(f"{new}, not {old} as remembered" for old, new in said[:3])
                     + ("; …" if len(said) > 3 else "") + ".")
        self.memory_note = QLabel(note, self)
        self.memory_note.setWordWrap(True)
        self.memory_note.setStyleSheet(f"color: {on_window(self, '#2e7d32')}")  # a green, read on any theme
        self.memory_note.setVisible(self.from_memory)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        for col, text in enumerate(("Import tier", "Annotations", "Values (first few)", "Coder", "Holds", "Face")):
            lab = QLabel(f"<b>{text}</b>", self)
            grid.addWidget(lab, 0, col)
        self.rows: dict[str, tuple[QCheckBox, QLineEdit, QComboBox]] = {}
        self.face_boxes: dict[str, WholeBox] = {}
        self.prefilled_faces: dict[str, int] = {}  # each row's face by the participant rule (faces(): the others)
        filled = prefill(info, remembered)
        name_px = self.fontMetrics().horizontalAdvance("x") * TIER_CHARS
        for r, t in enumerate(info.tiers, start=1):
            on, coder, role = filled[t.tier]
            # a long name is cut in its middle (its start and end tell tiers apart), whole on hover: at its length
            # it pushed the coder and "Holds" columns past the dialog's edge
            box = QCheckBox(menu_text(self.fontMetrics().elidedText(t.tier, Qt.TextElideMode.ElideMiddle, name_px)), self)
            box.setToolTip(literal_tip(t.tier))  # the file's names and values as written, never markup
            box.setAccessibleName(f"import tier {t.tier}")  # the whole name: a reader hears no "…"
            box.setChecked(on)
            count = QLabel(f"{t.count:,}", self)
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            parent = getattr(t, "times_from", "")
            shown = (f"{_samples(t.samples, 28)} (times of its parent {_clip(parent, 24)})" if t.aligned and parent
                     else _samples(t.samples) if t.aligned else "no times of its own: cannot be imported")
            values = QLabel(shown, self)
            values.setTextFormat(Qt.TextFormat.PlainText)
            values.setStyleSheet(f"color: {on_window(self, '#555555')}")  # grey: samples, not the tier's name
            # the values give way to the coder and kind (whole in the tooltip), never pushing them off the edge
            values.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            values.setMinimumWidth(80)
            values.setToolTip(literal_tip("\n".join(t.samples) + (
                f"\n(a child tier: its annotations take the times of the annotations of {parent} they belong to)"
                if parent else "")))
            name = QLineEdit(coder, self)
            name.setPlaceholderText("coder name")
            name.setAccessibleName(f"coder of tier {t.tier}")  # a row's fields have no label of their own
            name.setMinimumWidth(120)
            kind = QComboBox(self)
            for key, label in ROLE_LABELS.items():
                kind.addItem(label, key)
            kind.setCurrentIndex(list(ROLE_LABELS).index(role))
            kind.setAccessibleName(f"what tier {t.tier} holds")
            kind.setToolTip("emotion: the whole value is the emotion; AUs: AU codes (6+12, AU04); "
                            "emotion | AUs: merstudio's own 'happiness | 6+12', or an emotion alone; apex: the "
                            "coder's apex, an annotation inside one of their events setting its apex (a Phase "
                            "tier's 'apex' part)")
            face = WholeBox(self, what="face number")
            face.setRange(0, 999)
            who = str(getattr(t, "participant", "") or "")
            rule = self.participant_face.get(who, int(getattr(t, "face", 0))) if who else nobody
            # as the user set it for a file with these tiers before, unless this video knows the participant's face
            # (one person is one face across coders' files)
            kept = None if fold_name(who) in known_names else remembered_face(t, remembered)
            face.setValue(rule if kept is None else kept)
            face.setAccessibleName(f"face of tier {t.tier}")
            face.setToolTip(literal_tip(f"the face whose events the tier holds; the file names its participant "
                                        f"{who}" if who else "the face whose events the tier holds (it names no "
                                        "participant: at first the first face no participant is on, so an ELAN "
                                        "export writes none on its events)"))
            if not t.aligned:
                box.setEnabled(False)
            for col, w in enumerate((box, count, values, name, kind, face)):
                grid.addWidget(w, r, col)
            self.rows[t.tier] = (box, name, kind)
            self.face_boxes[t.tier] = face
            self.prefilled_faces[t.tier] = rule  # where the import puts it unless told: a remembered face is passed
            name.textChanged.connect(self.validate)
            face.textValid.connect(self.validate)  # `1.5` typed: said and OK off, not Enter doing nothing (h310)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(info.tiers) + 1, 1)  # rows at the top, under their headings, not spread out
        self.tick_all = QPushButton("Tick all", self)
        self.untick_all = QPushButton("Untick all", self)
        self.tick_all.setToolTip("Import every tier that has times of its own")
        self.untick_all.setToolTip("Leave every tier out (then tick the ones to import)")
        self.tick_all.clicked.connect(lambda: self.set_all(True))
        self.untick_all.clicked.connect(lambda: self.set_all(False))
        ticks = QHBoxLayout()
        ticks.addWidget(self.tick_all)
        ticks.addWidget(self.untick_all)
        ticks.addStretch(1)
        self.table = QWidget(self)
        self.table.setLayout(grid)
        scroll = QScrollArea(self)
        scroll.setWidget(self.table)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # the values column gives way first; a window narrower still (a 200%-scaled laptop) scrolls sideways
        # rather than cutting off the coder and what the tier holds
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.problem = QLabel("", self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # names a tier of the file
        self.problem.setStyleSheet(f"color: {on_window(self, ERROR_COLOUR)}")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        parent=self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Preview import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = self.box_layout = QVBoxLayout(self)
        lay.addWidget(self.head)
        lay.addWidget(self.memory_note)
        lay.addLayout(ticks)
        lay.addWidget(scroll, 1)
        lay.addWidget(self.problem)
        lay.addWidget(self.buttons)
        for tier, (box, name, kind) in self.rows.items():
            for w in (name, kind, self.face_boxes[tier]):
                box.toggled.connect(w.setEnabled)
                w.setEnabled(box.isChecked())
            box.toggled.connect(self.validate)  # after the face box follows the tick: an unticked row's is not asked
        self.validate()
        self.rows_area = scroll
        self.resize(self._natural_size())
        self._fitted = False

    def _natural_size(self) -> QSize:
        """Wide enough for every column and tall enough for the intro and every row at the app's font (fit_screen
        then caps it to the screen; the rest scrolls): a fixed 860 x (200 + 32 px a row) showed half a row at a 16-pt
        font, the Coder and Holds columns off to the right, and at 20 pt no row at all under the wrapped intro."""
        lay = self.box_layout
        m = lay.contentsMargins()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        sides = m.left() + m.right()
        table = self.table.sizeHint().width()
        width = max(table + bar, self.buttons.sizeHint().width()) + sides
        screen = self.screen()
        if screen is not None:  # a narrower screen: the intro wraps to less, the table scrolls sideways
            width = min(width, screen.availableGeometry().width() - TITLE_BAR)  # less a frame, generously
        rows = self.table.sizeHint().height()
        sideways = bar if width - sides - bar < table else 0
        # the intro wraps at that width; the scroll area counts as the whole table for the moment
        self.rows_area.setMinimumHeight(rows + sideways)
        height = lay.totalHeightForWidth(width) if lay.hasHeightForWidth() else lay.totalSizeHint().height()
        # a short screen: the headings and about two rows stay above the scroll bar (the rest scroll)
        self.rows_area.setMinimumHeight(min(rows, 3 * rows // (len(self.rows) + 1)) + sideways)
        return QSize(width, height)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._fitted:  # once: later the user's own size stands
            self._fitted = True
            fit_screen(self)  # 860 px was wider than a 200%-scaled laptop's 960 less its frame; the rows scroll

    def set_row(self, tier: str, on: bool | None = None, coder: str | None = None, role: str | None = None,
                face: int | None = None) -> None:
        """Set a tier's row as a user would (tests; role: emotion / aus / event)."""
        box, name, kind = self.rows[tier]
        if face is not None:
            self.face_boxes[tier].setValue(face)
        if on is not None:
            box.setChecked(on)
        if coder is not None:
            name.setText(coder)
        if role is not None:
            kind.setCurrentIndex(kind.findData(role))

    def set_all(self, on: bool) -> None:
        """Tick (or untick) every tier that can be imported (the Tick all / Untick all buttons)."""
        for box, _, _ in self.rows.values():
            if box.isEnabled():
                box.setChecked(on)

    def row(self, tier: str) -> tuple[bool, str, str]:
        """(ticked, coder, role) as the row shows it."""
        box, name, kind = self.rows[tier]
        return box.isChecked(), name.text().strip(), str(kind.currentData())

    def validate(self) -> str:
        """'' when the rows make a mapping to import, else why not (shown; the OK button is disabled)."""
        on = [t for t in self.rows if self.row(t)[0]]
        unnamed = [t for t in on if not self.row(t)[1]]
        msg = unread_line((f"Face of tier {t}", self.face_boxes[t]) for t in on)
        if msg:
            pass  # the face typed is no face number: said first, as the event dialog says its frames
        elif unnamed:
            msg = f"Name the coder of tier {unnamed[0]!r}" + (f" (and {len(unnamed) - 1} more)" if len(unnamed) > 1
                                                               else "")
        elif not on and not self.info.has_own:
            msg = "Tick a tier to import: the file has no tiers of merstudio's own"
        self.problem.setText(msg)
        self.problem.setVisible(bool(msg))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not msg)
        return msg

    def mapping(self) -> tuple[dict[str, str], dict[str, str]]:
        """read_eaf's ``tier_coders`` and ``tier_roles`` for the ticked tiers."""
        coders: dict[str, str] = {}
        roles: dict[str, str] = {}
        for t in self.rows:
            on, coder, role = self.row(t)
            if on and coder:
                coders[t], roles[t] = coder, role
        return coders, roles

    def face(self, tier: str) -> int:
        """The face a tier's row shows."""
        return self.face_boxes[tier].value()

    def faces(self) -> dict[str, int]:
        """read_eaf's ``tier_faces``: the ticked tiers whose face is not the participant rule's (changed by the
        user, or as remembered for these tiers); the rule, with the names the project knows, places the others."""
        coders = self.mapping()[0]
        return {t: self.face(t) for t in coders if self.face(t) != self.prefilled_faces[t]}


def _faces_said(info: Any, placed: dict[str, int]) -> str:
    """The intro's sentence on the file's participants and their faces ('' where it names none)."""
    faces: dict[str, int] = {}
    for t in info.tiers:
        if (who := str(getattr(t, "participant", "") or "")) and who not in faces:
            faces[who] = placed.get(who, int(getattr(t, "face", 0)))
    if not faces:
        return ""
    said = ", ".join(f"{escaped(who)} face {face}" for who, face in list(faces.items())[:4])
    return (f"The file names {'its participant' if len(faces) == 1 else 'participants'} ({said}"
            f"{', …' if len(faces) > 4 else ''}): each one's tiers are on their face. ")


def _samples(values: tuple[str, ...], width: int = 48) -> str:
    """The first values, comma-separated, each long one and the whole clipped at a word with an ellipsis."""
    return _clip(", ".join(_clip(v, 24) for v in values), width)


def _clip(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters: cut after its last whole word that fits, with "…" (mid-word only
    for a single word longer than about two thirds of ``width``)."""
    if len(text) <= width:
        return text
    cut = text[:width - 1]
    if text[width - 1] not in " ,":  # the cut falls inside a word: back to the space before it
        at = cut.rfind(" ")
        if at >= width // 3:
            cut = cut[:at]
    return cut.rstrip(" ,;:.") + "…"

