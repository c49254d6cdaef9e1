"""The base of every error a user can act on."""

from __future__ import annotations


class UserError(Exception):
    """A problem caused by input or environment (bad file, missing weights, locked project).

    Its message names the problem and the fix; the CLI prints it and exits with
    status 2, the GUI shows it in a message box. Anything else is a bug and is
    logged with its traceback.

    When the fix is done differently in the two front ends, the message says
    what is wrong and ``gui_hint`` / ``cli_hint`` say what to do there (the GUI
    names the menu or button, the command line the flag): :meth:`for_gui` and
    :meth:`for_cli` join them. ``str(error)`` is the message alone.
    """

    def __init__(self, message: str = "", *args: object, gui_hint: str | None = None,
                 cli_hint: str | None = None) -> None:
        super().__init__(message, *args)
        self.gui_hint = gui_hint
        self.cli_hint = cli_hint

    def __reduce__(self) -> tuple[object, ...]:
        # Keep the hints when the error crosses a process boundary (pickle drops keyword arguments).
        return (_rebuild, (type(self), self.args, self.gui_hint, self.cli_hint))

    def for_gui(self) -> str:
        return _joined(str(self), self.gui_hint)

    def for_cli(self) -> str:
        return _joined(str(self), self.cli_hint)


def _joined(message: str, hint: str | None) -> str:
    return f"{message} {hint}" if hint else message


def _rebuild(cls: type[UserError], args: tuple[object, ...], gui_hint: str | None,
             cli_hint: str | None) -> UserError:
    error = cls(*args)
    error.gui_hint, error.cli_hint = gui_hint, cli_hint
    return error


def gui_message(error: BaseException) -> str:
    """What the GUI shows for an error: a user error with its GUI hint, anything else as its text."""
    return error.for_gui() if isinstance(error, UserError) else str(error)
