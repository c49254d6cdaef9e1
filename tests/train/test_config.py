"""Training configurations: YAML round trips, the shipped configs, and errors that name the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from soccer_desktop.train.config import (
    ConfigError,
    TrainingConfig,
    cpu_smoke_config,
    dump_config,
    load_config,
    parse_config,
    parse_phases,
    save_config,
    soccertrack_config,
)

CONFIGS = Path(__file__).resolve().parents[2] / "soccer_desktop" / "configs"


def test_yaml_round_trip(tmp_path: Path) -> None:
    config = soccertrack_config()
    config.augment.albumentations[0].params["p"] = 0.25
    config.phase2.lr_encoder = 2e-5
    path = save_config(config, tmp_path / "c.yaml")
    assert load_config(path) == config
    assert parse_config(dump_config(cpu_smoke_config())) == cpu_smoke_config()


def test_shipped_configs_hold_the_plan_defaults() -> None:
    phase1 = load_config(CONFIGS / "training_soccertrack_phase1.yaml")
    phase2 = load_config(CONFIGS / "training_soccertrack_phase2.yaml")
    smoke = load_config(CONFIGS / "training_cpu_smoke.yaml")
    assert phase1.phases == [1] and phase2.phases == [2] and smoke.phases == [1, 2]
    assert (phase1.phase1.epochs, phase1.phase1.lr) == (10, 1e-4)
    assert (phase2.phase2.epochs, phase2.phase2.lr, phase2.phase2.init_from) == (40, 1e-5, "previous")
    a = phase1.augment
    specs = {s.name: s.params for s in a.albumentations}
    assert specs["HorizontalFlip"]["p"] == 0.5
    assert [specs["ColorJitter"][k] for k in ("brightness", "contrast", "saturation", "hue")] == [0.2, 0.2, 0.2, 0.1]
    assert specs["MotionBlur"] == {"blur_limit": [3, 19], "p": 0.4}
    assert specs["GaussianBlur"] == {"blur_limit": [3, 7], "sigma_limit": [0.5, 2.0], "p": 0.3}
    assert specs["ISONoise"]["p"] == 0.3
    assert specs["ImageCompression"] == {"quality_range": [60, 95], "p": 0.2}
    assert (specs["CLAHE"]["clip_limit"], specs["CLAHE"]["tile_grid_size"]) == (2.0, [8, 8])
    assert (a.mosaic.p, a.mosaic.scale) == (0.5, (0.4, 1.0))
    assert (a.mixup.p, a.mixup.alpha) == (0.3, 0.2)
    assert (a.ball_copy_paste.p, a.ball_copy_paste.max_copies) == (0.5, 3)
    assert a.ball_oversampling.weight == 3.0
    assert smoke.model.size == "nano" and smoke.model.resolution == 320 and smoke.model.group_detr == 1
    assert smoke.hardware.accelerator == "cpu" and smoke.hardware.num_workers == 0
    assert smoke == cpu_smoke_config()


def test_partial_sections_keep_their_own_defaults() -> None:
    config = parse_config("phase2: {epochs: 5}\nhardware: {batch_size: 8}\n")
    assert config.phase2.epochs == 5
    assert config.phase2.lr == 1e-5  # phase 2's default, not phase 1's
    assert config.phase2.early_stopping.enabled
    assert config.phase1 == TrainingConfig().phase1
    assert config.hardware.batch_size == 8 and config.hardware.grad_accum_steps == 4


def test_yaml_scientific_notation_without_dot() -> None:
    assert parse_config("phase1: {lr: 1e-4}").phase1.lr == 1e-4


def test_unknown_keys_and_bad_values_are_named() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("phase1: {epoch: 3, lr: fast}\nmodle: {}\n")
    text = str(caught.value)
    assert "phase1.epoch: unknown key" in text and "epochs" in text
    assert "phase1.lr: expected a number" in text
    assert "modle: unknown key" in text


@pytest.mark.parametrize(
    ("yaml_text", "words"),
    [
        ("model: {size: huge}", ["model.size", "nano, small, medium, large"]),
        ("model: {resolution: 500}", ["model.resolution", "multiple of 32", "512"]),
        ("model: {start_weights: checkpoint}", ["model.weights_path"]),
        ("phase1: {lr: 1.0e-4, min_lr: 1.0e-3}", ["phase1.min_lr"]),
        ("phases: [3]", ["phases"]),
        ("augment: {mosaic: {p: 1.5}}", ["augment.mosaic.p", "between 0 and 1"]),
        ("augment: {albumentations: [{name: GaussianBlur, params: {p: 2}}]}", ["GaussianBlur", "params.p"]),
        ("hardware: {accelerator: cpu, devices: 2}", ["hardware.devices"]),
        ("hardware: {precision: fp8}", ["hardware.precision"]),
        ("phase1: {init_from: somewhere.pth}", ["phase1.init_from"]),
    ],
)
def test_validation_messages(yaml_text: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(yaml_text).validate()
    for word in words:
        assert word in str(caught.value)


def test_load_config_reports_missing_files_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("model:\n  size: nano\n bad indent: 1\n")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_config(bad)


def test_parse_phases() -> None:
    assert parse_phases(None, [1, 2]) == [1, 2]
    assert parse_phases("1", [1, 2]) == [1]
    assert parse_phases("2", [1]) == [2]
    assert parse_phases("both", [1]) == [1, 2]
    with pytest.raises(ConfigError):
        parse_phases("3", [1])
