"""Qt-free video input and output: decoding, encoding and the synthetic demo match."""
