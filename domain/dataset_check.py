"""The dataset check before a training charge: what would waste the run, and a one-tap fix where there is one."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from domain.templates import DatasetNeeds
from domain.training import Dataset, DatasetRules

NEAR_DUPLICATE_BITS = 6  # of a fingerprint's 64-bit structure hash: fewer differ between copies of one picture
NEAR_DUPLICATE_COLOUR = 12  # and its mean red, green and blue (the low 24 bits) differ by at most this


class Fix(StrEnum):
    """What one tap does about a finding."""

    CAPTION = "caption"  # run a caption template over the pictures without a caption
    TRIGGER = "trigger"  # write the trigger (the caption prefix) into captions that lack it
    REMOVE = "remove"  # remove the pictures named


@dataclass(frozen=True)
class Finding:
    """One thing to fix: said plainly, with the pictures it concerns (numbered from 1) and its fix, if any."""

    text: str
    fix: Fix | None = None
    images: tuple[int, ...] = ()


def check_dataset(dataset: Dataset, rules: DatasetRules, needs: DatasetNeeds = DatasetNeeds(),
                  fingerprints: list[int] | None = None) -> list[Finding]:
    """Every reason this dataset would train badly or not at all (empty when it is ready)."""
    count, least = len(dataset.images), max(rules.min_images, needs.min_images)
    found = []
    if count < least:
        found.append(Finding(f"it has {_count(count)}; at least {least} are needed (add {least - count} more)"))
    if count > rules.max_images:
        found.append(Finding(f"it has {_count(count)}; at most {rules.max_images} are allowed",
                             Fix.REMOVE, tuple(range(rules.max_images + 1, count + 1))))
    small = _numbered(i.width and i.height and min(i.width, i.height) < needs.min_side for i in dataset.images)
    if small:
        found.append(Finding(f"{_images(small, 'is', 'are')} smaller than {needs.min_side} pixels on a side", Fix.REMOVE, small))
    twins = _near_duplicates(fingerprints or [])
    if twins:
        found.append(Finding(f"{_images(twins, 'is', 'are')} nearly the same as an earlier one", Fix.REMOVE, twins))
    uncaptioned = _numbered(not i.caption for i in dataset.images)
    if rules.require_captions and uncaptioned:
        found.append(Finding(f"{_images(uncaptioned, 'has', 'have')} no caption", Fix.CAPTION, uncaptioned))
    if not dataset.trigger:
        found.append(Finding("it has no trigger word yet (the word that calls up what the model learned)"))
    else:
        lacking = _numbered(bool(i.caption) and not dataset.has_trigger(i.caption) for i in dataset.images)
        if lacking:
            found.append(Finding(f"{_images(lacking, 'has', 'have')} a caption without the trigger '{dataset.trigger}'",
                                 Fix.TRIGGER, lacking))
    return found


def _count(images: int) -> str:
    return f"{images} image{'' if images == 1 else 's'}"


def _numbered(flags: Iterable[object]) -> tuple[int, ...]:
    return tuple(n for n, flag in enumerate(flags, start=1) if flag)


def _images(numbers: tuple[int, ...], singular: str, plural: str) -> str:
    listed = ", ".join(map(str, numbers))
    return f"image {listed} {singular}" if len(numbers) == 1 else f"images {listed} {plural}"


def _near_duplicates(prints: list[int]) -> tuple[int, ...]:
    """Each picture that nearly repeats an earlier one (the earlier one stays); -1 is a picture that could not be read."""
    return tuple(n for n in range(2, len(prints) + 1) if prints[n - 1] >= 0 and any(
        prints[m - 1] >= 0 and _alike(prints[n - 1], prints[m - 1]) for m in range(1, n)))


def _alike(first: int, second: int) -> bool:
    return ((first >> 24) ^ (second >> 24)).bit_count() < NEAR_DUPLICATE_BITS and all(
        abs(((first >> shift) & 255) - ((second >> shift) & 255)) <= NEAR_DUPLICATE_COLOUR for shift in (0, 8, 16))
