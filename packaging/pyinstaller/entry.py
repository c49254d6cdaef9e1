"""The bundle's executable: ``soccer-desktop`` (see soccer_desktop/launcher.py for ``-m`` and freeze_support)."""

import sys

from soccer_desktop.launcher import main

if __name__ == "__main__":
    sys.exit(main())
