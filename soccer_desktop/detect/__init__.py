"""Detectors and the pseudo-label job.

Modules: :mod:`.base` (the detector interface), :mod:`.motion` (background
subtraction for static cameras, needs no weights), :mod:`.rfdetr_backend`
(RF-DETR weights, safe loading, class mapping, device), :mod:`.sahi_slicing`
(sliced inference for small balls), :mod:`.pseudo_label` (the job) and
:mod:`.commands` (the ``extract`` and ``pseudo-label`` commands). torch, rfdetr
and sahi are imported only inside functions of the RF-DETR and SAHI modules.
"""
