"""SoccerTrack v1 CSV and MOT imports: boxes, tracks, the ball, frame steps, refusals that change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from soccer_desktop.dataset.common import DatasetError
from soccer_desktop.dataset.export import export_dataset
from soccer_desktop.dataset.track_import import import_mot, import_soccertrack_csv
from soccer_desktop.project.store import ClassId, Project
from tests.dataset.builders import project_files, read_picture
from tests.media import read_index

SOCCERTRACK_CSV = """\
#fps:25
#source:top_view
TeamID,0,0,0,0,1,1,1,1,3,3,3,3
PlayerID,1,1,1,1,7,7,7,7,0,0,0,0
Attributes,bb_left,bb_top,bb_width,bb_height,bb_left,bb_top,bb_width,bb_height,bb_left,bb_top,bb_width,bb_height
frame,,,,,,,,,,,,
0,10,5,8,20,50.5,6,9,21,100,30,4,4
1,11,5,8,20,,,,,101,30,4,4
2,12,5,8,20,52.5,6,9,21,,,,
3,,,,,,,,,,,,
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _boxes_by_frame(project: Project) -> dict[int, list[tuple[ClassId, float, float, float, float, int | None]]]:
    (video,) = project.videos()
    return {
        frame.frame_index or 0: sorted((b.class_id, b.x, b.y, b.w, b.h, b.track_id) for b in project.boxes(frame.id))
        for frame in project.frames(video.id)
    }


def test_soccertrack_csv(project: Project, tmp_path: Path, small_clip: Path) -> None:
    result = import_soccertrack_csv(project, _write(tmp_path / "bbox.csv", SOCCERTRACK_CSV), small_clip)
    assert result.frames_added == 4 and result.boxes == {"player": 5, "ball": 2} and result.negatives == 1
    boxes = _boxes_by_frame(project)
    assert boxes[0] == [(ClassId.PLAYER, 10, 5, 8, 20, 1), (ClassId.PLAYER, 50.5, 6, 9, 21, 2),
                        (ClassId.BALL, 100, 30, 4, 4, 3)]
    assert boxes[1] == [(ClassId.PLAYER, 11, 5, 8, 20, 1), (ClassId.BALL, 101, 30, 4, 4, 3)]
    assert boxes[3] == []
    (video,) = project.videos()
    frame = project.frame_at(video.id, 2)
    assert frame is not None and frame.reviewed
    assert read_index(read_picture(project.image_file(frame))) == 2


def test_soccertrack_csv_without_metadata_or_frame_row_and_every(project: Project, tmp_path: Path,
                                                                 small_clip: Path) -> None:
    lines = [line for line in SOCCERTRACK_CSV.splitlines() if not line.startswith(("#", "frame"))]
    source = _write(tmp_path / "plain.csv", "\n".join(lines) + "\n")
    result = import_soccertrack_csv(project, source, small_clip, every=2, reviewed=False)
    assert result.frames_added == 2 and sorted(_boxes_by_frame(project)) == [0, 2]
    assert not any(frame.reviewed for frame in project.frames())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("2,12,5,8,20", "x,12,5,8,20"), r"bbox.csv: line 9 starts with 'x'"),
        (("1,11,5,8,20,,", "1,11,5,8,20,3,,"), r"line 8 \(team 1 player 7\): \['3', '', '', ''\] are not four numbers"),
        (("0,10,5,8,20", "0,10,5,-8,20"), r"line 7 \(team 0 player 1\): the box is -8x20"),
        (("2,12,5,8,20", "75,12,5,8,20"), r"line 9: frame 75 is outside clip.mp4, which has frames 0 to 59"),
        (("Attributes,bb_left", "Attributes,x"), r"team 0 player 1 has no bb_left column"),
    ],
)
def test_malformed_soccertrack_csv_changes_nothing(
    project: Project, tmp_path: Path, small_clip: Path, change: tuple[str, str], message: str
) -> None:
    before, files = project.counts(), project_files(project)
    source = _write(tmp_path / "bbox.csv", SOCCERTRACK_CSV.replace(*change))
    with pytest.raises(DatasetError, match=message):
        import_soccertrack_csv(project, source, small_clip)
    assert project.counts() == before and project_files(project) == files
    assert not list(project.frames_dir.glob(".import-*"))


def test_mot_with_gameinfo_ball_flags_and_classes(project: Project, tmp_path: Path, small_clip: Path) -> None:
    sequence = tmp_path / "SNMOT-001"
    (sequence / "gt").mkdir(parents=True)
    (sequence / "gameinfo.ini").write_text("[Sequence]\nnum_tracklets=2\ntrackletID_1= player team left;7\n"
                                           "trackletID_2= ball;1\n")
    _write(sequence / "gt" / "gt.txt", "\n".join([
        "1,1,10,5,8,20,1,-1,-1,-1",
        "1,2,100,30,4,4,1,-1,-1,-1",
        "2,1,11,5,8,20,0,-1,-1,-1",  # flag 0: ignored
        "3,5,12,5,8,20,1,7,1",  # MOT17 class 7: left out
        "5,-1,13.5,5,8,20,1,1,1",
        "5,9,60,30,3,3,1,2,1",
        "",
    ]))
    result = import_mot(project, sequence, small_clip)
    assert result.frames_added == 2 and result.boxes == {"player": 2, "ball": 2}
    assert result.dropped == {"ignored (flag 0)": 1, "MOT class 7": 1}
    assert _boxes_by_frame(project) == {
        0: [(ClassId.PLAYER, 10, 5, 8, 20, 1), (ClassId.BALL, 100, 30, 4, 4, 2)],
        4: [(ClassId.PLAYER, 13.5, 5, 8, 20, None), (ClassId.BALL, 60, 30, 3, 3, 9)],
    }


def test_mot_export_imports_back(project: Project, tmp_path: Path, small_clip: Path) -> None:
    import_soccertrack_csv(project, _write(tmp_path / "bbox.csv", SOCCERTRACK_CSV), small_clip)
    export_dataset(project, tmp_path / "mot", "mot")
    with Project.create(tmp_path / "again") as again:
        import_mot(again, tmp_path / "mot" / "clip", small_clip)
        original = {k: v for k, v in _boxes_by_frame(project).items() if v}  # MOT has no empty frames
        assert _boxes_by_frame(again) == original


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("0,1,10,5,8,20,1,1,1", r"gt.txt: line 2 has frame '0'; MOT frames are whole numbers from 1"),
        ("2,1,10,5,8", r"line 2 has 5 values"),
        ("2,1,10,5,0,20,1,1,1", r"line 2: the box is 0x20"),
        ("99,1,10,5,8,20,1,1,1", r"line 2: frame 98 is outside clip.mp4"),
    ],
)
def test_malformed_mot_changes_nothing(
    project: Project, tmp_path: Path, small_clip: Path, line: str, message: str
) -> None:
    import_mot(project, _write(tmp_path / "ok.txt", "1,1,10,5,8,20,1,1,1\n"), small_clip)
    before, files = project.counts(), project_files(project)
    with pytest.raises(DatasetError, match=message):
        import_mot(project, _write(tmp_path / "gt.txt", f"3,1,10,5,8,20,1,1,1\n{line}\n"), small_clip)
    assert project.counts() == before and project_files(project) == files
