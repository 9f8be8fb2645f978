"""The /train conversation: datasets filled from photos and albums, a quote with Confirm, status, cancel."""
from __future__ import annotations

from domain.errors import DomainError

from adapters.chat.grammar import whole_number
from adapters.chat.menu import USAGE
from adapters.chat.messages import Button, ChatRequest, Reply

async def train(kit, user, request: ChatRequest) -> list[Reply]:
    sub, o, training = request.subcommand, request.options, kit.station.training
    if sub == "create":
        dataset = await training.create(user.id, o.get("name") or "")
        await _activate(kit, user.id, dataset.name)
        return [Reply(f"📁 Dataset '{dataset.name}' created. Now send {training.rules.min_images}–"
                      f"{training.rules.max_images} photos (an album works); each photo's caption becomes its "
                      "caption. Then /train trigger WORD and /train submit.")]
    if sub == "list":
        found = await training.datasets(user.id)
        if not found:
            return [Reply(f"No datasets yet. {USAGE['train']}")]
        active = await _active(kit, user.id)
        return [Reply("📁 Your datasets:\n" + "\n".join(
            f"{'▶ ' if d.name == active else ''}{d.name} · {len(d.images)} images · trigger {d.trigger or '-'}"
            for d in found))]
    if sub == "use":
        dataset = await training.dataset(user.id, o.get("dataset") or "")
        await _activate(kit, user.id, dataset.name)
        return [Reply(f"Photos you send now go to '{dataset.name}'.")]
    name = o.get("dataset") or await _active(kit, user.id)
    if sub in ("status", "cancel"):
        return await (_status if sub == "status" else _cancel)(kit, user.id)
    if not name:
        raise DomainError(f"Create a dataset first: /train create NAME. {USAGE['train']}")
    if sub == "view":
        dataset = await training.dataset(user.id, name)
        problems = dataset.problems(training.rules)
        text = (f"📁 '{dataset.name}': {len(dataset.images)} images, trigger {dataset.trigger or '-'}\n"
                + "\n".join(f"{n}. {i.caption or '(no caption)'}" for n, i in enumerate(dataset.images, 1))
                + ("\n⚠️ Not ready: " + "; ".join(problems) if problems else "\n✅ Ready: /train submit"))
        sheet = await training.contact_sheet(user.id, name) if dataset.images else None
        return [Reply(text[:1000], image=sheet, image_name=f"{dataset.name}.png")]
    if sub == "add":
        return await _add_images(kit, user.id, name, request.images, o.get("caption") or "")
    if sub == "caption":
        dataset = await training.caption(user.id, name, whole_number(o, "number"), o.get("text") or "")
        return [Reply(f"Caption {o['number']} set. {_missing(dataset)}")]
    if sub == "remove":
        dataset = await training.remove_image(user.id, name, whole_number(o, "number"))
        return [Reply(f"Removed image {o['number']}; '{dataset.name}' has {len(dataset.images)} images.")]
    if sub == "trigger":
        dataset = await training.trigger(user.id, name, o.get("word") or "")
        return [Reply(f"Trigger word for '{dataset.name}' is now {dataset.trigger}.")]
    if sub == "delete":
        await training.delete(user.id, name)
        return [Reply(f"Dataset '{name}' deleted.")]
    if sub == "submit":
        params = {k: v for k, v in o.items() if k != "dataset"}
        run = await training.draft(user.id, name, params)
        balance = await kit.station.points.balance(user.id)
        steps = run.params.get("steps")
        return [Reply(f"🧠 Train '{name}' for {steps} steps: {run.price} points (you have {balance}).",
                      buttons=(Button("✅ Confirm", f"tc:{run.id}"), Button("✖ Cancel", f"tx:{run.id}")))]
    raise DomainError(USAGE["train"])


async def photo(kit, user, request: ChatRequest) -> list[Reply]:
    """A photo sent without a command goes to the active dataset, if there is one."""
    name = await _active(kit, user.id)
    if not name:
        return [Reply("To use a photo, caption it with a command such as /img2img or /upscale, or reply to it with "
                      "one; to train, start a dataset with /train create NAME.", error=True)]
    return await _add_images(kit, user.id, name, request.images, request.options.get("caption") or "")


async def confirm_button(kit, user_id: str, run_id: str, origin: dict) -> list[Reply]:
    run = await kit.station.training.confirm(user_id, run_id, origin)
    return [Reply(f"🚀 Training submitted ({run.price} points). I'll tell you when it is done; /train status "
                  "shows progress, /train cancel refunds it.")]


async def discard_button(kit, user_id: str, run_id: str, origin: dict) -> list[Reply]:
    run = await kit.station.training.discard(user_id, run_id)
    if run.job_id:
        return [Reply("That training was already confirmed; use /train cancel to stop it.", error=True)]
    return [Reply("Training not started; nothing was charged.")]


async def _add_images(kit, user_id: str, name: str, images: list[bytes], caption: str) -> list[Reply]:
    if not images:
        raise DomainError("Send the images as photos or image files.")
    for data in images:
        dataset = await kit.station.training.add_image(user_id, name, data, caption)
    return [Reply(f"📥 Added to '{dataset.name}': {len(dataset.images)} images. {_missing(dataset)}")]


async def _status(kit, user_id: str) -> list[Reply]:
    runs = await kit.station.training.runs(user_id)
    if not runs:
        return [Reply("No trainings yet.")]
    lines = []
    for run, job in runs[:5]:
        detail = f" {job.progress.percent:.0f}%" if job and run.state.value == "training" else ""
        lines.append(f"{run.model_name}: {run.state.value}{detail}" + (f" ({run.error})" if run.error else ""))
    return [Reply("🧠 Trainings:\n" + "\n".join(lines))]


async def _cancel(kit, user_id: str) -> list[Reply]:
    run = await kit.station.training.cancel(user_id)
    return [Reply(f"Cancelling the training of '{run.model_name}'; its {run.price} points come back once it stops.")]


def _missing(dataset) -> str:
    missing = [str(n) for n, i in enumerate(dataset.images, 1) if not i.caption]
    return f"Images without a caption: {', '.join(missing)} (/train caption N TEXT)." if missing else ""


async def _active(kit, user_id: str) -> str | None:
    return await kit.station.training.active_dataset(user_id)


async def _activate(kit, user_id: str, name: str) -> None:
    await kit.station.training.activate(user_id, name)
