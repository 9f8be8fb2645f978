"""The web interface as a platform (always started), and the operator's `stationthis web` commands."""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

import httpx

from adapters.web.app import create_app
from adapters.web.context import WebSettings
from adapters.web.notifier import WebNotifier
from adapters.web.server import WebServer
from adapters.web.sessions import TokenSigner
from bootstrap.arguments import identity, web_name
from bootstrap.commands import opened
from bootstrap.config import Config
from domain.identity import LINK_CODE_TTL_S, parse_identity

log = logging.getLogger("stationthis.web")
SECRET_FILE = "web_secret_key"


def secret_key(config: Config) -> str:
    """WEB_SECRET_KEY, or one generated on first use and kept (mode 0600) in the data directory."""
    if config.web_secret_key:
        return config.web_secret_key
    path = Path(config.data_dir) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def web_settings(config: Config, telegram_bot_name: str | None = None) -> WebSettings:
    chats = tuple(name for name, token in (("Telegram", config.telegram_token), ("Discord", config.discord_token))
                  if token)
    return WebSettings(secret_key=secret_key(config), max_upload_bytes=config.max_upload_bytes,
                       public_url=config.web_public_url, telegram_bot_token=config.telegram_token,
                       telegram_bot_name=telegram_bot_name, chat_platforms=chats)


class WebPlatform:
    def __init__(self, config: Config, container):
        self.config, self.container = config, container
        self.notifier = WebNotifier()
        self.app = None
        self.server: WebServer | None = None

    @property
    def title(self) -> str:
        return f"web interface at {self.url}"

    @property
    def url(self) -> str:
        return self.server.url if self.server else f"http://{self.config.web_host}:{self.config.web_port}"

    def build(self, telegram_bot_name: str | None = None):
        infra = self.container.infra
        infra.notifier().register("web", self.notifier)
        self.app = create_app(self.container.use_cases.station(), infra.storage(), infra.blobs(),
                              web_settings(self.config, telegram_bot_name), self.notifier, infra.webhooks())
        return self.app

    async def start(self) -> None:
        self.build(await _telegram_bot_name(self.config))
        self.server = WebServer(self.app, self.config.web_host, self.config.web_port)
        await self.server.start()
        log.info("open %s in a browser and sign in with a code from a bot's /link, or make a first user "
                 "with: stationthis web create-user NAME", self.config.web_public_url or self.url)

    async def stop(self) -> None:
        self.notifier.close()
        if self.server is not None:
            await self.server.stop()


def platform(config: Config, container) -> WebPlatform:
    return WebPlatform(config, container)


async def _telegram_bot_name(config: Config) -> str | None:
    """The bot's username, which the Telegram Login Widget needs; None (no widget) if Telegram is unreachable."""
    if not config.telegram_token:
        return None
    base = (config.telegram_api_base_url or "https://api.telegram.org/bot").rstrip("/")
    try:
        async with httpx.AsyncClient(timeout=5.0) as http:
            answer = (await http.get(f"{base}{config.telegram_token}/getMe")).json()
        return answer["result"]["username"] if answer.get("ok") else None
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
        log.warning("no Telegram sign-in button: getMe failed (%s)", type(error).__name__)
        return None


# -- `stationthis web ...` ---------------------------------------------------------------------------
def add_cli(subparsers) -> None:
    web = subparsers.add_parser("web", help="web interface: users, sign-in codes, API tokens").add_subparsers(
        title="web commands")
    create = web.add_parser("create-user", help="create the user web:NAME and print a sign-in code")
    create.add_argument("name", type=web_name, help="letters, digits, _ . - (becomes the identity web:NAME)")
    create.set_defaults(handler=create_user)
    code = web.add_parser("login-code", help="print a one-time sign-in code for an identity")
    code.add_argument("identity", type=identity, help="platform:id, e.g. web:alice or telegram:12345")
    code.set_defaults(handler=login_code)
    token = web.add_parser("token", help="print a bearer token for the JSON API (/api/v1)")
    token.add_argument("identity", type=identity, help="platform:id, e.g. web:alice")
    token.set_defaults(handler=api_token)


async def create_user(config, args) -> int:
    return await _sign_in_code(config, f"web:{args.name}", display_name=args.name)


async def login_code(config, args) -> int:
    return await _sign_in_code(config, args.identity)


async def _sign_in_code(config, identity: str, display_name: str = "") -> int:
    """The user behind `identity` (created on first sight) and a one-time code to sign in as them."""
    async with opened(config) as container:
        accounts = container.use_cases.accounts()
        user = await accounts.user_for(parse_identity(identity), display_name=display_name)
        code = await accounts.issue_link_code(user.id)
    print(f"{identity} ({user.id})" if not display_name else f"user {identity} ({user.id})")
    _print_code(config, code.code)
    return 0


async def api_token(config, args) -> int:
    async with opened(config) as container:
        user = await container.use_cases.accounts().user_for(parse_identity(args.identity))
    print(f"API token for {args.identity} ({user.id}); send it as 'Authorization: Bearer TOKEN':")
    print(TokenSigner(secret_key(config)).issue(user.id))
    return 0


def _print_code(config: Config, code: str) -> None:
    url = (config.web_public_url or f"http://{config.web_host}:{config.web_port}").rstrip("/")
    print(f"sign in at {url}/signin within {LINK_CODE_TTL_S // 60} minutes with the code:")
    print(code)
