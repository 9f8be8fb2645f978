"""Every transition of the generation job's state machine."""
import pytest

from domain.errors import IllegalTransition
from domain.jobs import TERMINAL, TRANSITIONS, Job, JobState, Progress

LEGAL = [(s, t) for s, targets in TRANSITIONS.items() for t in targets]
ILLEGAL = [(s, t) for s in JobState for t in JobState if t not in TRANSITIONS[s]]


def job(state=JobState.REQUESTED, **changes):
    return Job(id="j", user_id="u", tool="txt2img", kind="image", params={}, price=5, state=state,
               created_at=0, updated_at=0, **changes)


@pytest.mark.parametrize("source, target", LEGAL)
def test_each_legal_transition_moves_the_job(source, target):
    moved = job(source).to(target, now=7)
    assert moved.state is target and moved.updated_at == 7


@pytest.mark.parametrize("source, target", ILLEGAL)
def test_each_illegal_transition_raises_a_named_error(source, target):
    with pytest.raises(IllegalTransition) as error:
        job(source).to(target, now=1)
    assert source.value in str(error.value) and target.value in str(error.value)


def test_the_happy_path_runs_requested_charged_queued_running_succeeded():
    j = job()
    for state in (JobState.CHARGED, JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED):
        j = j.to(state, now=1)
    assert j.terminal


def test_terminal_states_allow_nothing_further():
    assert all(not TRANSITIONS[s] for s in TERMINAL)


def test_a_paid_job_that_fails_owes_a_refund_until_refunded():
    failed = job(JobState.RUNNING, paid=True).to(JobState.FAILED, now=1)
    assert failed.owes_refund
    assert not job(JobState.FAILED, paid=True, refunded=True).owes_refund


def test_a_cancelled_paid_job_owes_a_refund():
    assert job(JobState.QUEUED, paid=True).to(JobState.CANCELLED, now=1).owes_refund


def test_an_unpaid_job_that_fails_owes_nothing():
    assert not job().to(JobState.FAILED, now=1).owes_refund


def test_a_succeeded_job_owes_nothing():
    assert not job(JobState.RUNNING, paid=True).to(JobState.SUCCEEDED, now=1).owes_refund


def test_progress_is_part_of_the_job_and_stops_at_the_end():
    running = job(JobState.RUNNING).with_progress(Progress(50.0, 10, 20, "sampling"), now=2)
    assert running.progress.step == 10 and running.progress.message == "sampling"
    with pytest.raises(IllegalTransition):
        job(JobState.SUCCEEDED).with_progress(Progress(), now=3)
