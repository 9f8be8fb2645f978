"""The `stationthis` command line: run, points, ledger, doctor, templates."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bootstrap.config import ConfigError, load_config
from bootstrap.platforms import add_platform_cli
from domain.errors import DomainError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        config = load_config()
        logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        with asyncio.Runner(loop_factory=_fast_loop()) as runner:
            return runner.run(args.handler(config, args)) or 0
    except (ConfigError, DomainError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _fast_loop():
    """uvloop's event loop where it is installed (Linux, macOS); asyncio's own otherwise."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _parser() -> argparse.ArgumentParser:
    from bootstrap import commands

    parser = argparse.ArgumentParser(prog="stationthis", description="StationThis: ComfyUI for chats, with points.")
    sub = parser.add_subparsers(title="commands")
    sub.add_parser("run", help="start the job runner and every configured platform").set_defaults(
        handler=commands.run)
    sub.add_parser("doctor", help="check storage, every ComfyUI worker and each token").set_defaults(
        handler=commands.doctor)

    points = sub.add_parser("points", help="grant and show points").add_subparsers(title="points commands")
    grant = points.add_parser("grant", help="give points to an identity (created if unknown)")
    grant.add_argument("identity", help="platform:id, e.g. telegram:12345 or web:alice")
    grant.add_argument("amount", type=int)
    grant.add_argument("--reason", default="granted by an operator")
    grant.set_defaults(handler=commands.points_grant)
    show = points.add_parser("show", help="print an identity's balance (last line: the bare number)")
    show.add_argument("identity")
    show.set_defaults(handler=commands.points_show)

    ledger = sub.add_parser("ledger", help="prove the ledger is consistent").add_subparsers(title="ledger commands")
    ledger.add_parser("verify", help="recompute every balance from its entries").set_defaults(
        handler=commands.ledger_verify)
    ledger.add_parser("repair", help="finish or void what a crash left half-done").set_defaults(
        handler=commands.ledger_repair)

    templates = sub.add_parser("templates", help="list and check templates").add_subparsers(title="templates commands")
    templates.add_parser("list", help="one line per template: name, kind, price rule").set_defaults(
        handler=commands.templates_list)
    check = templates.add_parser("check", help="validate every manifest against its workflow")
    check.add_argument("--against", metavar="URL", help="also check against this ComfyUI server's /object_info")
    check.set_defaults(handler=commands.templates_check)
    add_platform_cli(sub)
    return parser
