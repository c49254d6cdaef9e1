"""Soccer Desktop: find every player and the ball, correct the boxes, train your own detector."""

__version__ = "0.1.0"
