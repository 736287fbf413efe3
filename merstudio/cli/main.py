"""`merstudio` command line. Each subcommand lives in its own module with `register(subparsers)`."""

from __future__ import annotations

import argparse
import codecs
import errno
import importlib
import io
import locale
import os
import re
import sys
import warnings
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from merstudio import __version__, interrupts
from merstudio.errors import MerstudioError
from merstudio.interrupts import Watch, watched
from merstudio.messages import one_line, warning_line  # the core's: the batch's workers print warnings so too

if TYPE_CHECKING:
    from merstudio.native_logs import Filter

# Module names under merstudio.cli; each defines register(subparsers) and sets `func` on its parser.
SUBCOMMANDS = ("analyze", "doctor", "bench", "demo", "gui", "train", "tune", "evaluate", "ablate", "datasets",
               "finetune", "agreement", "convert", "project", "neutral", "spotting", "reencode", "docs")


# what scripts around merstudio can rely on (README, Command line)
EXIT_STATUSES = ("exit status: 0 done; 2 a bad input, option or checkpoint, or (analyze, spotting) an input whose "
                 "analysis failed for a reason of its own, or (train, tune, ablate) a fold whose worker died again "
                 "after its retries, or another run writing the same result: the message or the manifest row says "
                 "why; 3 an output that cannot be written (it exists without --overwrite, no permission, no space, "
                 "a quota or a file size limit, before or during the run: a batch stops there and marks no input "
                 "failed; stdout too: its line names stdout); 130 interrupted (Ctrl-C; a batch resumes); 143, 129 "
                 "stopped by SIGTERM, SIGHUP (as by Ctrl-C); 141 stdout's reader went away; 1 an essential check "
                 "of `merstudio doctor` failed, `project check` found damage or `project merge` was answered no, "
                 "or (any other command) a bug (a traceback: please report it)")


class EpilogFormatter(argparse.RawDescriptionHelpFormatter):
    """--help with a wrapped description and an epilog laid out as written (examples, tables): a text of one
    paragraph (no line breaks) is wrapped to the terminal, one with line breaks is kept as it is."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" not in text.strip():
            return argparse.HelpFormatter._fill_text(self, text, width, indent)
        return super()._fill_text(text, width, indent)


_USAGE_ERRORS = (  # argparse's own words (Python 3.10-3.13) -> ours: what the option takes, in one line
    (re.compile(r"argument (?P<opt>\S+): invalid choice: (?P<got>.*) \(choose from (?P<choices>.*)\)$"),
     lambda m: f"{m['opt']} must be one of {m['choices'].replace(chr(39), '')} (got {m['got']})", False),
    (re.compile(r"argument (?P<opt>\S+): invalid int value: (?P<got>.*)$"),
     lambda m: f"{m['opt']} must be a whole number (got {m['got']})", False),
    (re.compile(r"argument (?P<opt>\S+): invalid float value: (?P<got>.*)$"),
     lambda m: f"{m['opt']} must be a number (got {m['got']})", False),
    (re.compile(r"argument (?P<opt>\S+): expected (?:one|at least one|at most one|\d+) arguments?$"),
     lambda m: f"{m['opt']} needs a value", True),  # Parser.error adds the '-' hint where the next word is one
    (re.compile(r"argument (?P<opt>\S+): not allowed with argument (?P<other>\S+)$"),
     lambda m: f"{m['opt']} and {m['other']} cannot be given together", True),
    (re.compile(r"argument (?P<opt>\S+): ignored explicit argument (?P<got>.*)$"),
     lambda m: f"{m['opt']} takes no value (got {m['got']})", True),
    (re.compile(r"the following arguments are required: (?P<names>.*)$"),
     lambda m: f"missing {m['names']}", True),
    (re.compile(r"argument (?P<opt>\S+): (?P<rest>.*)$"), lambda m: f"{m['opt']}: {m['rest']}", True),
)


def usage_error_line(prog: str, message: str) -> str:
    """argparse's error `message` as the one line the CLI prints (without ``merstudio: error: ``): the option first
    and what it takes, as merstudio.cli.bounds words a number out of range; where the line cannot say what the
    command takes, it names the command's --help (argparse printed the usage, 3-19 lines, before it)."""
    text, helps = one_line(message), True
    for pattern, words, names_help in _USAGE_ERRORS:
        m = pattern.match(text)
        if m is not None:
            text, helps = words(m), names_help
            break
    # "-j/--jobs": the long name, as the help lists the option
    text = re.sub(r"^-\w/(--[\w-]+)", r"\1", text)
    return f"{text} (see {prog} --help)" if helps else text


class Parser(argparse.ArgumentParser):
    """The CLI's parser (each subcommand's too: add_subparsers makes them of this class): a usage error is one
    line, ``merstudio: error: --max-faces must be a whole number (got '1,5')``, exit status 2, as a number out of
    bounds (merstudio.cli.bounds) and every other bad input are."""

    _words: list[str] = []  # the words this parser was given (parse_known_args): what followed an option

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        self._words = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        m = re.match(r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)$", one_line(message))
        if m is not None and any(isinstance(a, argparse._SubParsersAction) and m[1] in (a.metavar, a.dest)
                                 for a in self._actions):
            line = f"{m[2]}: no such command of {self.prog} (it has {m[3].replace(chr(39), '')})"
        else:
            line = usage_error_line(self.prog, message)
            wanted = re.match(r"argument (\S+): expected one argument$", one_line(message))
            names = wanted[1].split("/") if wanted is not None else []
            value = self._dash_value(names) if names else None
            if value is not None:  # "--lr -1e-5": argparse took the value for an option; one spelling typed
                long = next((n for n in names if n.startswith("--")), names[-1])
                line = line.replace(" needs a value", f" needs a value; one that starts with '-' is written "
                                    f"{long}={value}", 1)
        self.exit(2, f"merstudio: error: {line}\n")

    def _dash_value(self, names: list[str]) -> str | None:
        """The word after the option (`names`: its spellings) in this parser's words where it starts with '-' and
        is no option of this parser (a negative number in an exponent form, a name): a value argparse would not
        take; else None (the option last on the line, or followed by another option)."""
        for i, word in enumerate(self._words[:-1]):
            if word in names:
                after = self._words[i + 1]
                if not after.startswith("-") or after == "--":
                    return None
                flag = after.split("=", 1)[0]
                known = flag in self._option_string_actions or (flag.startswith("--") and any(
                    o.startswith(flag) for o in self._option_string_actions if o.startswith("--"))) or (
                    not flag.startswith("--") and flag[:2] in self._option_string_actions)
                return None if known else after
        return None


def meant_option(parser: argparse.ArgumentParser, words: Sequence[str]) -> str | None:
    """The long option of `parser` that the first mistyped option among `words` (argparse's unrecognized ones) most
    likely meant: one dash for two ('-epochs' -> --epochs; '-epo', a prefix of one option, too) or a slip of the
    keys ('--epohcs'); None where none is near. argparse only said "unrecognized arguments"."""
    import difflib

    longs = [o for o in parser._option_string_actions if o.startswith("--") and o != "--help"]
    for word in words:
        name = word.split("=", 1)[0].lstrip("-")
        if not word.startswith("-") or not name or name[0].isdigit() or name[0] == ".":  # a value, a negative number
            continue
        if f"--{name}" in longs:
            return f"--{name}"
        prefixed = [o for o in longs if o.startswith(f"--{name}")]
        if len(prefixed) == 1:
            return prefixed[0]
        near = difflib.get_close_matches(f"--{name}", longs, n=1, cutoff=0.75)
        if near:
            return near[0]
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="merstudio",
        description="Micro-expression research studio. With no command, opens the desktop app.",
        epilog=EXIT_STATUSES,
    )
    parser.add_argument("--version", action="version", version=f"merstudio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"merstudio.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"merstudio.cli.{name}":
                continue  # command not built (yet)
            raise
        module.register(sub)
    return parser


def _has_command(parser: argparse.ArgumentParser, name: str) -> bool:
    """Whether build_parser registered the subcommand `name` (a command module may not be built)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return name in action.choices
    return False


def _chosen(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)parser of the command `args` ran, the deepest chosen (`datasets prepare`); `parser` without one."""
    while True:
        sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        name = getattr(args, sub.dest, None) if sub is not None and sub.dest != argparse.SUPPRESS else None
        if sub is None or name not in sub.choices:
            return parser
        parser = sub.choices[name]


def warn_about(where: object, lines: Sequence[str]) -> None:
    """One `merstudio: warning: <where>: <line>` per line (a file's mismatches found while reading it)."""
    for line in lines:
        warning_line(f"{where}: {line}", UserWarning, "", 0)


def check_output_file(path: Path, overwrite: bool, example: str) -> None:
    """Refuse, in one line, an output that is a folder (naming `example` inside it as what to give), a FIFO, device
    or socket (before any work: `atomic.check_not_special`), or a file that exists without --overwrite."""
    from merstudio.atomic import check_not_special
    from merstudio.errors import OutputError

    check_not_special(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give the file to write (e.g. {path / example})")
    if path.exists() and not overwrite:
        raise OutputError(f"{path}: already exists (use --overwrite)")


def check_writable_file(path: Path) -> None:
    """Refuse, in one line (exit 3), a file that cannot be written in its folder, before a long run: a probe file
    is made and removed (a permission check alone passes /proc/x.json as root, and the write failed after the
    whole run). Makes the folder when missing, as the write would."""
    import tempfile

    from merstudio.atomic import ensure_parent
    from merstudio.errors import OutputError

    ensure_parent(path)
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    os.close(fd)
    Path(probe).unlink(missing_ok=True)


def check_folder_writable(path: Path, flag: str) -> None:
    """Refuse, in one line (exit 3), an output folder that cannot be written: a probe file is made and removed in it,
    or, where it does not exist yet, in the nearest folder above it that does (where it would be made). Nothing is
    created; a folder a file stands in place of is check_output_folder's."""
    import tempfile

    from merstudio.errors import OutputError

    where = Path(os.path.abspath(path))
    while not where.exists() and where.parent != where:
        where = where.parent
    if not where.is_dir():
        return  # a file in the way: check_output_folder's line
    try:
        fd, probe = tempfile.mkstemp(prefix=".merstudio-", suffix=".probe", dir=where)
    except OSError as exc:
        what = "cannot write in it" if where == Path(os.path.abspath(path)) else f"cannot be made in {where}"
        raise OutputError(f"{flag} {path}: {what} ({exc.strerror or exc}); give a folder you can write") from None
    os.close(fd)
    Path(probe).unlink(missing_ok=True)


def check_output_folder(path: Path) -> None:
    """Refuse, in one line (exit 3), an output folder that a file stands in place of (the folder or one above it),
    in the words of analyze's (merstudio.atomic.ensure_dir); nothing is created, so a run refused later leaves
    no folder behind."""
    from merstudio.atomic import check_no_file_in_the_way

    check_no_file_in_the_way(path, path, "cannot create the folder")


_NOT_TEXT = (f"a file name is not text in this locale's encoding ({sys.getfilesystemencoding()}): "
             + ("rename the file (its name's bytes are not UTF-8)" if sys.getfilesystemencoding() == "utf-8" else
                "run under a UTF-8 locale (LANG=C.UTF-8) or with PYTHONUTF8=1, or rename the file with ASCII characters"))


def _undecoded_name(argv: Sequence[str]) -> str | None:
    """The one line that refuses an argument Python could not decode with the locale's codec (its bytes kept as
    surrogates: a non-ASCII name under LANG=C with UTF-8 mode off, PYTHONUTF8=0): such a name crashed OpenCV
    (exit 139), then failed the project's database and the plot's title after part of the work was written."""
    for arg in argv:
        if any("\udc80" <= ch <= "\udcff" for ch in arg):
            return f"{arg}: {_NOT_TEXT}"
    return None


def _stdout_closed() -> bool:
    """Whether stdout is a pipe whose reader has gone (poll reports an error on its write end). True where that
    cannot be told (no poll, no file descriptor)."""
    try:
        import select

        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(ev & (select.POLLERR | select.POLLHUP) for _, ev in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return True


def _stdout_gone() -> int:
    """The reader of stdout went away (`merstudio ... | head`): stop quietly, as `yes | head` does. What Python
    still holds for stdout goes to /dev/null so the exit does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return 141  # 128 + SIGPIPE: what a shell reports for a command its pipe's reader stopped


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Python warnings are shown as one line each; a closed stdout pipe ends the command
    quietly (exit 141); a MerstudioError or a stray OSError is one line (exit 2 or 3)."""
    with warnings.catch_warnings():
        warnings.showwarning = warning_line
        try:
            code = _main(argv)
            if code == 130 and interrupts.exit_code() != 130:  # the command's interrupted line said what it kept
                _say_stopped()
                code = interrupts.exit_code()
            sys.stdout.flush()  # a pipe that closed is found here, not at exit
            return _stdout_lost(code)
        except SystemExit as exc:  # --help, --version: their text is the whole of the command's work
            console = _CONSOLE.get("stdout")
            if exc.code in (0, None) and console is not None and console.failed is not None:
                return _stdout_lost(0)
            raise
        except BrokenPipeError as exc:
            if _stdout_closed():
                return _stdout_gone()
            print(f"merstudio: error: {one_line(exc.strerror or exc)}", file=sys.stderr)  # another pipe's
            return 3
        except KeyboardInterrupt:  # Ctrl-C, wherever it surfaced (one that C code dropped too: merstudio.interrupts)
            _say_stopped()  # or SIGTERM, SIGHUP: "stopped by SIGTERM", exit 143
            return interrupts.exit_code()


def _say_stopped() -> None:
    """The line of a command stopped by Ctrl-C ("interrupted") or by SIGTERM, SIGHUP ("stopped by SIGTERM"). After
    a SIGHUP the terminal may be gone: a line that cannot be written is left unsaid."""
    try:
        print(f"merstudio: {interrupts.stop_line()}", file=sys.stderr)
    except (OSError, ValueError):
        pass


def _stdout_lost(code: int) -> int:
    """`code`, or 3 where the command's output to stdout could not be written (``>/dev/full``, ``>&-``), said in one
    line that names stdout: the files the command wrote are not in question (a bare "No space left on device" read
    as if they were), but a script must not take the output it lost for a success."""
    console = _CONSOLE.get("stdout")
    if console is None or console.failed is None:
        return code
    print(f"merstudio: error: cannot write to stdout ({console.why()}): what the command printed there is lost",
          file=sys.stderr)
    return code or 3


_GONE_CWD = "the current folder no longer exists (it was deleted): cd to another folder and run the command again"


def _cwd_gone() -> bool:
    try:
        os.getcwd()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # argparse names the top level's usage; the subcommand's says what it takes
            chosen = _chosen(parser, args)
            meant = meant_option(chosen, extra)
            chosen.error(f"unrecognized arguments: {' '.join(extra)}" + (f"; did you mean {meant}?" if meant else ""))
    except SystemExit:
        sys.stdout.flush()  # --help into a closed pipe: BrokenPipeError, handled in main
        raise
    except MerstudioError as exc:  # a number out of its bounds (merstudio.cli.bounds), before the command runs
        print(f"merstudio: error: {one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    undecoded = _undecoded_name(sys.argv[1:] if argv is None else argv)
    if undecoded is not None:
        print(f"merstudio: error: {undecoded}", file=sys.stderr)
        return 2
    if _cwd_gone():
        # before any command's work: torch's import dies there (oneMKL "Cannot load libtorch_cpu.so", exit 2),
        # worker processes cannot start, and relative paths name nothing; a chdir to / would quietly resolve them
        # there instead
        print(f"merstudio: error: {_GONE_CWD}", file=sys.stderr)
        return 2
    if args.command is None:
        if _has_command(parser, "gui"):
            args = parser.parse_args(["gui", *(sys.argv[1:] if argv is None else argv)])
        else:
            parser.print_help()
            return 0
    # the app (gui, demo showing it) takes Ctrl-C, SIGTERM and SIGHUP in its own event loop (gui.app.StopSignals:
    # a watch's Interrupted raised inside a Qt slot left it running); every other command stops on Ctrl-C even
    # where C code dropped it
    shows_app = args.command == "gui" or bool(getattr(args, "shows_app", lambda _: False)(args))
    with nullcontext(Watch()) if shows_app else watched() as ctrl_c:
        try:
            code = int(args.func(args) or 0)
        except MerstudioError as exc:
            if ctrl_c.received and exc.exit_code != 130:  # a read cut short by Ctrl-C ("not a readable CSV")
                raise KeyboardInterrupt from None
            print(f"merstudio: error: {one_line(exc)}", file=sys.stderr)
            return exc.exit_code
        except BrokenPipeError:
            raise  # stdout's reader went away: not an error (main)
        except UnicodeEncodeError as exc:
            if "surrogates" not in str(exc.reason):
                raise
            # a file name found in a folder or a file whose bytes the locale's codec could not decode
            # (_undecoded_name)
            print(f"merstudio: error: {one_line(_NOT_TEXT)}", file=sys.stderr)
            return 2
        except OSError as exc:
            if ctrl_c.received or interrupts.stopped_by() is not None:  # after a SIGHUP stderr may be gone: EIO
                raise KeyboardInterrupt from None
            # last resort for a file error a command did not wrap itself: still one line, no traceback
            where = f"{exc.filename}: " if exc.filename else ""
            if not where and _cwd_gone():  # os.getcwd() itself (a relative path, a worker's start): say which
                print(f"merstudio: error: {_GONE_CWD}", file=sys.stderr)
                return 2
            print(f"merstudio: error: {one_line(f'{where}{exc.strerror or exc}')}", file=sys.stderr)
            return 3
        if ctrl_c.received and code != 130:  # dropped, and no Python code ran after it: still interrupted
            if ctrl_c.written:  # but what it wrote before the Ctrl-C is there, complete: say so
                print(f"merstudio: the Ctrl-C came after {', '.join(ctrl_c.written)} had been written (complete)",
                      file=sys.stderr)
            raise KeyboardInterrupt
        return code


def entry() -> int:
    """The console script: `main` with MediaPipe's start-up chatter filtered out of the terminal."""
    try:
        return _entry()
    except KeyboardInterrupt:  # Ctrl-C in the start-up's imports, before main's own handling (it was a traceback)
        print("merstudio: interrupted", file=sys.stderr)
        return 130


def _entry() -> int:
    from merstudio.cli.stderr_filter import install

    _unencodable_escaped()
    from merstudio.mpl_config import writable_mpl_config

    writable_mpl_config()  # before any command imports matplotlib (the exports', training's plots too)
    closed = _closed_fds_held()
    filt = None if 2 in closed else install(process=True)
    _lines_in_order(filt, closed)
    try:
        code = main()
    finally:
        if filt is not None:
            if "multiprocessing.resource_tracker" in sys.modules:
                # every command's workers are gone by now; the tracker they started holds fd 2 open until it
                # stops, and the filter would wait for it (5 s after any -j N train, tune, ablate or analyze)
                from merstudio.execution.local import stop_resource_tracker

                stop_resource_tracker()
            filt.close()
    if "LOCAL_RANK" in os.environ and "torch.distributed" in sys.modules:
        _leave_distributed(code)
    return code


def _escape(exc: UnicodeError) -> tuple[str | bytes, int]:
    """Encoding errors of the console: a name's undecodable bytes (surrogates) written back as they were, as
    surrogateescape does; any other character escaped (backslashreplace)."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    if all("\udc80" <= ch <= "\udcff" for ch in bad):
        return bytes(ord(ch) - 0xDC00 for ch in bad), exc.end
    return codecs.backslashreplace_errors(exc)


def _unencodable_escaped() -> None:
    """A console that cannot show a character (an ASCII stdout: PYTHONIOENCODING=ascii, LANG=C without UTF-8 mode,
    an old terminal's pipe) gets it escaped (`Gespr\\xe4ch.mp4`) instead of a UnicodeEncodeError traceback that
    ended `analyze` and `project show` mid-way (exit 1) for a non-ASCII file name. A name's undecodable bytes
    (surrogateescape, as Python writes them under the C locale) are still written back as they are."""
    codecs.register_error("merstudio-console", _escape)
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) in ("strict", "surrogateescape"):
            try:
                stream.reconfigure(errors="merstudio-console")  # type: ignore[union-attr]
            except (AttributeError, ValueError, OSError):
                pass  # not a text file of ours (replaced by a caller): left as it is


def _closed_fds_held() -> set[int]:
    """stdin, stdout and stderr that were closed when the command started (``>&-``, ``2>&-``): each is held by
    /dev/null, so that no file the command opens takes its number (a result file as fd 1 would get what native code
    prints to stdout). Returns the ones that were closed."""
    closed = set()
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
                if null != fd:
                    os.dup2(null, fd)
                    os.close(null)
            except OSError:
                continue
            closed.add(fd)
    return closed


class _Console(io.RawIOBase):
    """The bytes under the console's sys.stdout or sys.stderr, a file descriptor whose failed write is not the
    command's failure: the text is dropped and the first error kept (`failed`), where the command's files are
    written. stderr (a log on a full disk: ``2>>log``) says so once, if it can, and keeps trying each later line;
    stdout stops at its first failure (what follows would have a hole), and `main` reports it in one line naming
    stdout. A stdout pipe whose reader went away still raises BrokenPipeError: the command stops quietly (main)."""

    def __init__(self, fd: int, name: str, closed: bool = False) -> None:
        super().__init__()
        self.fd, self.name, self.closed_at_start = fd, name, closed
        self.failed: OSError | None = None

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return not self.closed_at_start and os.isatty(self.fd)

    def why(self) -> str:
        if self.closed_at_start:
            return "it was closed when the command started"
        return one_line((self.failed.strerror if self.failed else None) or self.failed)

    def write(self, data: Any) -> int:  # a bytes-like object
        size = len(memoryview(data))
        if self.failed is not None and self.name == "stdout":
            return size
        try:
            if self.closed_at_start:
                raise OSError(errno.EBADF, os.strerror(errno.EBADF))
            return os.write(self.fd, data)
        except BrokenPipeError:
            if self.name == "stdout":
                raise
            self._lost(BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE)))
        except OSError as exc:
            self._lost(exc)
        return size

    def _lost(self, exc: OSError) -> None:
        if self.failed is not None:
            return
        self.failed = exc
        if self.name == "stderr" and not self.closed_at_start:  # one try to say so, in the same place
            line = (f"merstudio: warning: cannot write to stderr ({self.why()}): the lines it cannot take are "
                    "dropped; the work goes on\n")
            try:
                os.write(self.fd, line.encode(errors="replace"))
            except OSError:
                pass


_CONSOLE: dict[str, _Console] = {}  # "stdout", "stderr": the console's, once `_lines_in_order` made them


def _console_stream(fd: int, name: str, like: TextIO | None, closed: bool = False) -> TextIO:
    """A line-buffered text stream on `fd` over a `_Console`, with the encoding and error handler of `like` (the
    stream Python made; None where the descriptor was closed at the start)."""
    raw = _Console(fd, name, closed)
    encoding = getattr(like, "encoding", None) or locale.getpreferredencoding(False)
    errors = getattr(like, "errors", None) or "merstudio-console"
    _CONSOLE[name] = raw
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding=encoding, errors=errors, line_buffering=True)


def _ours(stream: TextIO | None, fd: int) -> bool:
    """Whether `stream` is Python's own stream of `fd` (not one a caller put in its place: a test's capture);
    flushed if so."""
    try:
        if stream is None or stream.fileno() != fd:
            return False
        stream.flush()
    except (AttributeError, ValueError, OSError):
        return False
    return True


def _lines_in_order(filt: Filter | None, closed: set[int] | frozenset[int] = frozenset()) -> None:
    """The console's sys.stdout and sys.stderr, each over a `_Console` (a write that fails does not stop the work).
    stdout and stderr sharing a pipe or a terminal (``2>&1 | tail``) keep their order, a line at a time: stdout
    goes out at each line end (a pipe buffers it whole, and its lines came after the notes that followed them), and
    Python's own stderr straight to the real stderr, not through the filter's helper (`install`), which forwards
    it a moment later, between the text of a stdout line and its line end: ``skipped 165note: ...``. What native
    code writes to fd 2 (MediaPipe's chatter) still passes the filter."""
    if 1 in closed or _ours(sys.stdout, 1):
        sys.stdout = _console_stream(1, "stdout", sys.stdout, closed=1 in closed)
    else:
        try:
            sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            pass  # not a text file of ours (replaced by a caller): left as it is
    if 2 in closed or _ours(sys.stderr, 2):  # closed: fd 2 is /dev/null now (`_closed_fds_held`)
        try:
            fd = os.dup(filt.real) if filt is not None else 2
        except OSError:
            return  # stays on the filter: in order there, if not with stdout
        sys.stderr = _console_stream(fd, "stderr", sys.stderr)


def _leave_distributed(code: int) -> None:
    """Under torchrun: tear the process group down, then leave without C++ static destructors. gloo's threads can
    otherwise abort the interpreter's shutdown ("terminate called without an active exception") after every result
    has been written, and torchrun reports the whole run as failed."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    raise SystemExit(entry())
