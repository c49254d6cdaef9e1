"""``soccer-desktop info`` and ``soccer-desktop self-test``."""

from __future__ import annotations

import argparse
import sys


def _cmd_info(args: argparse.Namespace) -> int:
    from soccer_desktop.diagnostics.info import collect_report

    sys.stdout.write(collect_report(torch_timeout=args.timeout, probe_timeout=args.timeout).as_text())
    return 0


def _cmd_self_test(args: argparse.Namespace) -> int:
    from soccer_desktop.diagnostics.selftest import run_self_test

    return run_self_test(lambda line: print(line, flush=True))


def register(commands: argparse._SubParsersAction) -> None:
    info = commands.add_parser("info", help="print versions, GPU, display, paths and weights (for bug reports)")
    info.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                      help="how long each probe (torch/CUDA, video, Qt) may take (default 60)")
    info.set_defaults(func=_cmd_info)
    self_test = commands.add_parser("self-test", help="check that this installation works (under a minute on a CPU)")
    self_test.set_defaults(func=_cmd_self_test)
