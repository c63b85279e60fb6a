from costlab.cli import main

raise SystemExit(main())
