"""A refusal as the command line prints it, in its language.

English prints the error's own message. Chinese prints the title the HTTP API
gives the same problem in Chinese (``api.http.problem_language``) with the
error's Chinese detail where it has one, else its English message (which names
codes and values that read the same in both).
"""

from __future__ import annotations

from api.cli.language import cli_language
from api.http.problem_language import TITLES_ZH
from api.http.problems import problem_type


def error_text(error: BaseException) -> str:
    """What went wrong, in the command line's language."""
    if cli_language() != "zh":
        return str(error)
    detail = getattr(error, "detail_zh", "") or str(error)
    kind = problem_type(error)
    title = TITLES_ZH.get(kind.slug, "") if kind is not None else ""
    return f"{title}：{detail}" if title and title != detail else detail
