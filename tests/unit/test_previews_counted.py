"""Each preview picture a chat bot is given is counted once: shown, or dropped for a newer one (never both)."""
from __future__ import annotations

from adapters.chat.newest_previews import NewestPreviews

FRAMES = [f"frame {n}".encode() for n in range(4)]  # pictures are told apart as the notifiers do: by identity


def frame(n: int) -> bytes:
    return FRAMES[n]


def test_a_waiting_picture_gives_way_to_a_newer_one_and_is_counted_dropped():
    newest = NewestPreviews()
    newest.offer("job", frame(1))
    newest.offer("job", frame(2))
    assert newest.waiting("job") == frame(2)
    newest.sending("job", frame(2))
    newest.sent("job", frame(2), shown=True)
    assert (newest.counts.shown, newest.counts.dropped) == (1, 1) and newest.waiting("job") == b""


def test_a_picture_on_its_way_is_counted_by_how_its_send_ends_not_when_a_newer_one_comes():
    newest = NewestPreviews()
    newest.offer("job", frame(1))
    newest.sending("job", frame(1))
    assert newest.waiting("job") == b"", "the one on its way is not sent twice"
    newest.offer("job", frame(2))
    newest.sent("job", frame(1), shown=True)
    assert (newest.counts.shown, newest.counts.dropped) == (1, 0) and newest.waiting("job") == frame(2)
    newest.sending("job", frame(2))
    newest.offer("job", frame(3))
    newest.sent("job", frame(2), shown=False)  # refused, and frame 3 already took its place
    assert (newest.counts.shown, newest.counts.dropped) == (1, 1)


def test_a_refused_picture_waits_for_the_next_try_and_one_still_waiting_at_the_end_is_dropped():
    newest = NewestPreviews()
    newest.offer("job", frame(1))
    newest.sending("job", frame(1))
    newest.sent("job", frame(1), shown=False)
    assert newest.waiting("job") == frame(1) and newest.counts.dropped == 0
    newest.end("job")
    newest.end("job")
    assert (newest.counts.shown, newest.counts.dropped) == (0, 1) and newest.waiting("job") == b""


def test_jobs_keep_their_own_pictures():
    newest = NewestPreviews()
    newest.offer("fox", frame(1))
    newest.offer("owl", frame(2))
    assert (newest.waiting("fox"), newest.waiting("owl"), newest.counts.dropped) == (frame(1), frame(2), 0)
