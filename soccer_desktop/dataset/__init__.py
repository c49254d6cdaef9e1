"""Datasets: leak-free COCO/YOLO/MOT export, validation, and import of the label formats analysts have.

Modules: :mod:`.common` (categories, class names, atomic file helpers),
:mod:`.selection` (which frames and boxes an export takes), :mod:`.split`
(time-block train/valid/test split), :mod:`.export`, :mod:`.validate`,
:mod:`.importing` (the one-transaction commit shared by all importers),
:mod:`.coco_import`, :mod:`.yolo_import`, :mod:`.track_import` (SoccerTrack
CSV and MOT) and :mod:`.commands` (the ``soccer-desktop dataset`` CLI).
"""
