"""The dataset check's fixes in the training studio: caption all (quoted for the set), write the trigger, remove
pictures, change the caption prefix."""
from __future__ import annotations

from quart import Blueprint, flash, redirect, request

from adapters.web.context import origin, web
from adapters.web.sessions import login_required, signed_in_user
from domain.dataset_check import Finding, Fix
from domain.errors import DomainError
from domain.numbers import parse_whole

blueprint = Blueprint("dataset_fixes", __name__, url_prefix="/training")


def numbers_in(text: str) -> tuple[int, ...]:
    """Picture numbers from a form field: "2,4"."""
    return tuple(parse_whole(n) for n in text.split(",") if n.strip().isdigit())


async def caption_offer(user_id: str, name: str, findings: list[Finding]) -> dict | None:
    """What "Caption all" (or the pictures without a caption) would cost, quoted for the whole set."""
    captioning = web().station.captioning
    missing = next((f.images for f in findings if f.fix is Fix.CAPTION), ())
    try:
        every, some = await captioning.quote(user_id, name), (await captioning.quote(user_id, name, numbers=missing)
                                                               if missing else None)
    except DomainError:
        return None
    return {"all": every, "missing": some, "tools": [t.name for t in web().station.catalogue.captioners()]}


@blueprint.post("/datasets/<name>/caption")
@login_required
async def caption_all(name: str):
    """Run the caption template over the pictures named (all by default) at the price the page showed."""
    user, form, captioning = await signed_in_user(), await request.form, web().station.captioning
    numbers = numbers_in(form.get("numbers", ""))
    quote = await captioning.quote(user.id, name, form.get("tool") or None, numbers or None)
    if str(quote.price) != form.get("price"):
        await flash(f"Captioning now costs {quote.price} points; nothing was charged. Press again to pay that.",
                    "error")
        return redirect(f"/training/datasets/{name}")
    jobs = await captioning.start(user.id, quote, origin(user.id), request_key=f"web:{user.id}:{form.get('request_key')}")
    await flash(f"Captioning {len(jobs)} pictures for {quote.price} points: reload to see each caption as it is "
                "written; a picture that fails costs nothing.", "info")
    return redirect(f"/training/datasets/{name}")


@blueprint.post("/datasets/<name>/fix/<fix>")
@login_required
async def fix(name: str, fix: str):
    """The dataset check's one-tap fixes: write the trigger into captions, or remove the pictures named."""
    user, form, training = await signed_in_user(), await request.form, web().station.training
    if fix == Fix.TRIGGER:
        await training.write_trigger(user.id, name)
    elif fix == Fix.REMOVE:
        await training.remove_images(user.id, name, numbers_in(form.get("numbers", "")))
    else:
        raise DomainError("That is not a fix for a dataset.")
    return redirect(f"/training/datasets/{name}")


@blueprint.post("/datasets/<name>/prefix")
@login_required
async def prefix(name: str):
    await web().station.training.prefix((await signed_in_user()).id, name, (await request.form).get("prefix", ""))
    return redirect(f"/training/datasets/{name}")
