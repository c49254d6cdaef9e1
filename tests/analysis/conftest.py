"""Fixtures of the analysis tests: a random RF-DETR Nano saved like the project's own checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest

RESOLUTION = 320


def save_random_nano(path: Path, resolution: int = RESOLUTION, queries: int = 30) -> Path:
    """A random Nano with scores near 0.5 (so it finds boxes), saved with class names player/ball."""
    import torch
    from rfdetr import RFDETRNano

    torch.manual_seed(0)
    model = RFDETRNano(pretrain_weights=None, num_classes=2, device="cpu", resolution=resolution,
                       num_queries=queries, num_select=queries, group_detr=1)  # fmt: skip
    network = model.model.model
    assert network is not None
    state = network.state_dict()
    state["class_embed.bias"] = torch.zeros_like(state["class_embed.bias"])
    config = model.model_config.model_dump(mode="json")
    for machine_specific in ("pretrain_weights", "device"):
        config.pop(machine_specific)
    args = {"class_names": ["player", "ball"], "num_classes": 2, "num_queries": queries, "group_detr": 1}
    torch.save({"model": state, "args": args, "model_name": "RFDETRNano", "model_config": config}, path)
    return path


@pytest.fixture(scope="session")
def random_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_random_nano(tmp_path_factory.mktemp("weights") / "checkpoint_best_total.pth")
