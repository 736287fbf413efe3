"""`merstudio` command line. Each subcommand lives in its own module with `register(subparsers)`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from merstudio import __version__
from merstudio.errors import MerstudioError

# Module names under merstudio.cli; each defines register(subparsers) and sets `func` on its parser.
SUBCOMMANDS = ("analyze", "doctor", "bench", "demo", "gui", "train", "evaluate", "ablate", "datasets",
               "finetune", "agreement", "convert")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="merstudio",
        description="Micro-expression research studio. With no command, opens the desktop app.",
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        if _has_command(parser, "gui"):
            args = parser.parse_args(["gui", *(sys.argv[1:] if argv is None else argv)])
        else:
            parser.print_help()
            return 0
    try:
        return int(args.func(args) or 0)
    except MerstudioError as exc:
        print(f"merstudio: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        # last resort for a file error a command did not wrap itself: still one line, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"merstudio: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("merstudio: interrupted", file=sys.stderr)
        return 130


def entry() -> int:
    """The console script: `main` with MediaPipe's start-up chatter filtered out of the terminal."""
    from merstudio.cli.stderr_filter import install

    filt = install()
    try:
        code = main()
    finally:
        if filt is not None:
            filt.close()
    if "LOCAL_RANK" in os.environ and "torch.distributed" in sys.modules:
        _leave_distributed(code)
    return code


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
