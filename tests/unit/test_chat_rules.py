"""The chat's rules in the domain: plain words, prices that ask first, follow-ups that fit, names, joining accounts."""
from __future__ import annotations

from dataclasses import replace

import pytest

from domain.catalogue import FollowUp, parse_arguments
from domain.collections import Collection
from domain.errors import DomainError, InvalidParameter
from domain.identity import handle_identity, is_alias, parse_identity
from domain.jobs import Job, JobKind, JobState, Progress
from domain.merging import blocks_merge, free_name, merged_settings, moved
from domain.quotes import needs_confirmation
from domain.templates import template_from_documents
from domain.wording import Failure, outcome, progress, time_left, what_failed
from tests.plain_words import leaks

WORKFLOW = {"1": {"class_type": "KSampler", "inputs": {"seed": 1, "text": ""}}}


def job(state: JobState = JobState.FAILED, **changes) -> Job:
    return replace(Job(id="j" * 32, user_id="u", tool="txt2img", kind=JobKind.IMAGE, params={"prompt": "a fox"},
                       price=7, state=state, created_at=0.0, updated_at=0.0), **changes)


def test_a_failure_reads_as_what_happened_what_it_cost_and_what_to_do():
    lost = job(error=what_failed(Failure.WORKER_LOST), failure="worker_lost", refunded=True)
    assert outcome(lost) == "the image worker went away; your 7 points are back. Try again in a minute."
    free = job(error=what_failed(Failure.TIME_LIMIT, 600), failure="time_limit")
    assert outcome(free) == "it ran past its time limit of 10 minutes. Try fewer steps or a smaller picture."
    mine = job(JobState.CANCELLED, error="cancelled", failure="cancelled_by_you", refunded=True)
    assert outcome(mine) == "stopped, points returned"


@pytest.mark.parametrize("failure", list(Failure))
def test_every_failure_is_said_without_anything_internal(failure):
    said = outcome(job(error=what_failed(failure, 60), failure=failure.value, refunded=True))
    assert said and leaks(said) == []


def test_an_older_job_without_a_failure_kind_still_reads_plainly():
    assert outcome(job(error="its worker stopped answering", refunded=True)) == \
        "its worker stopped answering; your 7 points are back."


def test_progress_reads_as_a_place_in_line_then_steps_and_the_time_left():
    assert progress(job(JobState.QUEUED), position=3) == "#3 in line"
    assert progress(job(JobState.QUEUED), position=0) == "starting"
    running = job(JobState.RUNNING, progress=Progress(32.0, 8, 25, seconds_left=6.2))
    assert progress(running) == "sampling 8/25, about 6 s left"
    training = job(JobState.RUNNING, kind=JobKind.TRAINING, progress=Progress(20.0, 40, 200, "estimated", 300.0))
    assert progress(training) == "training 40/200, about 5 minutes left · estimated"
    assert progress(job(JobState.RUNNING)) == "working on it"
    assert [time_left(s) for s in (0.2, 45, 95, 7200)] == ["1 s", "45 s", "2 minutes", "2 hours"]


def test_paid_work_asks_first_above_the_threshold_always_at_zero_and_when_the_price_moved():
    assert not needs_confirmation(20, 20) and needs_confirmation(21, 20)
    assert needs_confirmation(1, 0) and not needs_confirmation(0, 0)
    assert needs_confirmation(9, 20, shown=7) and not needs_confirmation(9, 20, shown=9)


def test_only_known_names_are_parameters_and_a_near_miss_is_refused_as_a_likely_typo():
    names = {"prompt", "steps", "seed", "negative"}
    assert parse_arguments('e=mc2 a=b steps=3 negative="x, y"', names) == ("e=mc2 a=b", {"steps": "3",
                                                                                         "negative": "x, y"})
    with pytest.raises(InvalidParameter, match="did you mean steps"):
        parse_arguments("a fox step=30", names)
    assert parse_arguments("colour=red", None) == ("", {"colour": "red"})  # settings: every name is read


def test_a_template_offers_the_follow_ups_it_declares_and_refuses_ones_that_make_no_sense():
    def make(kind: str, follow_ups=None, params=()):
        manifest = {"kind": kind, "params": list(params), **({"follow_ups": follow_ups} if follow_ups is not None
                                                            else {})}
        return template_from_documents("tool", manifest, WORKFLOW).spec.follow_ups

    seed = {"name": "seed", "type": "seed", "targets": [["1", "seed"]]}
    prompt = {"name": "prompt", "type": "text", "required": True, "targets": [["1", "text"]]}
    assert make("image", params=[seed, prompt]) == (FollowUp.REROLL, FollowUp.VARY, FollowUp.UPSCALE)
    assert make("image") == (FollowUp.UPSCALE,)  # nothing to reroll or to vary by
    assert make("image-edit", params=[seed]) == (FollowUp.REROLL,)
    assert make("image-edit", []) == ()
    with pytest.raises(DomainError, match="'reroll' needs a seed"):
        make("image-edit", ["reroll"])
    with pytest.raises(DomainError, match="follow_ups must list some of"):
        make("image", ["retry"])


def test_people_are_named_by_their_username_and_such_names_are_not_sign_in_identities():
    assert handle_identity("telegram:1001", "@Kim_Lee") == "telegram:@kim_lee"
    assert handle_identity("telegram:1001", "no spaces allowed") is None
    assert parse_identity("telegram:@Kim_Lee") == "telegram:@kim_lee"
    assert is_alias("telegram:@kim") and is_alias("account:abc") and not is_alias("discord:42")


def test_joining_accounts_moves_records_renames_clashes_and_keeps_the_survivors_settings():
    taken = {"Saved"}
    mine = Collection("c1", "bob", "Saved", 0.0, shared_with={"alice": "view", "carol": "edit"})
    assert moved(mine, "bob", "alice", taken) == replace(mine, owner="alice", name="Saved_2",
                                                         shared_with={"carol": "edit"})
    theirs = Collection("c2", "carol", "Fun", 0.0, shared_with={"bob": "edit"})
    assert moved(theirs, "bob", "alice").shared_with == {"alice": "edit"}
    assert free_name("x" * 40, {"x" * 40}) == "x" * 38 + "_2"
    assert merged_settings({"steps": 5, "cfg": 4}, {"steps": 30}) == {"steps": 30, "cfg": 4}
    assert blocks_merge(job(JobState.RUNNING)) and blocks_merge(job(paid=True))
    assert not blocks_merge(job(paid=True, refunded=True))


@pytest.mark.parametrize("said", [
    "the worker stopped answering (ComfyUI at http://127.0.0.1:48013 stopped answering for 30 s)",
    "CheckpointLoaderSimple ckpt_name: 'x' is not available", "running · node 3", "interrupted at node 3",
    "LoraLoader lora_name: 'st_a86f0c2d_00001_.safetensors'", "see results/0123456789abcdef0123456789abcdef/0.png",
    "job 0123456789abcdef0123456789abcdef failed", "'NoneType' object has no attribute 'sequence'",
    "KeyError: 'images'",
])
def test_the_check_on_every_message_finds_whatever_is_internal(said):
    assert leaks(said)


def test_the_check_lets_links_to_the_web_pages_and_plain_sentences_through():
    assert leaks("See https://station.example/jobs/0123456789abcdef0123456789abcdef") == []
    assert leaks("❌ /txt2img failed: the image worker went away; your 7 points are back. Try again.") == []
