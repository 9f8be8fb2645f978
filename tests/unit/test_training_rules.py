"""Datasets, their rules, and the training run's state machine."""
import pytest

from domain.dataset_check import check_dataset
from domain.errors import DomainError, IllegalTransition
from domain.training import (
    RUN_TRANSITIONS,
    Dataset,
    DatasetImage,
    DatasetRules,
    RunState,
    TrainingRun,
    check_dataset_name,
)

RULES = DatasetRules()


def dataset(n=0, captioned=True, trigger="zorb"):
    images = tuple(DatasetImage(blob=f"b{i}", caption=f"{trigger}, a cat" if captioned else "") for i in range(n))
    return Dataset(id="d", owner="u", name="cats", created_at=0, images=images, trigger=trigger)


def problems(dataset, rules=RULES):
    return [finding.text for finding in check_dataset(dataset, rules)]


def test_a_dataset_needs_at_least_four_images_by_default():
    assert "at least 4" in " ".join(problems(dataset(3)))
    assert problems(dataset(4)) == []


def test_a_dataset_holds_at_most_fifty_images():
    with pytest.raises(DomainError, match="at most 50"):
        dataset(50).add(DatasetImage(blob="x", caption="c"), RULES)


def test_every_image_needs_a_caption_before_submit():
    assert any("1, 2, 3, 4 have no caption" in p for p in problems(dataset(4, captioned=False)))


def test_captions_can_be_optional_when_configured():
    assert problems(dataset(4, captioned=False), DatasetRules(require_captions=False)) == []


def test_a_dataset_needs_a_trigger_word():
    assert any("trigger" in p for p in problems(dataset(4, trigger="")))


def test_images_are_added_captioned_and_removed_by_number():
    d = dataset(2).add(DatasetImage(blob="new"), RULES).caption(3, " a dog ")
    assert d.images[2].caption == "zorb, a dog"
    d = d.remove(1)
    assert [i.blob for i in d.images] == ["b1", "new"]


def test_a_missing_image_number_says_which_exist():
    with pytest.raises(DomainError, match="images 1 to 2"):
        dataset(2).caption(5, "x")


@pytest.mark.parametrize("word", ["a", "two words", "x" * 41, "bad!"])
def test_a_bad_trigger_word_is_refused_with_the_rule(word):
    with pytest.raises(DomainError, match="2 to 40"):
        dataset().with_trigger(word)


@pytest.mark.parametrize("name", ["", "has space", "../etc", "x" * 41])
def test_a_bad_dataset_name_is_refused(name):
    with pytest.raises(DomainError):
        check_dataset_name(name)


def run(state):
    return TrainingRun(id="r", owner="u", dataset_id="d", model_name="cats", price=100, state=state, created_at=0)


@pytest.mark.parametrize("source, target", [(s, t) for s, ts in RUN_TRANSITIONS.items() for t in ts])
def test_each_legal_run_transition_moves_the_run(source, target):
    assert run(source).to(target).state is target


@pytest.mark.parametrize("source, target", [(s, t) for s in RunState for t in RunState
                                            if t not in RUN_TRANSITIONS[s]])
def test_each_illegal_run_transition_raises(source, target):
    with pytest.raises(IllegalTransition):
        run(source).to(target)
