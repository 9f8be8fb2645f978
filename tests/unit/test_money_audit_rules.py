"""The money audit's rules and a template's limits, on plain values."""
import pytest

from domain.audit import job_violations, orphan_violations
from domain.errors import DomainError, InvalidParameter
from domain.jobs import Job, JobState
from domain.ledger import EntryKind, LedgerEntry
from domain.limits import Limits, duration, limits_from_manifest
from domain.training import Model, RunState, TrainingRun


def _job(state=JobState.SUCCEEDED, kind="image", **fields) -> Job:
    values = dict(id="j1", user_id="u", tool="txt2img", kind=kind, params={}, price=10, state=state,
                  created_at=1.0, updated_at=1.0, outputs=("results/j1/0.png",), paid=True)
    return Job(**values | fields)


def _entry(kind: EntryKind, amount: int) -> LedgerEntry:
    return LedgerEntry(id=f"{kind.value}-1", user_id="u", kind=kind, amount=amount, key=f"{kind.value}:j1",
                       reason="", created_at=1.0, job_id="j1", refund_of="charge-1" if kind is EntryKind.REFUND else None)


CHARGE, REFUND = _entry(EntryKind.CHARGE, -10), _entry(EntryKind.REFUND, 10)


def test_a_succeeded_job_charged_once_with_its_outputs_stored_is_clean():
    assert job_violations(_job(), [CHARGE], outputs_stored=True) == []


def test_a_failed_job_refunded_once_is_clean_and_one_without_its_refund_is_repairable():
    assert job_violations(_job(JobState.FAILED, refunded=True), [CHARGE, REFUND], True) == []
    [owing] = job_violations(_job(JobState.FAILED), [CHARGE], True)
    assert owing.repairable and "refund is not settled" in owing.problem


def test_a_succeeded_job_that_was_refunded_or_lost_its_outputs_is_a_violation():
    problems = [v.problem for v in job_violations(_job(), [CHARGE, REFUND], outputs_stored=False)]
    assert problems == ["refunded while succeeded", "succeeded, but its outputs are not all stored"]


def test_a_job_marked_paid_without_a_charge_and_an_entry_without_its_job_are_violations():
    assert [v.problem for v in job_violations(_job(), [], True)] == ["marked paid, but no charge was posted"]
    assert "names a job that does not exist" in str(orphan_violations(CHARGE)[0])


def test_a_succeeded_training_needs_its_completed_run_and_its_model():
    job = _job(kind="training")
    run = TrainingRun(id="r", owner="u", dataset_id="d", model_name="cat", price=10, state=RunState.TRAINING,
                      created_at=1.0, job_id="j1")
    assert [v.problem for v in job_violations(job, [CHARGE], True, run, None)] == [
        "training succeeded, but its run is training"]
    model = Model(id="m", owner="u", name="cat", blob="b", filename="f", trigger="", created_at=1.0, job_id="j1")
    done = TrainingRun(**{**run.__dict__, "state": RunState.COMPLETED, "model_id": "m"})
    assert job_violations(job, [CHARGE], True, done, model) == []


def test_an_upscale_past_the_pixel_limit_is_refused_with_the_limit_in_the_message():
    limits = Limits(max_output_pixels=4096 * 4096, output_scale=4.0)
    limits.check_output("upscale", {}, (1024, 1024))
    with pytest.raises(DomainError, match="16384×16384.*at most 16.8 megapixels"):
        limits.check_output("upscale", {}, (4096, 4096))


def test_an_input_picture_past_the_limit_is_refused_and_a_scale_may_come_from_a_parameter():
    with pytest.raises(InvalidParameter, match="image: the picture is 5000×5000"):
        Limits().check_input("img2img", "image", 5000, 5000)
    with pytest.raises(DomainError, match="8192×8192"):
        Limits(output_scale="scale_by").check_output("upscale_simple", {"scale_by": 4.0}, (2048, 2048))


def test_manifest_limits_default_by_kind_and_name_a_real_parameter():
    assert limits_from_manifest({}, "training", set(), "t").timeout_s == 6 * 3600
    assert limits_from_manifest({"timeout_s": 30}, "image", set(), "t").timeout_s == 30
    with pytest.raises(DomainError, match="output_scale names 'zoom'"):
        limits_from_manifest({"output_scale": "zoom"}, "image", {"scale_by"}, "t")
    assert (duration(600), duration(3600 * 6), duration(1)) == ("10 minutes", "6 hours", "1 second")
