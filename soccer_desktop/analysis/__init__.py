"""Match analysis: run a detector over whole videos, store every detection, export them."""
