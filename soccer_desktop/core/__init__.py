"""Plain, Qt-free building blocks shared by every layer."""
