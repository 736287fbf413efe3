"""`merstudio docs [TOPIC]`: the documentation the messages cite (docs/<name>.md), found in a checkout and in an
installed wheel alike (merstudio.docs_lookup)."""

from __future__ import annotations

import argparse
import sys

from merstudio.cli.main import EpilogFormatter

EPILOG = """examples:
  merstudio docs                      # the topics, their titles and the folder they are in
  merstudio docs model                # the path of docs/model.md in this installation
  merstudio docs docs/aus.md --show | less   # its text (plain Markdown) to stdout"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "docs",
        help="the documentation messages cite (docs/model.md, ...): list it, find a file, print it",
        description="Messages cite merstudio's documentation as docs/<name>.md; a checkout has it in docs/, an "
        "installed wheel inside the package. With no TOPIC, lists the topics with their titles and the folder "
        "they are in; with a TOPIC (model, model.md or docs/model.md), prints that file's path, or with --show "
        "its text.",
        epilog=EPILOG, formatter_class=EpilogFormatter,
    )
    p.add_argument("topic", nargs="?", metavar="TOPIC", help="a topic: model, model.md and docs/model.md all work")
    p.add_argument("--show", action="store_true", help="print the file's text (Markdown) instead of its path")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from merstudio.docs_lookup import docs_dir, find, topics
    from merstudio.errors import InputError

    if args.topic is None:
        if args.show:
            raise InputError("--show: name the TOPIC to print (`merstudio docs` lists them)")
        known = topics()
        width = max(len(t.name) for t in known)
        print(f"merstudio's documentation, in {docs_dir()}:")
        for t in known:
            print(f"  {t.name:<{width}}  {t.title}".rstrip())
        print("`merstudio docs TOPIC` prints a topic's path, `--show` its text")
        return 0
    topic = find(args.topic)
    if not args.show:
        print(topic.path)
        return 0
    try:
        text = topic.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{topic.path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
