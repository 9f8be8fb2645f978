"""Settings: the user's generation defaults, linked chat accounts, link codes and API tokens."""
from __future__ import annotations

from quart import Blueprint, flash, redirect, request

from adapters.web.context import web
from adapters.web.forms import field_for
from adapters.web.render import render_template
from adapters.web.sessions import client_address, login_required, signed_in_user
from domain.settings import grouped_settings, settable_params

blueprint = Blueprint("settings", __name__)


@blueprint.get("/settings")
@login_required
async def page():
    return await _render()


@blueprint.post("/settings")
@login_required
async def change():
    user, station = await signed_in_user(), web().station
    form, shown = await request.form, await station.settings.show(user.id)
    changes = {name: form[name].strip() for name, (value, _) in shown.items()
               if form.get(name, "").strip() not in ("", _text(value))}
    if changes:
        await station.settings.change(user.id, changes)
    await flash(f"Saved: {', '.join(sorted(changes))}." if changes else "Nothing changed.", "info")
    return redirect("/settings")


@blueprint.post("/settings/reset")
@login_required
async def reset():
    name = (await request.form).get("name")
    await web().station.settings.reset((await signed_in_user()).id, [name] if name else None)
    await flash(f"{name} is back to its default." if name else "Every setting is back to its default.", "info")
    return redirect("/settings")


@blueprint.post("/settings/link-code")
@login_required
async def link_code():
    code = await web().station.accounts.issue_link_code((await signed_in_user()).id, client_address())
    return await _render(link_code=code.code)


async def _render(link_code: str | None = None):
    """The settings grouped by the tools that use them, each with its value and whether the user chose it."""
    user, station = await signed_in_user(), web().station
    shown, tools = await station.settings.show(user.id), station.catalogue.tools()
    specs = settable_params(tools)
    groups = [(group, [(field_for(specs[name][0], shown[name][0]), shown[name][1]) for name in group.names])
              for group in grouped_settings(tools)]
    return await render_template("settings.html", groups=groups, link_code=link_code,
                                 identities=await station.accounts.identities(user.id),
                                 bots=web().settings.chat_platforms)


def _text(value: object) -> str:
    return "" if value is None else str(value)
