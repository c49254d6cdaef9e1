"""Two-phase RF-DETR fine-tuning: configuration, small-object augmentations, the engine and its runs.

Modules: :mod:`.config` (typed configuration <-> YAML), :mod:`.augment` (mosaic,
mixup, ball copy-paste, albumentations checks), :mod:`.dataset_info` (dataset
counts and warnings), :mod:`.preview` (augmented samples for the wizard), :mod:`.data` (rfdetr data module with our augmentations
and oversampling), :mod:`.engine` (the two phases on rfdetr's Lightning
pieces), :mod:`.events` (the JSON-lines event stream), :mod:`.tracking`
(MLflow), :mod:`.runs` (run folders and the project's runs table),
:mod:`.worker` (the training process), :mod:`.subprocess_runner` (starting and
following it), :mod:`.hardware` (devices and advice) and :mod:`.commands`
(``soccer-desktop train``).

Nothing imported by this package's ``__init__`` needs torch; :mod:`.data` and
the engine's functions import torch, rfdetr and mlflow when they run.
"""
