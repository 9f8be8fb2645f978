"""The dataset check in chat: what to fix with a button for each one-tap fix, Caption all (one quote for the set),
and the caption prefix."""
from __future__ import annotations

from adapters.chat.messages import Button, ButtonAction, ChatRequest, Reply
from domain.dataset_check import Finding, Fix
from domain.errors import DomainError
from domain.training import Dataset

BUTTON_BYTES = 64  # Telegram's callback_data limit: a long list of pictures to remove is shortened


async def fix_buttons(kit, owner: str, dataset: Dataset, findings: list[Finding]) -> tuple[Button, ...]:
    buttons = []
    for finding in findings:
        if finding.fix is Fix.TRIGGER:
            buttons.append(Button.of("✍️ Write the trigger", ButtonAction.WRITE_TRIGGER, dataset.id))
        elif finding.fix is Fix.REMOVE:
            listed = ",".join(map(str, finding.images))
            while len(f"{ButtonAction.REMOVE_PICTURES.value}:{dataset.id}:{listed}") > BUTTON_BYTES:
                listed = listed.rsplit(",", 1)[0]
            buttons.append(Button.of(f"🗑 Remove {listed}", ButtonAction.REMOVE_PICTURES, f"{dataset.id}:{listed}"))
        elif finding.fix is Fix.CAPTION:
            offer = await _caption_button(kit, owner, dataset, finding.images, "m")
            buttons += [offer] if offer else []
    return tuple(buttons)


async def autocaption(kit, user, request: ChatRequest) -> list[Reply]:
    """/train autocaption: the price of captioning every picture, and a button that pays exactly that."""
    dataset = await kit.station.training.dataset(user.id, await dataset_name(kit, user, request))
    offer = await _caption_button(kit, user.id, dataset, None, "a")
    if offer is None:
        raise DomainError("This station has no caption template.")
    return [Reply(f"🏷 Caption all {len(dataset.images)} pictures of '{dataset.name}'? Each is charged on its own and "
                  "a picture that fails costs nothing; the trigger goes in front of every caption.", buttons=(offer,))]


async def prefix(kit, user, request: ChatRequest) -> list[Reply]:
    dataset = await kit.station.training.prefix(user.id, await dataset_name(kit, user, request),
                                                str(request.options.get("text") or ""))
    return [Reply(f"Captions of '{dataset.name}' now start with “{dataset.caption_prefix}” where the trigger is "
                  "missing.")]


async def caption_button(kit, user_id: str, argument: str, request: ChatRequest) -> list[Reply]:
    """`dataset:price:a|m`: caption all pictures (a) or those without a caption (m) at the price shown."""
    dataset_id, price, which = (argument.split(":") + ["", ""])[:3]
    dataset = await kit.station.training.dataset(user_id, dataset_id)
    numbers = _uncaptioned(dataset) if which == "m" else None
    quote = await kit.station.captioning.quote(user_id, dataset.id, numbers=numbers)
    if str(quote.price) != price:
        fresh = await _caption_button(kit, user_id, dataset, numbers, which)
        return [Reply(f"Captioning now costs {quote.price} points; nothing was charged.",
                      buttons=(fresh,) if fresh else ())]
    jobs = await kit.station.captioning.start(user_id, quote, request.origin,
                                              request_key=f"chat:{argument}:{len(dataset.images)}")
    return [Reply(f"🏷 Captioning {len(jobs)} pictures of '{dataset.name}' for {quote.price} points. I'll say when "
                  "they are done.")]


async def trigger_button(kit, user_id: str, dataset_id: str, request: ChatRequest) -> list[Reply]:
    dataset = await kit.station.training.dataset(user_id, dataset_id)
    dataset = await kit.station.training.write_trigger(user_id, dataset.name)
    return [Reply(f"✍️ Every caption of '{dataset.name}' now has the trigger {dataset.trigger}.")]


async def remove_button(kit, user_id: str, argument: str, request: ChatRequest) -> list[Reply]:
    dataset_id, _, listed = argument.partition(":")
    dataset = await kit.station.training.dataset(user_id, dataset_id)
    numbers = tuple(int(n) for n in listed.split(",") if n.isdigit())
    dataset = await kit.station.training.remove_images(user_id, dataset.name, numbers)
    return [Reply(f"🗑 Removed {listed}; '{dataset.name}' has {len(dataset.images)} pictures.")]


async def dataset_name(kit, user, request: ChatRequest) -> str:
    """The dataset the request names, else the one in use; saying how to start one if there is none."""
    name = request.options.get("dataset") or await kit.station.training.active_dataset(user.id)
    if not name:
        raise DomainError(f"Create a dataset first. {kit.usage(request, 'train')}")
    return name


async def _caption_button(kit, owner: str, dataset: Dataset, numbers: tuple[int, ...] | None,
                          which: str) -> Button | None:
    try:
        quote = await kit.station.captioning.quote(owner, dataset.id, numbers=numbers)
    except DomainError:
        return None
    label = f"🏷 Caption {'all ' if which == 'a' else ''}{len(quote.numbers)} · {quote.price} pts"
    return Button.of(label, ButtonAction.CAPTION_DATASET, f"{dataset.id}:{quote.price}:{which}")


def _uncaptioned(dataset: Dataset) -> tuple[int, ...] | None:
    return tuple(n for n, i in enumerate(dataset.images, 1) if not i.caption) or None
