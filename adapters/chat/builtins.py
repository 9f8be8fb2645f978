"""Built-in chat commands about the account: start, help, balance, history, settings, models, link, cancel."""
from __future__ import annotations

from datetime import datetime, timezone

from adapters.chat.messages import ChatRequest, Reply

WELCOME_HINT = "Try /txt2img a red fox in the snow"


async def start(kit, user, request: ChatRequest) -> list[Reply]:
    balance = await kit.station.points.balance(user.id)
    return [Reply(f"👋 Welcome to StationThis! You have {balance} points.\n{WELCOME_HINT}\n/help lists everything.")]


async def help_(kit, user, request: ChatRequest) -> list[Reply]:
    lines = [f"/{name} — {text}" for name, text in kit.registry.menu(kit.station.catalogue)]
    prices = [f"/{t.name}: {t.spec.price.describe()}" for t in kit.station.catalogue.templates()]
    usage = [kit.registry.usage(name) for name in ("train", "settings")]
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


async def settings_show(kit, user, request: ChatRequest) -> list[Reply]:
    shown = await kit.station.settings.show(user.id)
    lines = [f"{name} = {value}{' (yours)' if mine else ''}" for name, (value, mine) in shown.items()]
    return [Reply("⚙️ Your settings:\n" + "\n".join(lines) + f"\n\n{kit.registry.usage('settings')}")]


async def settings_set(kit, user, request: ChatRequest) -> list[Reply]:
    await kit.station.settings.change(user.id, dict(request.options))
    return await settings_show(kit, user, request)


async def settings_reset(kit, user, request: ChatRequest) -> list[Reply]:
    await kit.station.settings.reset(user.id, request.options.get("names") or None)
    return await settings_show(kit, user, request)


async def models(kit, user, request: ChatRequest) -> list[Reply]:
    found = await kit.station.models.visible(user.id)
    if not found:
        return [Reply("No models yet. Train one with /train create NAME.")]
    lines = [f"{m.name} ({'yours' if m.owner == user.id else 'shared' if m.visibility == 'shared' else 'public'})"
             f"{' · trigger ' + m.trigger if m.trigger else ''}" for m in found]
    return [Reply("🧠 Models you can use with lora=NAME:\n" + "\n".join(lines))]


async def link_code(kit, user, request: ChatRequest) -> list[Reply]:
    if request.public:
        return [Reply("For your safety I only give link codes in a private chat: message me directly and send /link.",
                      error=True)]
    code = await kit.station.accounts.issue_link_code(user.id)
    return [Reply(f"🔗 Your one-time code: {code.code}\nIt works for 10 minutes: send /link {code.code} from your "
                  "other account, or enter it on the web sign-in page.")]


async def link_redeem(kit, user, request: ChatRequest) -> list[Reply]:
    joined = await kit.station.accounts.redeem(request.identity, kit.need(request, "code", "link"))
    balance = await kit.station.points.balance(joined.id)
    return [Reply(f"🔗 Linked. This account now shares one balance: {balance} points.")]


async def cancel(kit, user, request: ChatRequest) -> list[Reply]:
    job = await kit.station.jobs.cancel(user.id)
    return [Reply(f"Cancelling /{job.tool}… your {job.price} points come back once it stops.")]


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%m-%d %H:%M")
