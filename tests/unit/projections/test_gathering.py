"""Between catch-ups the view runner lets events gather longer the more the last one applied."""

from projections.engine.runner import MAX_GATHER_SECONDS, gather_seconds


def test_after_a_quiet_spell_the_next_event_is_applied_at_once() -> None:
    assert gather_seconds(0) == 0


def test_one_event_after_another_waits_a_little_a_stream_waits_the_most() -> None:
    single, few = gather_seconds(1), gather_seconds(4)
    assert 0 < single < few < MAX_GATHER_SECONDS
    assert gather_seconds(1_000) == MAX_GATHER_SECONDS
