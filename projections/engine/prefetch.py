"""Reads and decodes the next page of events while the current one is applied.

Applying a batch mostly waits on PostgreSQL (which releases the GIL), so a
background thread reading and decoding the following page in that time makes
catching up faster without changing what is applied or in which order.
"""

from __future__ import annotations

import enum
import queue
import threading
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")


class _End(enum.Enum):
    """The producer's last word: no page follows."""

    DONE = enum.auto()


class Prefetcher(Generic[T]):
    """Iterates ``read(after)`` pages in order, one page ahead, until a page is empty."""

    def __init__(
        self,
        read: Callable[[int], list[T]],
        after: int,
        position_of: Callable[[T], int],
        depth: int = 2,
    ) -> None:
        self.read = read
        self.after = after
        self.position_of = position_of
        self.pages: queue.Queue[list[T] | BaseException | _End] = queue.Queue(maxsize=depth)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._fill, name="prefetch", daemon=True)

    def __enter__(self) -> Iterator[list[T]]:
        self.thread.start()
        return self._pages()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        while self.thread.is_alive():  # unblock a producer waiting for room
            try:
                self.pages.get(timeout=0.05)
            except queue.Empty:
                pass
        self.thread.join()

    def _pages(self) -> Iterator[list[T]]:
        while True:
            item = self.pages.get()
            if item is _End.DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def _fill(self) -> None:
        after = self.after
        try:
            while not self.stopping.is_set():
                page = self.read(after)
                if not page:
                    break
                self._put(page)
                after = self.position_of(page[-1])
        except BaseException as error:  # handed to the consumer, which re-raises it
            self._put(error)
            return
        self._put(_End.DONE)

    def _put(self, item: list[T] | BaseException | _End) -> None:
        while not self.stopping.is_set():
            try:
                self.pages.put(item, timeout=0.05)
                return
            except queue.Full:
                continue
