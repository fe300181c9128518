"""The NATS publisher killed at random points: the stream holds every event once, in order.

Runs against the machine's NATS server with JetStream (``SANBAO_TEST_NATS_URL``,
default nats://127.0.0.1:4222; ``.ci/run`` starts it when it is down). Without a
server the test is skipped locally and fails under CI. Each run uses a stream and
subjects of its own, deleted afterwards, so runs never collide.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest

from api.service.background_work import BackgroundWork
from api.service.bootstrap import build_ledger
from api.service.database import Database
from api.settings import Settings
from domain.application import ClaimsLedger
from projections.engine.registry import build_views
from projections.engine.runner import ViewRunner
from storage.migrations import migrate
from storage.publish_positions import PublishPositions
from storage.recorder import datastore_of
from tests.fault.conftest import full_or
from tests.integration.reports import AGENT, new_report
from tests.support.databases import scratch_database, sibling_name
from tests.support.generate import generate

pytestmark = [pytest.mark.postgres, pytest.mark.fault, pytest.mark.slow]
NATS_URL = os.environ.get("SANBAO_TEST_NATS_URL", "nats://127.0.0.1:4222")
KILLS = full_or(6, 20)


async def _jetstream_answers(url: str) -> bool:
    client = await nats.connect(url, connect_timeout=2, max_reconnect_attempts=0)
    try:
        await client.jetstream().account_info()
        return True
    finally:
        await client.close()


@pytest.fixture(scope="module")
def nats_url() -> str:
    try:
        asyncio.run(_jetstream_answers(NATS_URL))
    except Exception as error:  # no server, or one without JetStream
        missing = f"no NATS JetStream at {NATS_URL} ({type(error).__name__})"
        if os.environ.get("CI"):
            pytest.fail(missing + ": CI starts the server, so this test must run")
        pytest.skip(missing)
    return NATS_URL


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Iterator[Settings]:
    with scratch_database(database_url, sibling_name(database_url, "nats")) as url:
        migrate(url)
        yield Settings(DATABASE_URL=url, data_dir=tmp_path)  # type: ignore[call-arg]


@pytest.fixture
def ledger(settings: Settings) -> Iterator[ClaimsLedger]:
    assert settings.database_url is not None
    opened = build_ledger(settings, Database(settings.database_url, embedded=False))
    yield opened
    opened.close()


def publisher_command(stream: str, prefix: str) -> list[str]:
    sanbao = shutil.which("sanbao", path=str(Path(sys.executable).parent)) or "sanbao"
    command = [sanbao, "publish", "nats", "--url", NATS_URL, "--stream", stream]
    return [*command, "--subject-prefix", prefix]


def publisher_env(settings: Settings) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": str(settings.database_url),
        "SANBAO_DATA_DIR": str(settings.data_dir),
    }


def start_publisher(settings: Settings, stream: str, prefix: str) -> subprocess.Popen[bytes]:
    with (settings.data_dir / "publisher.err").open("ab") as log:
        return subprocess.Popen(
            publisher_command(stream, prefix),
            env=publisher_env(settings),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


async def stream_count(stream: str) -> int:
    client = await nats.connect(NATS_URL)
    try:
        return int((await client.jetstream().stream_info(stream)).state.messages)
    except nats.js.errors.NotFoundError:
        return 0
    finally:
        await client.close()


async def stream_messages(stream: str) -> list[tuple[int, str]]:
    """Every message of the stream in stream order: (Nats-Msg-Id, subject)."""
    client = await nats.connect(NATS_URL)
    stream_api = client.jetstream()
    try:
        info = await stream_api.stream_info(stream)
        found = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            message = await stream_api.get_msg(stream, seq=seq)
            found.append((int((message.headers or {})["Nats-Msg-Id"]), str(message.subject)))
        return found
    finally:
        await client.close()


async def delete_stream(stream: str) -> None:
    client = await nats.connect(NATS_URL)
    try:
        await client.jetstream().delete_stream(stream)
    finally:
        await client.close()


def test_a_killed_publisher_leaves_every_event_once_in_order(
    nats_url: str, settings: Settings, ledger: ClaimsLedger
) -> None:
    for _ in generate(ledger, 300):
        pass
    stream = f"SANBAO_TEST_{uuid.uuid4().hex[:10].upper()}"
    prefix = f"test{uuid.uuid4().hex[:10]}.sanbao.claims"
    rng = random.Random()
    writing = threading.Event()
    writer = threading.Thread(target=_write_while, args=(ledger, writing))
    writing.set()
    writer.start()
    cut = []  # per kill: whether the stream held only part of the ledger then
    try:
        for _ in range(KILLS):
            before = asyncio.run(stream_count(stream))
            publisher = start_publisher(settings, stream, prefix)
            deadline = time.monotonic() + 60
            while asyncio.run(stream_count(stream)) == before and time.monotonic() < deadline:
                assert publisher.poll() is None, (settings.data_dir / "publisher.err").read_text()
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 0.3))  # somewhere in the middle of publishing
            publisher.send_signal(signal.SIGKILL)
            publisher.wait()
            cut.append(
                asyncio.run(stream_count(stream)) < (ledger.recorder.max_notification_id() or 0)
            )
    finally:
        writing.clear()
        writer.join()
    try:
        finish = subprocess.run(
            [*publisher_command(stream, prefix), "--once"],
            env=publisher_env(settings),
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert finish.returncode == 0, finish.stderr.decode()
        assert sum(cut) >= KILLS // 2, cut  # most kills fell in the middle of publishing
        published = asyncio.run(stream_messages(stream))
        committed = ledger.recorder.select_notifications(1, 1_000_000)
        assert [msg_id for msg_id, _ in published] == [n.id for n in committed]
        assert all(subject.startswith(prefix + ".") for _, subject in published)
        outlet = PublishPositions(datastore_of(ledger)).position(f"nats:{stream}")
        assert outlet == committed[-1].id
    finally:
        asyncio.run(delete_stream(stream))


def _write_while(ledger: ClaimsLedger, writing: threading.Event) -> None:
    while writing.is_set():
        ledger.report(AGENT, **new_report())
        time.sleep(0.01)


def test_the_background_publishes_when_a_nats_url_is_set(
    nats_url: str, settings: Settings, ledger: ClaimsLedger
) -> None:
    stream = f"SANBAO_TEST_{uuid.uuid4().hex[:10].upper()}"
    prefix = f"test{uuid.uuid4().hex[:10]}.sanbao.claims"
    configured = settings.model_copy(
        update={"nats_url": nats_url, "nats_stream": stream, "nats_subject_prefix": prefix}
    )
    work = BackgroundWork(ledger, ViewRunner(ledger, build_views(ledger)), configured).start()
    try:
        position = ledger.report(AGENT, **new_report()).position
        deadline = time.monotonic() + 30
        while asyncio.run(stream_count(stream)) < 1:
            assert time.monotonic() < deadline and not work.failed.is_set()
            time.sleep(0.1)
        assert asyncio.run(stream_messages(stream))[-1][0] == position
    finally:
        work.stop()
        asyncio.run(delete_stream(stream))
