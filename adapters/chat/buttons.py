"""What each button does: follow-ups and retries (priced), Save, Full size, answering a price, paging, training,
the dataset check's fixes and Stop."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from adapters.chat import collections, dataset_fixes, training
from adapters.chat.messages import ButtonAction, ChatRequest, Reply
from domain.catalogue import FollowUp
from domain.errors import DomainError

# (the chat kit, the presser's user id, the button's argument, the press) -> the replies
ButtonHandler = Callable[[Any, str, str, ChatRequest], Awaitable[list[Reply]]]


def _follow_up(action: FollowUp) -> ButtonHandler:
    async def run(kit: Any, user_id: str, argument: str, request: ChatRequest) -> list[Reply]:
        """`job:price`: the price the button showed; another price now is asked about first."""
        job_id, _, shown = argument.partition(":")
        started = await kit.station.checkout.follow_up(
            user_id, job_id, action, request.origin, request.request_key or f"{action}:{job_id}:{user_id}",
            shown_price=int(shown) if shown.isdigit() else None)
        return kit.started(started)
    return run


async def _save(kit: Any, user_id: str, job_id: str, request: ChatRequest) -> list[Reply]:
    job = await kit.station.jobs.get(user_id, job_id)
    results = () if job.long else job.outputs  # pictures, an animation, a video or words; a model is kept by itself
    if not results:
        raise DomainError("That job made no result to save.")
    for key in results:
        saved = await kit.station.collections.add_to_default(user_id, "image", key)
    return [Reply(f"💾 Saved to your collection '{saved.name}' ({len(saved.items)} in it).", private=True)]


async def _full_size(kit: Any, user_id: str, argument: str, request: ChatRequest) -> list[Reply]:
    """`job` or `job:n`: the n-th picture of a batch (the first by default) as a file."""
    job_id, _, number = argument.partition(":")
    job = await kit.station.jobs.get(user_id, job_id)
    images = await kit.result_images(job)
    index = int(number) - 1 if number.isdigit() else 0
    if not 0 <= index < len(images):
        raise DomainError("That job has no such picture.")
    seed = job.params.get("seed")
    name = f"{job.tool}{f'_{seed}' if seed is not None else ''}{f'_{index + 1}' if len(images) > 1 else ''}.png"
    return [Reply("Full resolution", image=images[index], image_name=name, as_document=True, private=True)]


async def _confirm_price(kit: Any, user_id: str, quote_id: str, request: ChatRequest) -> list[Reply]:
    job = await kit.station.checkout.confirm(user_id, quote_id, request.origin)
    return [Reply(f"✅ /{job.tool}: {job.price} points paid.", replaces_pressed=True)]


async def _discard_price(kit: Any, user_id: str, quote_id: str, request: ChatRequest) -> list[Reply]:
    started = await kit.station.checkout.discard(user_id, quote_id)
    if started is not None:
        return [Reply("That was paid already; /cancel stops it and returns the points.", error=True)]
    return [Reply("Not started; nothing was charged.", replaces_pressed=True)]


async def _stop(kit: Any, user_id: str, job_id: str, request: ChatRequest) -> list[Reply]:
    """The status message's Stop: its own notice says "stopped, points returned" once the worker lets go."""
    job = await kit.station.jobs.cancel(user_id, job_id)
    return [Reply("That one had already finished." if job.terminal else "Stopping it…", private=True)]


BUTTONS: dict[ButtonAction, ButtonHandler] = {
    ButtonAction.REROLL: _follow_up(FollowUp.REROLL), ButtonAction.VARY: _follow_up(FollowUp.VARY),
    ButtonAction.UPSCALE: _follow_up(FollowUp.UPSCALE), ButtonAction.RETRY: _follow_up(FollowUp.RETRY),
    ButtonAction.MAKE: _follow_up(FollowUp.MAKE), ButtonAction.MINE: _follow_up(FollowUp.MINE),
    ButtonAction.SAVE: _save, ButtonAction.FULL_SIZE: _full_size,
    ButtonAction.CONFIRM_PRICE: _confirm_price, ButtonAction.DISCARD_PRICE: _discard_price,
    ButtonAction.COLLECTION_PAGE: collections.page_button,
    ButtonAction.CONFIRM_TRAINING: training.confirm_button, ButtonAction.DISCARD_TRAINING: training.discard_button,
    ButtonAction.CAPTION_DATASET: dataset_fixes.caption_button, ButtonAction.WRITE_TRIGGER: dataset_fixes.trigger_button,
    ButtonAction.REMOVE_PICTURES: dataset_fixes.remove_button,
    ButtonAction.STOP: _stop,
}
