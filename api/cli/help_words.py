"""typer's own words around the help texts (panel titles, "[default: …]", "Aborted."), in the
command line's language.

typer words them in English (click and typer ship no Chinese translations); they
are module settings of ``typer.rich_utils``, read each time help or an error is
shown, so setting them once when the command line is loaded is enough. click's
own few phrases ("Usage:", "Show this message and exit.") stay English.
"""

from __future__ import annotations

from typer import rich_utils

from api.cli.messages import t

SETTINGS = {
    "DEFAULT_STRING": "typer.default",
    "ENVVAR_STRING": "typer.env_var",
    "REQUIRED_LONG_STRING": "typer.required",
    "ARGUMENTS_PANEL_TITLE": "typer.arguments",
    "OPTIONS_PANEL_TITLE": "typer.options",
    "COMMANDS_PANEL_TITLE": "typer.commands",
    "ERRORS_PANEL_TITLE": "typer.error",
    "ABORTED_TEXT": "typer.aborted",
    "DEPRECATED_STRING": "typer.deprecated",
}


def word_typer_help() -> None:
    """Sets typer's help and error words to the command line's language."""
    for name, key in SETTINGS.items():
        setattr(rich_utils, name, t(key))
