"""The Qt desktop app: thin widgets wired to the plain core modules."""
