"""The main window: wiring only. Widgets show state; core modules do the work."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from soccer_desktop import paths
from soccer_desktop.core.errors import UserError
from soccer_desktop.gui.analysis_actions import AnalysisActions
from soccer_desktop.gui.events_panel import EventsPanel
from soccer_desktop.gui.job_runner import Job, JobRunner
from soccer_desktop.gui.jobs_panel import JobsButton, confirm_cancel_running_jobs
from soccer_desktop.gui.labelling_actions import LabellingActions
from soccer_desktop.gui.tracking_actions import TrackingActions
from soccer_desktop.gui.project_panel import ProjectPanel
from soccer_desktop.gui.review_panel import ReviewPanel
from soccer_desktop.gui.welcome import WelcomePage
from soccer_desktop.gui.window_state import WindowLayout
from soccer_desktop.project.store import INTERACTIVE_BUSY_TIMEOUT_MS, Project, Video
from soccer_desktop.settings import Settings
from soccer_desktop.video import VIDEO_SUFFIXES

if TYPE_CHECKING:
    from soccer_desktop.gui.canvas.canvas_panel import CanvasPanel
    from soccer_desktop.gui.results.results_panel import ResultsPanel
    from soccer_desktop.gui.video_panel import VideoPanel
    from soccer_desktop.gui.wizard.runs_panel import RunsPanel

log = logging.getLogger(__name__)
VIDEO_TAB, ANNOTATE_TAB, RESULTS_TAB = 0, 1, 2
VIDEO_FILTER = "Videos (" + " ".join(f"*{suffix}" for suffix in VIDEO_SUFFIXES) + ");;All files (*)"


class MainWindow(QMainWindow):
    sig_project_opened = Signal(object)
    """The Project now open."""
    sig_message = Signal(str)
    """A message was shown to the user (errors included); tests read it."""

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Soccer Desktop")
        self.resize(1400, 850)
        self.setAcceptDrops(True)
        self.settings = settings or Settings.load()
        self.project: Project | None = None
        self.current_video: Video | None = None
        self.jobs = JobRunner(self)
        self.labelling = LabellingActions(self)
        self.analysis = AnalysisActions(self)
        self.tracking = TrackingActions(self, self.jobs, lambda: self.project.root if self.project else None,
                                        self.show_info, self.show_error)  # fmt: skip

        self.welcome = WelcomePage()
        # The two work panels are built when first needed: their widgets cost start-up time.
        self._video_panel: VideoPanel | None = None
        self._canvas_panel: CanvasPanel | None = None
        self._results_panel: ResultsPanel | None = None
        self.workspace = QTabWidget()
        self.workspace.addTab(QWidget(), "Video")
        self.workspace.addTab(QWidget(), "Annotate")
        self.workspace.addTab(QWidget(), "Results")
        self.workspace.currentChanged.connect(self._tab_changed)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.workspace)
        self.setCentralWidget(self.pages)

        self.project_panel = ProjectPanel()
        self.events_panel = EventsPanel()
        self.review_panel = ReviewPanel(self.jobs)
        self._add_dock("Project", self.project_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("Review queue", self.review_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        events_dock = self._add_dock("Events", self.events_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self._runs_panel: RunsPanel | None = None  # built when its tab is first shown
        self.runs_dock = self._add_dock("Training runs", QWidget(), Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(events_dock, self.runs_dock)
        events_dock.raise_()
        self.runs_dock.visibilityChanged.connect(lambda visible: visible and self.runs_panel)
        self.jobs_button = JobsButton(self.jobs)
        self.statusBar().addPermanentWidget(self.jobs_button)

        self._build_menus()
        self.window_layout = WindowLayout(self, self.settings, self.view_menu)
        self.window_layout.restore()
        self.welcome.sig_open_demo.connect(self.open_demo_project)
        self.welcome.sig_new_project.connect(self.choose_new_project)
        self.welcome.sig_open_project.connect(self.choose_project)
        self.welcome.sig_open_video.connect(self.choose_video)
        self.project_panel.sig_video_chosen.connect(self.show_video)
        self.review_panel.sig_open_frame.connect(self.open_frame)
        self.review_panel.sig_extract_requested.connect(self.labelling.choose_extraction)
        self.review_panel.sig_train_requested.connect(self.open_training_wizard)
        self.project_panel.sig_open_video_requested.connect(self.choose_video)
        self.events_panel.sig_import_requested.connect(self.choose_events)

    @property
    def video_panel(self) -> VideoPanel:
        """The video player, created (and wired) on first use."""
        if self._video_panel is None:
            from soccer_desktop.gui.video_panel import VideoPanel

            panel = VideoPanel()
            self.events_panel.sig_jump.connect(panel.seek)
            self.events_panel.sig_markers_changed.connect(panel.set_markers)
            panel.sig_error.connect(self.show_error)
            panel.track_menu.sig_move_track.connect(self.tracking.move_track)
            self.tracking.sig_tracks_changed.connect(lambda _: panel.overlay_controls.refresh_teams())
            self._video_panel = panel
            self._install_tab(VIDEO_TAB, panel, "Video")
        return self._video_panel

    @property
    def canvas_panel(self) -> CanvasPanel:
        """The annotation canvas, created (and wired) on first use."""
        if self._canvas_panel is None:
            from soccer_desktop.gui.canvas.canvas_panel import CanvasPanel

            canvas = CanvasPanel()
            canvas.set_queue_provider(self._next_in_review_queue)
            canvas.sig_boxes_changed.connect(self.labels_changed)
            canvas.sig_reviewed_changed.connect(self.labels_changed)
            canvas.sig_error.connect(lambda message: self.statusBar().showMessage(message, 10000))
            canvas.sig_extract_requested.connect(self.labelling.choose_extraction)
            canvas.sig_status.connect(lambda message: self.statusBar().showMessage(message, 10000))
            self._canvas_panel = canvas
            self._install_tab(ANNOTATE_TAB, canvas, "Annotate")
            canvas.set_project(self.project)
        return self._canvas_panel

    @property
    def runs_panel(self) -> RunsPanel:
        """The list of training runs, created (and wired) on first use."""
        if self._runs_panel is None:
            from soccer_desktop.gui.wizard.runs_panel import RunsPanel

            panel = RunsPanel()
            panel.sig_new_training.connect(self.open_training_wizard)
            panel.sig_message.connect(self.show_error)
            self._runs_panel = panel
            placeholder = self.runs_dock.widget()
            self.runs_dock.setWidget(panel)
            placeholder.deleteLater()
            panel.show_project(self.project.root if self.project is not None else None)
        return self._runs_panel

    @property
    def results_panel(self) -> ResultsPanel:
        """The results viewer (evaluations, curves, error browser), created (and wired) on first use."""
        if self._results_panel is None:
            from soccer_desktop.gui.results.results_panel import ResultsPanel

            panel = ResultsPanel(self.jobs)
            panel.sig_sent_to_review.connect(self.labels_changed)
            panel.sig_message.connect(self.show_error)
            self._results_panel = panel
            self._install_tab(RESULTS_TAB, panel, "Results")
            panel.set_project(self.project.root if self.project is not None else None)
        return self._results_panel

    def show_results(self) -> None:
        self.pages.setCurrentWidget(self.workspace)
        self.workspace.setCurrentWidget(self.results_panel)

    def show_runs(self) -> None:
        self.runs_dock.show()
        self.runs_dock.raise_()
        self.runs_panel.refresh()

    def open_training_wizard(self) -> QWidget:
        """The training wizard (not modal) for the open project; new runs appear in the runs list."""
        from soccer_desktop.gui.wizard.wizard import open_training_wizard

        wizard = open_training_wizard(parent=self, project_root=self.project.root if self.project else None,
                                      jobs=self.jobs)
        wizard.sig_run_started.connect(lambda _run_dir: self.show_runs())
        wizard.sig_message.connect(self.show_error)
        return wizard

    def _install_tab(self, index: int, widget: QWidget, title: str) -> None:
        """Put a freshly built panel in place of its tab's placeholder, keeping the current tab."""
        current = self.workspace.currentIndex()
        self.workspace.blockSignals(True)
        placeholder = self.workspace.widget(index)
        self.workspace.removeTab(index)
        self.workspace.insertTab(index, widget, title)
        self.workspace.setCurrentIndex(current)
        self.workspace.blockSignals(False)
        placeholder.deleteLater()

    def _tab_changed(self, index: int) -> None:
        panel = {VIDEO_TAB: lambda: self.video_panel, ANNOTATE_TAB: lambda: self.canvas_panel,
                 RESULTS_TAB: lambda: self.results_panel}[index]()
        self.workspace.setCurrentWidget(panel)

    def _add_dock(self, title: str, widget: object, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&New project…", self.choose_new_project, QKeySequence.StandardKey.New)
        self._action(file_menu, "&Open project…", self.choose_project, QKeySequence.StandardKey.Open)
        self._action(file_menu, "Open the &demo project", self.open_demo_project)
        self.recent_projects_menu = file_menu.addMenu("Recent projects")
        file_menu.addSeparator()
        self._action(file_menu, "Open &video…", self.choose_video, "Ctrl+Shift+O")
        self.recent_videos_menu = file_menu.addMenu("Recent videos")
        self.import_events_action = self._action(file_menu, "Import &events…", self.choose_events)
        self._action(file_menu, "&Relink a moved video…", self.choose_relink)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, "Ctrl+Q")  # the standard key is empty on some desktops
        labels_menu = self.menuBar().addMenu("&Labels")
        self._action(labels_menu, "E&xtract frames…", self.labelling.choose_extraction)
        self._action(labels_menu, "&Pseudo-label frames…", self.labelling.choose_pseudo_label)
        labels_menu.addSeparator()
        self._action(labels_menu, "&Import labels…", self.labelling.choose_label_import)
        self._action(labels_menu, "E&xport dataset…", self.labelling.choose_dataset_export)
        self._action(labels_menu, "&Validate a dataset folder…", self.labelling.choose_dataset_validation)
        analysis_menu = self.menuBar().addMenu("&Analysis")
        self._action(analysis_menu, "&Analyse video…", self.analysis.choose_analysis)
        chosen = self.analysis.with_chosen
        self._action(analysis_menu, "&Track players…", lambda: chosen(self.tracking.choose_tracking))
        self._action(analysis_menu, "Tea&ms…", lambda: chosen(self.tracking.choose_teams))
        self._action(analysis_menu, "&Export analysis…", self.analysis.choose_export)
        training_menu = self.menuBar().addMenu("&Training")
        self._action(training_menu, "&New training run…", self.open_training_wizard)
        self._action(training_menu, "Training &runs", self.show_runs)
        self._action(training_menu, "R&esults and errors", self.show_results)
        self.view_menu = self.menuBar().addMenu("&View")  # filled by WindowLayout: every dock, Reset layout
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&Getting started", self.show_getting_started)
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts)
        self._action(help_menu, "Open the log folder", self.open_log_folder)
        self._action(help_menu, "About / &Diagnostics…", self.show_about)
        self._refresh_recent_menus()

    def _action(self, menu: QMenu, text: str, slot: object, shortcut: object = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _refresh_recent_menus(self) -> None:
        for menu, items, opener in (
            (self.recent_projects_menu, self.settings.recent_projects, self.open_project),
            (self.recent_videos_menu, self.settings.recent_videos, self.open_video),
        ):
            menu.clear()
            for item in items:
                action = menu.addAction(item)
                action.triggered.connect(lambda _=False, p=item, o=opener: o(Path(p)))
            menu.setEnabled(bool(items))

    # -------------------------------------------------------------- messages
    def show_error(self, message: str) -> None:
        """A non-blocking message box naming the problem and the fix."""
        log.warning("Shown to the user: %s", message)
        box = QMessageBox(QMessageBox.Icon.Warning, "Soccer Desktop", message, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.statusBar().showMessage(message.splitlines()[0], 10000)
        self.sig_message.emit(message)

    def show_info(self, message: str) -> None:
        """A non-blocking report (job summaries)."""
        box = QMessageBox(QMessageBox.Icon.Information, "Soccer Desktop", message, QMessageBox.StandardButton.Ok,
                          self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.statusBar().showMessage(message.splitlines()[0], 10000)
        self.sig_message.emit(message)

    def show_about(self) -> QWidget:
        """Version and the diagnostics report (collected in the background), with a Copy button."""
        from soccer_desktop.gui.diagnostics_dialog import DiagnosticsDialog

        dialog = DiagnosticsDialog(self.jobs, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_shortcuts(self) -> QDialog:
        from soccer_desktop.editing.keymap import Keymap
        from soccer_desktop.gui.help_pages import ShortcutsDialog

        keymap = self._canvas_panel.keymap() if self._canvas_panel is not None else Keymap.load()
        return self._show_dialog(ShortcutsDialog(keymap, self))

    def show_getting_started(self) -> QDialog:
        from soccer_desktop.gui.help_pages import GettingStartedDialog, getting_started_steps

        return self._show_dialog(GettingStartedDialog(getting_started_steps(self), self))

    def _show_dialog(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_log_folder(self) -> None:
        paths.log_dir().mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.log_dir())))

    # -------------------------------------------------------------- projects
    def choose_new_project(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the new project", str(paths.projects_dir()))
        if folder:
            self._run_guarded(lambda: self._set_project(Project.create(folder)))

    def choose_project(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open project folder", str(paths.projects_dir()))
        if folder:
            self.open_project(Path(folder))

    def open_project(self, folder: Path) -> None:
        # The window's own connection gives up on a lock after a second: a clear "busy" message
        # beats a frozen window (jobs keep the longer default on their own connections).
        self._run_guarded(lambda: self._set_project(Project.open(folder, INTERACTIVE_BUSY_TIMEOUT_MS)))

    def _set_project(self, project: Project) -> None:
        if self.project is not None:
            if self._canvas_panel is not None:
                self._canvas_panel.set_project(None)
            if self._video_panel is not None:  # the old project's video, events and boxes go with it
                self._video_panel.close_video()
                self._video_panel.show_analyses(None, None)
            self.current_video = None
            self.events_panel.set_events([])
            self.project.close()
        self.project = project
        if self._canvas_panel is not None:
            self._canvas_panel.set_project(project)
        if self._runs_panel is not None:
            self._runs_panel.show_project(project.root)
        if self._results_panel is not None:
            self._results_panel.set_project(project.root)
        self.settings.remember_project(project.root)
        self.settings.welcome_seen = True
        self._save_settings()
        self.setWindowTitle(f"{project.name} — Soccer Desktop")
        self.refresh_project()
        self._clean_leftovers(project.root)
        videos = project.videos()
        if videos:
            self.show_video(videos[0].id)
        self.sig_project_opened.emit(project)

    def refresh_project(self) -> None:
        """Show the project's current videos and counts, and rank the review queue again."""
        self.review_panel.set_project(self.project)
        if self.project is None:
            self.project_panel.clear()
            return
        self.project_panel.show_project(
            self.project.name, self.project.root, self.project.videos(), self.project.counts()
        )

    def open_demo_project(self) -> Job:
        """Build the demo project in the background if needed, then open it."""
        from soccer_desktop.demo import build_demo_project

        target = paths.demo_project_dir()
        job = self.jobs.start(
            "Preparing the demo project", lambda progress, cancel: build_demo_project(target, progress=progress, cancel=cancel)
        )
        job.sig_finished.connect(lambda folder: self.open_project(Path(folder)))
        job.sig_failed.connect(self.show_error)
        return job

    # ---------------------------------------------------------------- videos
    def choose_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open video", "", VIDEO_FILTER)
        if path:
            self.open_video(Path(path))

    def open_video(self, path: Path) -> Job | None:
        """Add a video to the open project (probing it in the background) or just play it."""
        self.settings.remember_video(path)
        self._save_settings()
        if self.project is None:
            self.current_video = None
            self.events_panel.set_events([])
            self.pages.setCurrentWidget(self.workspace)
            self.workspace.setCurrentWidget(self.video_panel)
            self.video_panel.open_video(path)
            self.video_panel.show_analyses(None, None)
            return None
        from soccer_desktop.video.library import add_video

        root = self.project.root

        def add(progress: object, cancel: object) -> int:
            with Project.open(root) as project:
                return add_video(project, path)[0].id

        job = self.jobs.start(f"Adding {path.name}", add)
        job.sig_finished.connect(lambda video_id: self._video_added(root, video_id))
        job.sig_failed.connect(self.show_error)
        return job

    def _video_added(self, root: Path, video_id: int) -> None:
        if self.project is None or self.project.root != root:
            return  # the user closed or switched projects while the video was being added
        self.refresh_project()
        self.show_video(video_id)

    def open_frame(self, frame_id: int) -> None:
        """Open an extracted frame in the annotation canvas."""
        if self.project is not None and self.canvas_panel.open_frame(frame_id):
            self.pages.setCurrentWidget(self.workspace)
            self.workspace.setCurrentWidget(self.canvas_panel)
            self.canvas_panel.setFocus()

    def _next_in_review_queue(self) -> int | None:
        """The best-ranked frame still unreviewed, other than the one on the canvas."""
        if self.project is None:
            return None
        unreviewed = self.project.unreviewed_frame_ids()
        current = self._canvas_panel.current_frame() if self._canvas_panel is not None else None
        return next(
            (item.frame.id for item in self.review_panel.items()
             if item.frame.id in unreviewed and (current is None or item.frame.id != current.id)),
            None,
        )

    def labels_changed(self, *_: object) -> None:
        """Boxes or frames changed (an edit, a job): update the counts and re-rank the review queue."""
        if self.project is not None:
            self.project_panel.show_project(
                self.project.name, self.project.root, self.project.videos(), self.project.counts()
            )
            self.review_panel.refresh()
            if self._canvas_panel is not None:
                self._canvas_panel.refresh()  # the first frame appears as soon as there is one

    def show_video(self, video_id: int, start_frame: int = 0) -> None:
        if self.project is None:
            return
        video = self.project.video(video_id)
        status = video.file_status()
        if status == "missing":
            self.show_error(
                f"The video {video.path} is missing: it was moved or deleted. "
                "Put it back, or show where it is now with File › Relink a moved video…"
            )
            return
        if status == "changed":
            self.statusBar().showMessage(f"{Path(video.path).name} changed since it was added.", 10000)
        self.current_video = video
        self.pages.setCurrentWidget(self.workspace)
        self.workspace.setCurrentWidget(self.video_panel)
        from soccer_desktop.video.frame_index import index_dir

        self.video_panel.open_video(Path(video.path), start_frame, index_cache=index_dir(self.project.root))
        self.video_panel.show_analyses(self.project, video.id)
        self.events_panel.set_events(self.project.events(video.id))

    def choose_relink(self) -> None:
        """Ask where each missing video of the project is now."""
        if self.project is None:
            return
        missing = [video for video in self.project.videos() if video.file_status() == "missing"]
        if not missing:
            self.show_info("Every video of this project is where it was added.")
        for video in missing:
            path, _ = QFileDialog.getOpenFileName(self, f"Where is {Path(video.path).name} now?", "", VIDEO_FILTER)
            if path:
                self.relink_video(video.id, Path(path))

    def relink_video(self, video_id: int, new_path: Path) -> Job | None:
        """Relink as a job: checking the new file indexes all of it, which must not freeze the window."""
        if self.project is None:
            return None
        from soccer_desktop.video.library import relink_video

        root = self.project.root

        def relink(progress: object, cancel: object) -> int:
            with Project.open(root) as project:
                return relink_video(project, video_id, new_path).id

        def relinked(_: object) -> None:
            if self.project is not None and self.project.root == root:
                self.refresh_project()

        job = self.jobs.start(f"Relinking {new_path.name}", relink)
        job.sig_finished.connect(relinked)
        job.sig_failed.connect(self.show_error)
        return job

    def choose_events(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import events", "", "Event files (*.json);;All files (*)")
        if path:
            self.import_events(Path(path))

    def import_events(self, path: Path) -> None:
        if self.project is None or self.current_video is None:
            self.show_error("Open a project and one of its videos first, then import the events of that video.")
            return
        from soccer_desktop.video.library import import_events

        video = self.current_video

        def run() -> None:
            count = import_events(self.project, video, path)
            self.statusBar().showMessage(f"Imported {count} events from {path.name}.", 10000)
            self.events_panel.set_events(self.project.events(video.id))
            self.refresh_project()

        self._run_guarded(run)

    # ----------------------------------------------------------- drag & drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(Path(url.toLocalFile()).suffix.lower() in (*VIDEO_SUFFIXES, ".json") for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            path = Path(url.toLocalFile())
            if path.suffix.lower() == ".json":
                self.import_events(path)
            else:
                self.open_video(path)
        event.acceptProposedAction()

    # ---------------------------------------------------------------- helpers
    def _run_guarded(self, action: object) -> None:
        """Run a quick GUI-thread action; user errors become a message, not a traceback."""
        try:
            action()
        except UserError as error:
            self.show_error(error.for_gui())

    def _save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as error:
            log.warning("Could not save settings: %s", error)
        self._refresh_recent_menus()

    def _clean_leftovers(self, root: Path) -> Job:
        """Remove what a crash or a killed job left in the project (temporary files, unfinished exports)."""
        from soccer_desktop.project.cleanup import clean_leftovers

        job = self.jobs.start("Cleaning up unfinished writes",
                              lambda progress, cancel: clean_leftovers(root, cancel=cancel).summary(), background=True)
        job.sig_finished.connect(lambda text: text and self.statusBar().showMessage(text, 10000))
        return job

    def closeEvent(self, event: QCloseEvent) -> None:
        if not confirm_cancel_running_jobs(self.jobs, self):
            event.ignore()
            return
        self.window_layout.remember()
        self._save_settings()
        for job in self.jobs.cancel_all(wait_s=10.0):
            log.warning("Job %r did not stop in time; its leftovers are removed when the project opens next",
                        job.name)
        if self._video_panel is not None:
            self._video_panel.close_video()
        if self._canvas_panel is not None:
            self._canvas_panel.set_project(None)
        if self._runs_panel is not None:
            self._runs_panel.shutdown()
        if self.project is not None:
            self.project.close()
            self.project = None
        super().closeEvent(event)
