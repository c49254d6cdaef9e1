"""Videos: probing, frame-accurate reading, events, frame extraction, the synthetic match."""

VIDEO_SUFFIXES = (".mp4", ".mkv", ".mov", ".avi", ".m4v", ".webm")
