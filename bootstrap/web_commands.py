"""The operator's `stationthis web` commands: a first user, sign-in codes and API tokens."""
from __future__ import annotations

from adapters.web.sessions import TokenSigner
from bootstrap.arguments import identity, web_name
from bootstrap.commands import opened
from bootstrap.config import Config
from bootstrap.web import secret_key
from domain.identity import LINK_CODE_TTL_S, parse_identity


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
