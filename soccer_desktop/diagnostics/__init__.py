"""What a bug report needs (``info``), whether an installation works (``self-test``), first-run facts.

Qt-free and torch-free at import: anything that needs torch, PyAV, OpenCV or Qt
is asked in a child process with a timeout (:mod:`.probes`), so neither the
command line nor the GUI thread ever imports the heavy stack to describe it.
"""
