"""Training GUI: the wizard, the live run view and the project's runs.

Public API for the main window (import lazily, when the user asks to train)::

    from soccer_desktop.gui.wizard.wizard import open_training_wizard
    wizard = open_training_wizard(parent=window, project_root=project.root, jobs=window.jobs)
    wizard.sig_run_started.connect(lambda run_dir: runs_panel.refresh())

    from soccer_desktop.gui.wizard.runs_panel import RunsPanel   # light: fine at start-up
    panel = RunsPanel()
    panel.show_project(project.root)       # or None when the project closes
    panel.sig_new_training.connect(...)    # open the wizard
    panel.sig_message.connect(window.show_error)
    panel.shutdown()                       # when the window closes (stops the MLflow UI)

This ``__init__`` imports nothing, so importing the package stays cheap.
"""
