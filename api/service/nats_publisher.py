"""Publishes the public events to a NATS JetStream stream, each exactly once, in ledger order.

Each event goes to ``<prefix>.<event type>`` (``sanbao.claims.repaired``) with
``Nats-Msg-Id`` set to its ledger position, so JetStream drops a message it
already holds. The stream is created when missing. Each message also names the
position before it (``Nats-Expected-Last-Msg-Id``): the stream refuses a message
that does not follow the last one it stored, so it always holds a prefix of the
feed, in order, even though a window of messages is in flight at once (one at
a time, each acknowledged before the next, managed 1,235 events/s against 2,960
in windows of 128: ``bench.outlets``). After a refusal or a lost acknowledgement
the publisher reads the stream's last message and goes on after it. After each
page the position is recorded in PostgreSQL (``storage.publish_positions``). A
publisher that was killed resumes after the greater of that position and the
stream's last message: nothing is sent twice even past the stream's duplicate
window, and nothing is skipped.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass

import nats
import nats.js.errors
import psycopg
from eventsourcing.persistence import PersistenceError
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from api.service.logs import logger
from domain.application import ClaimsLedger
from projections.feed.reader import EventFeed
from storage.publish_positions import PublishPositions
from storage.recorder import datastore_of

PAGE = 500
# Messages in flight at once; the stream's order check keeps them a prefix whatever fails.
WINDOW = 128
POLL_SECONDS = 0.5
ACK_SECONDS = 5.0
RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class NatsTarget:
    """Where the events go: the server, the stream and the subjects' prefix."""

    url: str
    stream: str = "SANBAO"
    subject_prefix: str = "sanbao.claims"

    @property
    def outlet(self) -> str:
        """The outlet's name in ``outlets.positions``."""
        return f"nats:{self.stream}"


class NatsPublisher:
    """Publishes the ledger's public events to one JetStream stream."""

    def __init__(self, ledger: ClaimsLedger, target: NatsTarget) -> None:
        self.ledger = ledger
        self.target = target
        self.feed = EventFeed(ledger)
        self.positions = PublishPositions(datastore_of(ledger))
        self.published = 0

    async def run(self, stopping: threading.Event, once: bool = False) -> int:
        """Publishes until ``stopping`` is set (or, with ``once``, until caught up).

        Returns how many events this run published.
        """
        client = await nats.connect(self.target.url, connect_timeout=5, max_reconnect_attempts=-1)
        try:
            stream = client.jetstream(timeout=ACK_SECONDS)
            await self._ensure_stream(stream)
            after = max(
                await asyncio.to_thread(self.positions.position, self.target.outlet),
                await self._last_published(stream),
            )
            last = await self._last_published(stream)
            while not stopping.is_set():
                page = await asyncio.to_thread(self.feed.page, after, PAGE)
                try:
                    last = await self._publish_page(stream, page.events, last)
                except (nats.js.errors.APIError, nats.errors.TimeoutError):
                    # Refused or unanswered: the stream still holds a prefix; go on after it.
                    after = last = await self._last_published(stream)
                    continue
                if page.next_after > after:
                    after = page.next_after
                    await asyncio.to_thread(self.positions.advance, self.target.outlet, after)
                if not page.events:
                    if once:
                        break
                    await asyncio.sleep(POLL_SECONDS)
        finally:
            await client.close()
        return self.published

    async def _publish_page(
        self, stream: JetStreamContext, events: list[dict[str, object]], last: int
    ) -> int:
        """Publishes the events in windows; returns the last position the stream holds."""
        for start in range(0, len(events), WINDOW):
            window = events[start : start + WINDOW]
            previous = [last] + [int(str(e["position"])) for e in window[:-1]]
            sends = (self._publish(stream, e, p) for e, p in zip(window, previous, strict=True))
            answers = await asyncio.gather(*sends, return_exceptions=True)
            for answer in answers:
                if isinstance(answer, BaseException):
                    raise answer
            last = int(str(window[-1]["position"]))
            self.published += len(window)
        return last

    async def _publish(self, stream: JetStreamContext, event: dict[str, object], last: int) -> None:
        subject = f"{self.target.subject_prefix}.{event['type']}"
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Nats-Msg-Id": str(event["position"])}
        if last:
            headers["Nats-Expected-Last-Msg-Id"] = str(last)
        await stream.publish(subject, body, stream=self.target.stream, headers=headers)

    async def _ensure_stream(self, stream: JetStreamContext) -> None:
        try:
            await stream.stream_info(self.target.stream)
        except NotFoundError:
            subjects = [f"{self.target.subject_prefix}.>"]
            await stream.add_stream(name=self.target.stream, subjects=subjects)

    async def _last_published(self, stream: JetStreamContext) -> int:
        """The position of the last event the stream holds (0 when it holds none)."""
        info = await stream.stream_info(self.target.stream)
        if not info.state.last_seq:
            return 0
        message = await stream.get_msg(self.target.stream, seq=info.state.last_seq)
        msg_id = (message.headers or {}).get("Nats-Msg-Id", "0")
        return int(msg_id) if msg_id.isdigit() else 0


def publish_forever(ledger: ClaimsLedger, target: NatsTarget, stopping: threading.Event) -> None:
    """Runs the publisher in this thread until ``stopping``; reconnects after a failure."""
    while not stopping.is_set():
        try:
            asyncio.run(NatsPublisher(ledger, target).run(stopping))
        except (OSError, nats.errors.Error, psycopg.Error, PersistenceError) as error:
            # NATS or the database is away: the next run resumes where the stream stands.
            logger.warning("nats publisher failed; retrying", error_type=type(error).__name__)
            stopping.wait(RETRY_SECONDS)
