from merstudio.cli.main import entry

raise SystemExit(entry())
