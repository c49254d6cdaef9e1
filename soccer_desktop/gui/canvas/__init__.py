"""The annotation canvas: view and correct boxes with mouse and keyboard (see canvas_panel.CanvasPanel)."""
