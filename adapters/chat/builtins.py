"""Built-in chat commands about the account: start, help, balance, history, settings, models, link, cancel."""
from __future__ import annotations

from datetime import datetime, timezone

from adapters.chat.collections import PAGE
from adapters.chat.messages import ChatRequest, Reply
from domain.blobs import BlobKey
from domain.catalogue import ToolKind
from domain.quotes import CONFIRM_ABOVE


async def start(kit, user, request: ChatRequest) -> list[Reply]:
    balance = await kit.station.points.balance(user.id)
    example = kit.dialect(request).example("txt2img", "a red fox in the snow")
    return [Reply(f"👋 Welcome to StationThis! You have {balance} points. {kit.points_help}\nTry {example}\n"
                  "/help lists everything.")]


async def help_(kit, user, request: ChatRequest) -> list[Reply]:
    words = kit.dialect(request)
    lines = [f"/{name} — {text}" for name, text in kit.registry.menu(kit.station.catalogue)
             if not (words.typed and _text_only(kit, name))]
    settings = await kit.station.settings.show(user.id)
    mine = {name: value for name, (value, _) in settings.items()}
    prices = [f"/{t.name}: {t.spec.usual_price(mine)} points" for t in kit.station.catalogue.templates()
              if t.spec.kind != ToolKind.TRAINING]
    trainings = [f"/train submit ({t.name}): {t.spec.usual_price({})} points" for t in
                 kit.station.catalogue.templates(ToolKind.TRAINING)]
    example = words.example("txt2img", "a cat", steps=30, seed=7)
    syntax = (["Options are fields of each command; what you leave out comes from /settings."] if words.typed else
              ["Settings go after the text as name=value: " + example + ". Put a value with spaces in quotes: "
               'negative="dark, blurry". Only a command\'s own setting names are read; any other word with = '
               "stays part of your prompt (e=mc2)."])
    confirm = mine.get(CONFIRM_ABOVE)
    ask = "I ask before any paid work" if confirm == 0 else f"I ask before anything over {confirm} points"
    return [Reply("\n".join(lines + ["", "Prices with your settings (each job's reply names its own):"] + prices
                            + trainings + [f"{ask} ({words.option(CONFIRM_ABOVE, 0)} in /settings: always).", ""]
                            + syntax + ["", "Usage:"] + [kit.usage(request, n) for n in ("train", "collections")]))]


async def balance(kit, user, request: ChatRequest) -> list[Reply]:
    return [Reply(f"💰 You have {await kit.station.points.balance(user.id)} points. {kit.points_help}")]


async def history(kit, user, request: ChatRequest) -> list[Reply]:
    entries = await kit.station.points.history(user.id, limit=15)
    if not entries:
        return [Reply("No point movements yet.")]
    lines = [f"{_when(e.created_at)} {e.amount:+d} {e.kind.value} · {e.reason}" for e in entries]
    return [Reply("Latest point movements:\n" + "\n".join(lines))]


async def settings_show(kit, user, request: ChatRequest) -> list[Reply]:
    shown = await kit.station.settings.show(user.id)
    lines = [f"{name} = {value}{' (yours)' if mine else ''}" for name, (value, mine) in shown.items()]
    words = kit.dialect(request)
    change = f"/settings set {words.option('steps', 30)}" if words.typed else f"/settings {words.option('steps', 30)}"
    return [Reply("⚙️ Your settings:\n" + "\n".join(lines) + f"\n\nChange one with {change}; "
                  f"{words.option(CONFIRM_ABOVE, 50)} asks before anything over 50 points. "
                  f"{kit.usage(request, 'settings')}")]


async def settings_set(kit, user, request: ChatRequest) -> list[Reply]:
    await kit.station.settings.change(user.id, dict(request.options))
    return await settings_show(kit, user, request)


async def settings_reset(kit, user, request: ChatRequest) -> list[Reply]:
    await kit.station.settings.reset(user.id, request.options.get("names") or None)
    return await settings_show(kit, user, request)


async def models(kit, user, request: ChatRequest) -> list[Reply]:
    """The models the user can use; the loss curves of their own trained ones come along as pictures."""
    found = await kit.station.models.visible(user.id)
    if not found:
        return [Reply("No models yet. Train one with /train create NAME.")]
    curves = (await kit.station.access.model_curves(user.id, found))[:PAGE]  # the pictures one message holds
    numbered = {m.id: "loss curve attached" if len(curves) == 1 else f"loss curve {n}"
                for n, (m, _) in enumerate(curves, 1)}
    lines = [f"{m.name} ({'yours' if m.owner == user.id else 'shared' if m.visibility == 'shared' else 'public'})"
             f"{' · trigger ' + m.trigger if m.trigger else ''}{' · ' + numbered[m.id] if m.id in numbered else ''}"
             for m in found]
    text = f"🧠 Models you can use with {kit.dialect(request).option('lora', 'NAME')}:\n" + "\n".join(lines)
    pictures = tuple((f"{m.name}-loss.{BlobKey.parse(m.curve).extension}", data) for m, data in curves)
    if len(pictures) == 1:
        return [Reply(text, image=pictures[0][1], image_name=pictures[0][0])]
    return [Reply(text, album=pictures)]


async def link_code(kit, user, request: ChatRequest) -> list[Reply]:
    if request.public:
        return [Reply("For your safety I only give link codes in a private chat: message me directly and send /link.",
                      error=True)]
    code = await kit.station.accounts.issue_link_code(user.id)
    redeem = kit.dialect(request).redeem.format(code=code.code)
    return [Reply(f"🔗 Your one-time code: {code.code}\nIt works for 10 minutes: {redeem} (everything that account "
                  "holds moves into this one), or enter it on the web sign-in page.", private=True)]


async def link_redeem(kit, user, request: ChatRequest) -> list[Reply]:
    joined = await kit.station.accounts.redeem(request.identity, kit.need(request, "code", "link"))
    balance = await kit.station.points.balance(joined.id)
    return [Reply(f"🔗 Linked: this account and the one that made the code are one now, with everything either "
                  f"held (pictures, collections, datasets, models, settings) and one balance: {balance} points.",
                  private=True)]


async def cancel(kit, user, request: ChatRequest) -> list[Reply]:
    job = await kit.station.jobs.cancel(user.id)
    return [Reply(f"Cancelling /{job.tool}… your {job.price} points come back once it stops.")]


def _text_only(kit, name: str) -> bool:
    builtin = kit.registry.get(name)
    return builtin is not None and builtin.text_only


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%m-%d %H:%M")
