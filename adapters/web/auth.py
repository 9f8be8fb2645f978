"""Sign in with a one-time code from any bot or the Telegram Login Widget; sign out."""
from __future__ import annotations

from urllib.parse import urlencode

from quart import Blueprint, redirect, request

from adapters.web.context import web
from adapters.web.csrf import csrf_token, matches_csrf_token
from adapters.web.redirects import safe_next
from adapters.web.render import render_template
from adapters.web.sessions import client_address, current_user, end_session, start_session
from adapters.web.telegram_login import verified_telegram_user
from domain.errors import InvalidLinkCode, NotFound

blueprint = Blueprint("auth", __name__)


@blueprint.get("/")
async def home():
    return redirect("/make" if await current_user() else "/signin")


@blueprint.get("/signin")
async def signin_page():
    if await current_user():
        return redirect(safe_next(request.args.get("next")))
    return await _signin_page()


@blueprint.post("/signin")
async def signin():
    form = await request.form
    try:
        user = await web().station.accounts.sign_in(form.get("code", ""), client_address())
    except InvalidLinkCode:
        bots = web().settings.chat_platforms
        where = "send /link to the bot" if bots else "ask whoever runs this station"
        return await _signin_page(f"That sign-in code is unknown, expired or already used: {where} for a new one.",
                                  form.get("next")), 400
    await start_session(user)
    return redirect(safe_next(form.get("next")))


@blueprint.post("/signin/demo")
async def demo():
    """On a demo station (`run --demo`) anyone may try it as the demo user, who was given points at start."""
    identity = web().settings.demo_identity
    if identity is None:
        raise NotFound("This station is not a demo.")
    await start_session(await web().station.accounts.user_for(identity, display_name="Demo"))
    return redirect(safe_next((await request.form).get("next")))


@blueprint.get("/auth/telegram")
async def telegram():
    """Where the Telegram Login Widget sends the browser back, with the signed user and our `state`."""
    settings, data = web().settings, request.args
    if not settings.telegram_bot_token:
        raise NotFound("Telegram sign-in is not set up on this station.")
    fields = verified_telegram_user(data.to_dict(), settings.telegram_bot_token)
    if not matches_csrf_token(data.get("state")) or fields is None:
        return await _signin_page("Telegram could not confirm this sign-in. Please try again.", data.get("next")), 400
    name = " ".join(filter(None, (fields.get("first_name"), fields.get("last_name")))) or fields.get("username", "")
    user = await web().station.accounts.user_for(f"telegram:{fields['id']}", display_name=name)
    await start_session(user)
    return redirect(safe_next(data.get("next")))


@blueprint.post("/signout")
async def signout():
    await end_session()
    return redirect("/signin")


async def _signin_page(error: str = "", next_path: str | None = None):
    settings = web().settings
    target = safe_next(next_path or request.args.get("next"))
    # The widget sends the browser back here; `state` ties that sign-in to this browser's session.
    back = (settings.public_url or request.host_url).rstrip("/") + "/auth/telegram?" + urlencode(
        {"state": csrf_token(), "next": target})
    return await render_template("signin.html", error=error, next=target, telegram_back=back,
                                 telegram_bot=settings.telegram_bot_name if settings.telegram_bot_token else None,
                                 bots=settings.chat_platforms)
