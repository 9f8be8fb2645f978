"""The `stationthis` command line: run, points, ledger, doctor, templates, backup."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from importlib.metadata import PackageNotFoundError, version

from bootstrap.arguments import OneLineErrors, identity
from bootstrap.config import ConfigError, load_config
from bootstrap.extension_command import add_extension_cli
from bootstrap.logs import Redactor, configure_logging
from bootstrap.preflight import check_data_dir
from domain.errors import DomainError
from ports.space import StorageFull

log = logging.getLogger("stationthis")


def main(argv: list[str] | None = None) -> int:
    """Exit 0 on success, 1 with one `error:` line on stderr when something failed, 2 for a malformed command."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        config = load_config()
    except ConfigError as error:
        return _failed(error, Redactor([]))
    redact = configure_logging(config)
    for name in config.unknown_settings:
        log.warning("%s is not a setting of StationThis and is ignored (misspelt? README lists them all)", name)
    try:
        check_data_dir(config)
        with asyncio.Runner(loop_factory=_fast_loop()) as runner:
            return runner.run(args.handler(config, args)) or 0
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001  whatever it was, the operator gets one line, not a traceback
        return _failed(error, redact)


def _failed(error: Exception, redact: Redactor) -> int:
    if isinstance(error, StorageFull):
        line = f"storage is full: {error}"
    elif isinstance(error, (ConfigError, DomainError)):
        line = str(error)
    else:
        log.debug("the command failed", exc_info=error)
        line = f"{error or 'failed'} ({type(error).__name__}; STATIONTHIS_LOG_LEVEL=DEBUG shows where)"
    print(redact(f"error: {': '.join([*getattr(error, '__notes__', []), line])}"), file=sys.stderr)
    return 1


def _version() -> str:
    try:
        return version("stationthis")
    except PackageNotFoundError:
        return "(not installed)"


def _fast_loop():
    """uvloop's event loop where it is installed (Linux, macOS); asyncio's own otherwise."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _parser() -> argparse.ArgumentParser:
    from bootstrap import backup, commands, storage_commands, web_commands

    parser = OneLineErrors(prog="stationthis", description="StationThis: ComfyUI for chats, with points.")
    parser.add_argument("--version", action="version", version=f"stationthis {_version()}")
    sub = parser.add_subparsers(title="commands")
    run = sub.add_parser("run", help="start the job runner and every configured platform")
    run.add_argument("--demo", action="store_true",
                     help="try StationThis without ComfyUI: a built-in demo worker draws labelled demo pictures")
    run.set_defaults(handler=commands.run)
    sub.add_parser("doctor", help="check storage, every ComfyUI worker and each token").set_defaults(
        handler=commands.doctor)

    points = sub.add_parser("points", help="grant and show points").add_subparsers(title="points commands")
    grant = points.add_parser("grant", help="give points to an identity (created if unknown)")
    grant.add_argument("identity", type=identity, help="platform:id, e.g. telegram:12345 or web:alice")
    grant.add_argument("amount", type=int)
    grant.add_argument("--reason", default="granted by an operator")
    grant.set_defaults(handler=commands.points_grant)
    show = points.add_parser("show", help="print an identity's balance (last line: the bare number)")
    show.add_argument("identity", type=identity, help="platform:id, e.g. telegram:12345 or web:alice")
    show.set_defaults(handler=commands.points_show)

    ledger = sub.add_parser("ledger", help="prove the ledger is consistent").add_subparsers(title="ledger commands")
    ledger.add_parser("verify", help="recompute every balance from its entries").set_defaults(
        handler=commands.ledger_verify)
    ledger.add_parser("repair", help="finish or void what a crash left half-done").set_defaults(
        handler=commands.ledger_repair)

    templates = sub.add_parser("templates", help="list and check templates").add_subparsers(title="templates commands")
    templates.add_parser("list", help="one line per template: name, kind, price rule").set_defaults(
        handler=commands.templates_list)
    check = templates.add_parser("check", help="validate manifests against their workflows (and a ComfyUI server)")
    check.add_argument("name", nargs="?", help="check this template only")
    check.add_argument("--against", metavar="URL", help="also check that this ComfyUI server can run each template")
    check.set_defaults(handler=commands.templates_check)
    backup.add_cli(sub)
    web_commands.add_cli(sub)
    storage_commands.add_cli(sub)
    add_extension_cli(sub)
    return parser
