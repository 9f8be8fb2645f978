"""Time left and start estimates in plain words, from recent durations per worker and template."""
from domain.estimates import Durations
from domain.jobs import Job, JobKind, JobState, Progress
from domain.wording import progress


def job(state=JobState.QUEUED, **progress_values) -> Job:
    return Job("j1", "u1", "txt2img", JobKind.IMAGE, {}, 5, state, 0.0, 0.0, progress=Progress(**progress_values))


def test_without_history_there_is_no_start_estimate():
    assert Durations().start_in("txt2img", ahead=3, on_workers=set(), workers=1, now=0.0) is None


def test_the_start_estimate_counts_the_jobs_ahead_and_what_running_ones_still_need():
    durations = Durations()
    for number in range(3):
        durations.began(f"done{number}", "w1", "txt2img", now=0.0)
        durations.ended(f"done{number}", now=10.0, succeeded=True)
    durations.began("running", "w1", "txt2img", now=100.0)
    assert durations.start_in("txt2img", ahead=2, on_workers={"running", "handed"}, workers=1, now=104.0) == \
        6 + 10 + 2 * 10  # 6 s left of the running one, one handed over but not started, two ahead
    assert durations.start_in("txt2img", ahead=2, on_workers={"running", "handed"}, workers=2, now=104.0) == 18


def test_failed_and_stopped_jobs_say_nothing_about_how_long_work_takes():
    durations = Durations()
    durations.began("stopped", "w1", "txt2img", now=0.0)
    durations.ended("stopped", now=1.0, succeeded=False)
    assert durations.typical("txt2img") is None


def test_a_worker_with_its_own_history_is_judged_by_it_and_one_without_by_the_others():
    durations = Durations()
    for worker, seconds in (("fast", 2.0), ("slow", 20.0)):
        durations.began(worker, worker, "txt2img", now=0.0)
        durations.ended(worker, now=seconds, succeeded=True)
    assert durations.typical("txt2img", "fast") == 2.0
    assert durations.typical("txt2img", "new") == 11.0


def test_a_queued_job_reads_when_it_starts_and_how_many_are_ahead():
    assert progress(job(), position=4, wait=40.0) == "starts in about 40 s, 3 ahead of you"
    assert progress(job(), position=1, wait=130.0) == "starts in about 2 minutes, next in line"
    assert progress(job(), position=4) == "#4 in line"


def test_a_running_job_reads_its_steps_and_the_time_left():
    running = job(JobState.RUNNING, percent=40.0, step=8, total=20, seconds_left=12.2)
    assert progress(running) == "sampling 8/20, about 12 s left"
