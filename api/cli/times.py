"""Times as the CLI prints them: business time (Asia/Shanghai), always labelled as such."""

from __future__ import annotations

from datetime import datetime

from domain.claim import BUSINESS_TZ

TIME_FORMAT = "%Y-%m-%d %H:%M"
TIME_LABEL = "Beijing time, UTC+08:00"


def local(moment: datetime) -> str:
    """A moment as people in China read it (Asia/Shanghai)."""
    return moment.astimezone(BUSINESS_TZ).strftime(TIME_FORMAT)


def local_or_dash(moment: datetime | None) -> str:
    return local(moment) if moment else "-"
