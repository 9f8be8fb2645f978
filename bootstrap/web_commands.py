"""The operator's `stationthis web` commands: a first user, sign-in codes, and API tokens (create, list, revoke)."""
from __future__ import annotations

from datetime import UTC, datetime

from bootstrap.arguments import identity, web_name
from bootstrap.commands import opened
from bootstrap.config import Config
from domain.identity import LINK_CODE_TTL_S


def add_cli(subparsers) -> None:
    web = subparsers.add_parser("web", help="web interface: users, sign-in codes, API tokens").add_subparsers(
        title="web commands")
    create = web.add_parser("create-user", help="create the user web:NAME and print a sign-in code")
    create.add_argument("name", type=web_name, help="letters, digits, _ . - (becomes the identity web:NAME)")
    create.set_defaults(handler=create_user)
    code = web.add_parser("login-code", help="print a one-time sign-in code for an existing identity")
    code.add_argument("identity", type=identity, help="platform:id, e.g. web:alice or telegram:12345")
    code.set_defaults(handler=login_code)
    tokens = web.add_parser("token", help="API tokens for the JSON API (/api/v1)").add_subparsers(
        title="token commands")
    make = tokens.add_parser("create", help="print a new bearer token for an existing identity")
    make.add_argument("identity", type=identity, help="platform:id, e.g. web:alice")
    make.add_argument("--name", default="made by an operator", help="what the token is for (shown on Sessions)")
    make.add_argument("--days", type=float, help="how long it lasts (default WEB_TOKEN_DAYS, 90)")
    make.set_defaults(handler=token_create)
    listing = tokens.add_parser("list", help="the identity's sessions and tokens: id, kind, name, dates")
    listing.add_argument("identity", type=identity, help="platform:id, e.g. web:alice")
    listing.set_defaults(handler=token_list)
    revoke = tokens.add_parser("revoke", help="revoke one session or token by id, or --all of them")
    revoke.add_argument("identity", type=identity, help="platform:id, e.g. web:alice")
    target = revoke.add_mutually_exclusive_group(required=True)
    target.add_argument("id", nargs="?", help="an id from 'web token list'")
    target.add_argument("--all", action="store_true", help="every session and token of the identity")
    revoke.set_defaults(handler=token_revoke)


async def create_user(config, args) -> int:
    identity = f"web:{args.name}"
    async with opened(config) as container:
        accounts = container.use_cases.accounts()
        user = await accounts.user_for(identity, display_name=args.name)
        code = await accounts.issue_link_code(user.id)
    print(f"user {identity} ({user.id})")
    _print_code(config, code.code)
    return 0


async def login_code(config, args) -> int:
    """A one-time code for an identity that exists; a typo makes nobody (NotFound says how accounts are made)."""
    async with opened(config) as container:
        accounts = container.use_cases.accounts()
        user = await accounts.existing(args.identity)
        code = await accounts.issue_link_code(user.id)
    print(f"{args.identity} ({user.id})")
    _print_code(config, code.code)
    return 0


async def token_create(config, args) -> int:
    async with opened(config) as container:
        user = await container.use_cases.accounts().existing(args.identity)
        made, secret = await container.use_cases.credentials().create_token(user.id, args.name, args.days)
    print(f"{args.identity} ({user.id})")
    print(f"API token '{made.name}' (id {made.id}), valid until {_when(made.expires_at)}; "
          "send it as 'Authorization: Bearer TOKEN':")
    print(secret)
    return 0


async def token_list(config, args) -> int:
    async with opened(config) as container:
        user = await container.use_cases.accounts().existing(args.identity)
        found = await container.use_cases.credentials().list(user.id)
    for item in found:
        used = _when(item.last_used_at) if item.last_used_at else "never"
        print(f"{item.id}  {item.kind.value:<7}  made {_when(item.created_at)}  last used {used}  "
              f"expires {_when(item.expires_at)}  {item.name}")
    print(f"{len(found)} sessions and tokens for {args.identity}")
    return 0


async def token_revoke(config, args) -> int:
    async with opened(config) as container:
        user = await container.use_cases.accounts().existing(args.identity)
        credentials = container.use_cases.credentials()
        if args.all:
            print(f"revoked {await credentials.revoke_all(user.id)} sessions and tokens of {args.identity}")
        else:
            ended = await credentials.revoke(user.id, args.id)
            print(f"revoked {ended.kind.value} '{ended.name}' ({ended.id}) of {args.identity}")
    return 0


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _print_code(config: Config, code: str) -> None:
    url = (config.web_public_url or f"http://{config.web_host}:{config.web_port}").rstrip("/")
    print(f"sign in at {url}/signin within {LINK_CODE_TTL_S // 60} minutes with the code:")
    print(code)
