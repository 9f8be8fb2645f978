"""Built-in chat commands: start, help, balance, history, settings, models, collections, link, cancel."""
from __future__ import annotations

from datetime import datetime, timezone

from domain.errors import DomainError, NotFound

from adapters.chat.grammar import whole_number
from adapters.chat.menu import BUILTINS, USAGE, menu
from adapters.chat.messages import ChatRequest, Reply

WELCOME_HINT = "Try /txt2img a red fox in the snow"


async def start(kit, user, request: ChatRequest) -> list[Reply]:
    balance = await kit.station.points.balance(user.id)
    return [Reply(f"👋 Welcome to StationThis! You have {balance} points.\n{WELCOME_HINT}\n/help lists everything.")]


async def help_(kit, user, request: ChatRequest) -> list[Reply]:
    lines = [f"/{name} — {text}" for name, text in menu(kit.station.catalogue)]
    tools = kit.station.catalogue.templates()
    prices = [f"/{t.name}: {t.spec.price.describe()}" for t in tools]
    usage = [USAGE[k] for k in ("train", "settings") if k in BUILTINS]
    return [Reply("\n".join(lines + ["", "Prices:"] + prices + ["", "Usage:"] + usage
                            + ["", "Parameters go as key=value, e.g. /txt2img a cat steps=30 seed=7"]))]


async def balance(kit, user, request: ChatRequest) -> list[Reply]:
    return [Reply(f"💰 You have {await kit.station.points.balance(user.id)} points.")]


async def history(kit, user, request: ChatRequest) -> list[Reply]:
    entries = await kit.station.points.history(user.id, limit=15)
    if not entries:
        return [Reply("No point movements yet.")]
    lines = [f"{_when(e.created_at)} {e.amount:+d} {e.kind.value} · {e.reason}" for e in entries]
    return [Reply("Latest point movements:\n" + "\n".join(lines))]


async def settings(kit, user, request: ChatRequest) -> list[Reply]:
    workflow = kit.station.settings
    if request.subcommand == "set":
        await workflow.change(user.id, {k: v for k, v in request.options.items()})
    elif request.subcommand == "reset":
        await workflow.reset(user.id, request.options.get("names") or None)
    shown = await workflow.show(user.id)
    lines = [f"{name} = {value}{' (yours)' if mine else ''}" for name, (value, mine) in shown.items()]
    return [Reply("⚙️ Your settings:\n" + "\n".join(lines) + f"\n\n{USAGE['settings']}")]


async def models(kit, user, request: ChatRequest) -> list[Reply]:
    found = await kit.station.models.visible(user.id)
    if not found:
        return [Reply("No models yet. Train one with /train create NAME.")]
    lines = [f"{m.name} ({'yours' if m.owner == user.id else 'shared' if m.visibility == 'shared' else 'public'})"
             f"{' · trigger ' + m.trigger if m.trigger else ''}" for m in found]
    return [Reply("🧠 Models you can use with lora=NAME:\n" + "\n".join(lines))]


async def collections(kit, user, request: ChatRequest) -> list[Reply]:
    workflow, o, sub = kit.station.collections, request.options, request.subcommand
    if sub == "list":
        found = await workflow.list(user.id)
        lines = [f"{c.name} · {len(c.items)} items · {c.visibility}" + ("" if c.owner == user.id else " · shared with you")
                 for c in found]
        return [Reply("📚 Your collections:\n" + "\n".join(lines) if lines else "No collections yet. /collections create NAME")]
    if sub == "create":
        return [Reply(f"Created collection '{(await workflow.create(user.id, _need(o, 'name'))).name}'.")]
    if sub == "view":
        c = await workflow.find(user.id, _need(o, "collection"))
        items = [f"{n}. {i.kind} {i.ref}" for n, i in enumerate(c.items, 1)]
        return [Reply(f"'{c.name}' ({c.visibility}):\n" + ("\n".join(items) or "empty"))]
    if sub == "add":
        kind, ref = await _item(kit, user.id, _need(o, "item"))
        c = await workflow.add(user.id, _need(o, "collection"), kind, ref)
        return [Reply(f"Added to '{c.name}' ({len(c.items)} items).")]
    if sub == "remove":
        c = await workflow.remove(user.id, _need(o, "collection"), whole_number(o, "number"))
        return [Reply(f"Removed. '{c.name}' has {len(c.items)} items.")]
    if sub in ("share", "unshare"):
        other = await kit.station.accounts.user_for(_need(o, "user"))
        if sub == "share":
            c = await workflow.share(user.id, _need(o, "collection"), other.id, o.get("access") or "view")
        else:
            c = await workflow.unshare(user.id, _need(o, "collection"), other.id)
        return [Reply(f"'{c.name}' is now shared with {len(c.shared_with)} users.")]
    if sub == "link":
        days = _number(o.get("days") or 7, "days")
        c = await workflow.link(user.id, _need(o, "collection"), days)
        where = f"{kit.web_url.rstrip('/')}/shared/{c.link_token}" if kit.web_url else f"link code {c.link_token}"
        return [Reply(f"Anyone with this link can view '{c.name}' for {days:g} days: {where}")]
    if sub == "delete":
        await workflow.delete(user.id, _need(o, "collection"))
        return [Reply("Collection deleted.")]
    raise DomainError(USAGE["collections"])


async def link(kit, user, request: ChatRequest) -> list[Reply]:
    if request.subcommand == "redeem":
        joined = await kit.station.accounts.redeem(request.identity, _need(request.options, "code"))
        balance = await kit.station.points.balance(joined.id)
        return [Reply(f"🔗 Linked. This account now shares one balance: {balance} points.")]
    if request.origin.get("public"):
        return [Reply("For your safety I only give link codes in a private chat: message me directly and send /link.",
                      error=True)]
    code = await kit.station.accounts.issue_link_code(user.id)
    return [Reply(f"🔗 Your one-time code: {code.code}\nIt works for 10 minutes: send /link {code.code} from your "
                  "other account, or enter it on the web sign-in page.")]


async def cancel(kit, user, request: ChatRequest) -> list[Reply]:
    job = await kit.station.make_image.cancel_latest(user.id)
    if job is None:
        return [Reply("You have nothing queued or running.")]
    return [Reply(f"Cancelling /{job.tool}… your {job.price} points come back once it stops.")]


async def _item(kit, user_id: str, ref: str) -> tuple[str, str]:
    try:
        job = await kit.station.make_image.own_job(user_id, ref)
        if job.outputs:
            return "image", job.outputs[0]
    except NotFound:
        pass
    return "model", (await kit.station.models.find(user_id, ref)).id


def _need(options: dict, name: str) -> str:
    value = options.get(name)
    if value in (None, ""):
        raise DomainError(f"Missing {name}. Usage: {USAGE['collections']}")
    return str(value)


def _number(raw, name: str) -> float:
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise DomainError(f"{name} must be a number, e.g. 7; got {raw!r}.") from None


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%m-%d %H:%M")
