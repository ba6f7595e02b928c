"""The bundle's entry point: the same as the `oms-desktop` console script."""

import sys

from oms_desktop.cli import main

sys.exit(main())
