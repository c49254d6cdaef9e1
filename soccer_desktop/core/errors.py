"""The base of every error a user can act on."""


class UserError(Exception):
    """A problem caused by input or environment (bad file, missing weights, locked project).

    Its message names the problem and the fix; the CLI prints it and exits with
    status 2, the GUI shows it in a message box. Anything else is a bug and is
    logged with its traceback.
    """
