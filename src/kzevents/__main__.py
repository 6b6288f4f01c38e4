from kzevents.cli import main

raise SystemExit(main())
