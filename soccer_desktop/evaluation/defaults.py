"""Default evaluation settings (import-free, so the CLI parser can show them without loading numpy)."""

DEFAULT_CONFIDENCE = 0.3
DEFAULT_BALL_DISTANCE = 5.0
DETECTION_CONFIDENCE = 0.01  # detections are computed once at this confidence and stored
