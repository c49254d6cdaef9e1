"""Entry point of the app bundle: the ``soccer-desktop`` command, plus ``-m MODULE`` for its child processes.

A frozen app has no Python interpreter to run ``python -m ...``, yet the app
starts children that way (the training worker, the diagnostics probes, the
MLflow UI) with ``sys.executable``. In the bundle ``sys.executable`` is this
launcher, so it runs ``-m MODULE ARGS`` the way Python would; anything else is
the normal command line. ``freeze_support`` serves multiprocessing children.
"""

from __future__ import annotations

import multiprocessing
import runpy
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 2 and args[0] == "-m":
        module = args[1]
        sys.argv = [module, *args[2:]]
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        except SystemExit as exit_:
            code = exit_.code
            return code if isinstance(code, int) else (0 if code is None else 1)
        return 0
    from soccer_desktop.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
