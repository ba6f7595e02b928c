from oms_desktop.cli import main

raise SystemExit(main())
