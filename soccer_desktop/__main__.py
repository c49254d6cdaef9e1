"""``python -m soccer_desktop`` is the ``soccer-desktop`` command."""

import sys

from soccer_desktop.cli import main

sys.exit(main())
