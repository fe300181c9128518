"""Times as the CLI prints them: business time (Asia/Shanghai), always labelled as such."""

from __future__ import annotations

from datetime import datetime

from api.cli.messages import t
from domain.claim import BUSINESS_TZ

TIME_FORMAT = "%Y-%m-%d %H:%M"


def local(moment: datetime) -> str:
    """A moment as people in China read it (Asia/Shanghai)."""
    return moment.astimezone(BUSINESS_TZ).strftime(TIME_FORMAT)


def time_label() -> str:
    """How the tables name the time zone their times are in, in the command line's language."""
    return t("time.label")


def local_or_dash(moment: datetime | None) -> str:
    return local(moment) if moment else "-"
