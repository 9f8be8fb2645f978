"""The /train subcommands: datasets filled from photos and albums, a quote with Confirm, status, cancel."""
from __future__ import annotations

from adapters.chat.dataset_fixes import dataset_name, fix_buttons
from adapters.chat.messages import Button, ButtonAction, ChatRequest, Reply
from domain.errors import DomainError


async def create(kit, user, request: ChatRequest) -> list[Reply]:
    training = kit.station.training
    dataset = await training.create(user.id, request.options.get("name") or "")
    await training.activate(user.id, dataset.name)
    photos = kit.dialect(request).photos.format(low=training.rules.min_images, high=training.rules.max_images)
    trigger = "/train trigger word:WORD" if kit.dialect(request).typed else "/train trigger WORD"
    return [Reply(f"📁 Dataset '{dataset.name}' created. Now {photos}. Then {trigger} and /train submit.")]


async def listing(kit, user, request: ChatRequest) -> list[Reply]:
    found = await kit.station.training.datasets(user.id)
    if not found:
        return [Reply(f"No datasets yet. {kit.usage(request, 'train')}")]
    active = await kit.station.training.active_dataset(user.id)
    return [Reply("📁 Your datasets:\n" + "\n".join(
        f"{'▶ ' if d.name == active else ''}{d.name} · {len(d.images)} images · trigger {d.trigger or '-'}"
        for d in found))]


async def use(kit, user, request: ChatRequest) -> list[Reply]:
    dataset = await kit.station.training.dataset(user.id, request.options.get("dataset") or "")
    await kit.station.training.activate(user.id, dataset.name)
    return [Reply(f"Photos you send now go to '{dataset.name}'.")]


async def view(kit, user, request: ChatRequest) -> list[Reply]:
    training, name = kit.station.training, await dataset_name(kit, user, request)
    dataset = await training.dataset(user.id, name)
    findings = await training.review.check(dataset)
    text = (f"📁 '{dataset.name}': {len(dataset.images)} images, trigger {dataset.trigger or '-'}\n"
            + "\n".join(f"{n}. {i.caption or '(no caption)'}" for n, i in enumerate(dataset.images, 1)))
    verdict = ("⚠️ Fix before training:\n" + "\n".join(f"• {f.text}" for f in findings)) if findings \
        else "✅ Ready: /train submit"
    sheet = await training.contact_sheet(user.id, name) if dataset.images else None
    return [Reply(f"{text[:1000 - len(verdict[:400]) - 1]}\n{verdict[:400]}", image=sheet,
                  image_name=f"{dataset.name}.png", buttons=await fix_buttons(kit, user.id, dataset, findings))]


async def add(kit, user, request: ChatRequest) -> list[Reply]:
    name = await dataset_name(kit, user, request)
    return await _add_images(kit, request, user.id, name)


async def caption(kit, user, request: ChatRequest) -> list[Reply]:
    number = request.options.get("number")
    dataset = await kit.station.training.caption(user.id, await dataset_name(kit, user, request), number,
                                                 request.options.get("text") or "")
    return [Reply(f"Caption {number} set. {_missing(kit, request, dataset)}")]


async def remove(kit, user, request: ChatRequest) -> list[Reply]:
    number = request.options.get("number")
    dataset = await kit.station.training.remove_image(user.id, await dataset_name(kit, user, request), number)
    return [Reply(f"Removed image {number}; '{dataset.name}' has {len(dataset.images)} images.")]


async def trigger(kit, user, request: ChatRequest) -> list[Reply]:
    dataset = await kit.station.training.trigger(user.id, await dataset_name(kit, user, request),
                                                 request.options.get("word") or "")
    return [Reply(f"Trigger word for '{dataset.name}' is now {dataset.trigger}.")]


async def delete(kit, user, request: ChatRequest) -> list[Reply]:
    name = await dataset_name(kit, user, request)
    await kit.station.training.delete(user.id, name)
    return [Reply(f"Dataset '{name}' deleted.")]


async def submit(kit, user, request: ChatRequest) -> list[Reply]:
    name = await dataset_name(kit, user, request)
    run = await kit.station.training.draft(user.id, name, {k: v for k, v in request.options.items() if k != "dataset"})
    balance = await kit.station.points.balance(user.id)
    return [Reply(f"🧠 Train '{name}' for {run.params.get('steps')} steps: {run.price} points (you have {balance}).",
                  buttons=(Button.of(f"✅ Pay {run.price} points", ButtonAction.CONFIRM_TRAINING, run.id),
                           Button.of("✖ Cancel", ButtonAction.DISCARD_TRAINING, run.id)))]


async def status(kit, user, request: ChatRequest) -> list[Reply]:
    runs = await kit.station.training.runs(user.id)
    if not runs:
        return [Reply("No trainings yet.")]
    lines = []
    for run, job in runs[:5]:
        detail = f" {job.progress.percent:.0f}%" if job and run.state.value == "training" else ""
        lines.append(f"{run.model_name}: {run.state.value}{detail}" + (f" ({run.error})" if run.error else ""))
    return [Reply("🧠 Trainings:\n" + "\n".join(lines))]


async def cancel(kit, user, request: ChatRequest) -> list[Reply]:
    run = await kit.station.training.cancel(user.id)
    return [Reply(f"Cancelling the training of '{run.model_name}'; its {run.price} points come back once it stops.")]


async def photo(kit, user, request: ChatRequest) -> list[Reply]:
    """A photo sent without a command goes to the active dataset, if there is one."""
    name = await kit.station.training.active_dataset(user.id)
    if not name:
        return [Reply("To use a photo, caption it with a command such as /img2img or /upscale, or reply to it with "
                      "one; to train, start a dataset with /train create NAME.", error=True)]
    return await _add_images(kit, request, user.id, name)


async def confirm_button(kit, user_id: str, run_id: str, request: ChatRequest) -> list[Reply]:
    run = await kit.station.training.confirm(user_id, run_id, request.origin)
    return [Reply(f"🚀 Training submitted ({run.price} points paid). I'll tell you when it is done; /train status "
                  "shows progress, /train cancel refunds it.", replaces_pressed=True)]


async def discard_button(kit, user_id: str, run_id: str, request: ChatRequest) -> list[Reply]:
    run = await kit.station.training.discard(user_id, run_id)
    if run.job_id:
        return [Reply("That training was already confirmed; use /train cancel to stop it.", error=True)]
    return [Reply("Training not started; nothing was charged.", replaces_pressed=True)]


async def _add_images(kit, request: ChatRequest, user_id: str, name: str) -> list[Reply]:
    if not request.images:
        raise DomainError("Send the images as photos or image files.")
    for data in request.images:
        dataset = await kit.station.training.add_image(user_id, name, data, request.options.get("caption") or "")
    return [Reply(f"📥 Added to '{dataset.name}': {len(dataset.images)} images. {_missing(kit, request, dataset)}")]


def _missing(kit, request: ChatRequest, dataset) -> str:
    missing = [str(n) for n, i in enumerate(dataset.images, 1) if not i.caption]
    how = "/train caption number:N text:…" if kit.dialect(request).typed else "/train caption N TEXT"
    return f"Images without a caption: {', '.join(missing)} ({how}, or /train autocaption)." if missing else ""
