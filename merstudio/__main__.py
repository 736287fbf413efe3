from merstudio.cli.main import entry

# The guard matters: spawned children (analysis, parallel jobs) re-import the main module.
if __name__ == "__main__":
    raise SystemExit(entry())
