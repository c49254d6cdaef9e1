"""Evaluation: detections of any source scored against a dataset split (COCO AP, size bins, ball distance).

Qt-free. Detections are computed once at a low confidence and stored; every
number that depends on a confidence threshold is recomputed from them.
"""
