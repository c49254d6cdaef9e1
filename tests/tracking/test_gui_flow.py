"""The whole flow in the main window: analyse with motion proposals, tracking follows, the overlay shows it."""

from __future__ import annotations

from pathlib import Path

from soccer_desktop.analysis import store
from soccer_desktop.analysis.match_tracks import TrackingSettings
from soccer_desktop.detect.choice import DetectorChoice
from soccer_desktop.gui.main_window import MainWindow
from soccer_desktop.project.store import Project
from soccer_desktop.settings import Settings
from soccer_desktop.video.library import add_video
from soccer_desktop.video.synthetic import DemoMatch

WAIT_MS = 240_000  # motion proposals over a 5 s panorama, then tracking, on a busy 2-core machine


def test_analysis_then_tracking_from_the_analysis_dialog(qtbot, tmp_path: Path, match: DemoMatch) -> None:
    with Project.create(tmp_path / "project") as project:
        video, _ = add_video(project, match.video)
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.open_project(tmp_path / "project")
    window.show_video(video.id)
    settings = TrackingSettings.from_dict({"players": {"lost_seconds": 2.0}, "ball": {"max_gap": 6}})
    with qtbot.waitSignal(window.tracking.sig_tracks_changed, timeout=WAIT_MS) as tracked:
        window.analysis.run_analysis(DetectorChoice("motion"), (0, 49), tracking=settings)
    analysis_id = tracked.args[0]
    assert window.video_panel.overlay_controls.analysis_id() == analysis_id
    boxes = window.video_panel.view.overlay.boxes
    labels = [b.label for b in boxes if b.track_id is not None]
    assert len(labels) >= 15 and all(label.startswith("#") for label in labels)
    assert {b.team for b in boxes if b.track_id is not None} >= {0, 1}
    from soccer_desktop.analysis.track_store import tracking_record

    with Project.open(tmp_path / "project") as project:
        record = tracking_record(project, analysis_id)
        assert record is not None and record.settings == settings.as_dict()
        assert store.done_count(project, analysis_id) == 50  # the frames asked for, tracked
    window.close()
