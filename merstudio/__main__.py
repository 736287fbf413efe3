from merstudio.cli.main import main

raise SystemExit(main())
