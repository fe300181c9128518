"""Staff as people know them: a user id recorded on events (``li.qiang``) → its display name.

Display names are kept with the users (``api.users.display_name``); the console
reads them all at once and keeps them for a few seconds per process, so a page
naming many staff costs no query per name. An id without a display name is
shown as it is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from storage.users import UserStore

KEEP_SECONDS = 5.0


class StaffNames:
    """The display names of one user store, read again after ``KEEP_SECONDS``."""

    def __init__(self, users: UserStore, keep_seconds: float = KEEP_SECONDS) -> None:
        self.users = users
        self.keep_seconds = keep_seconds
        self._names: dict[str, str] = {}
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def names(self) -> dict[str, str]:
        with self._lock:
            if time.monotonic() - self._read_at > self.keep_seconds:
                self._names = self.users.display_names()
                self._read_at = time.monotonic()
            return self._names

    def namer(self) -> Callable[[str | None], str]:
        """``name(user_id)``: the display name, the id without one, "—" for none."""
        names = self.names()
        return lambda user_id: names.get(user_id, user_id) if user_id else "—"
