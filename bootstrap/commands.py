"""What each CLI command does, built on the same container as `run`."""
from __future__ import annotations

import sys
from contextlib import asynccontextmanager

from bootstrap.app import serve
from bootstrap.container import build_container
from bootstrap.demo import demo_worker
from bootstrap.preflight import check_web_address
from bootstrap.storage_open import open_storage
from domain.identity import parse_identity

CHECK_TIMEOUT = 10.0


@asynccontextmanager
async def opened(config):
    container = build_container(config)
    storage = container.infra.storage()
    await open_storage(storage, config)
    try:
        yield container
    finally:
        await storage.close()


async def run(config, args) -> int:
    check_web_address(config)  # before anything starts, so a taken port leaves nothing half-started
    if not args.demo:
        await serve(config)
        return 0
    async with demo_worker(config) as with_demo:
        await serve(with_demo)
    return 0


async def points_grant(config, args) -> int:
    async with opened(config) as container:
        station = container.use_cases.station()
        user = await station.accounts.user_for(parse_identity(args.identity))
        posted = await station.points.grant(user.id, args.amount, args.reason)
        print(f"granted {args.amount} points to {args.identity}; balance {posted.balance}")
    return 0


async def points_show(config, args) -> int:
    async with opened(config) as container:
        identity = parse_identity(args.identity)
        user = await container.infra.storage().users.by_identity(identity)
        balance = 0 if user is None else await container.use_cases.points().balance(user.id)
        print(f"{identity} ({'unknown' if user is None else user.id})")
        print(balance)
    return 0


async def ledger_verify(config, args) -> int:
    async with opened(config) as container:
        mismatches = await container.infra.storage().ledger.verify()
        totals = await container.infra.storage().ledger.totals()
        violations = await container.use_cases.audit().violations()
    for user_id, stored, summed in mismatches:
        print(f"MISMATCH user {user_id}: stored balance {stored}, entries sum to {summed}")
    for violation in violations:
        print(f"VIOLATION {violation}")
    moved = ", ".join(f"{kind} {amount}" for kind, amount in sorted(totals.items()))
    failed = mismatches or violations
    print(f"ledger {'FAILED' if failed else 'ok'}: {len(mismatches)} mismatched balances, "
          f"{len(violations)} job violations; moved {moved or 'nothing'}")
    return 1 if failed else 0


async def ledger_repair(config, args) -> int:
    async with opened(config) as container:
        ledger = container.infra.storage().ledger
        repair = getattr(ledger, "repair", None)  # MongoDB: entries a crash left pending
        fixed = [str(line) for line in await repair()] if repair else []
        fixed += await container.use_cases.audit().repair()
        for line in fixed:
            print(f"fixed: {line}")
        mismatches = await ledger.verify()
        violations = await container.use_cases.audit().violations()
    for violation in violations:
        print(f"VIOLATION {violation}")
    print(f"repair done: {len(fixed)} fixed, {len(mismatches)} mismatches and {len(violations)} violations remain")
    return 1 if mismatches or violations else 0


async def doctor(config, args) -> int:
    from bootstrap.doctor import checks

    failed = 0
    async for name, ok, detail in checks(config):
        print(f"{'warn' if ok is None else 'ok  ' if ok else 'FAIL'} {name}: {detail}")
        failed += ok is False
    return 1 if failed else 0


async def templates_list(config, args) -> int:
    catalogue = build_container(config).infra.catalogue()
    for template in catalogue.templates():
        print(f"{template.name:<16} {template.spec.kind:<11} {template.spec.price.describe()}")
    return 0


async def templates_check(config, args) -> int:
    """Each manifest against its workflow; with --against, whether that server can run each template and why not."""
    from adapters.comfyui.engine import ComfyUIEngine
    from bootstrap.tool_fitness import tool_fitness

    catalogue = build_container(config).infra.catalogue()
    templates = [catalogue.get(args.name)] if args.name else catalogue.templates()
    problems = [line for template in templates for line in template.problems()]
    where = ""
    if args.against:
        engine = ComfyUIEngine(args.against, timeout=CHECK_TIMEOUT)
        try:
            health = await engine.health()
            if not health.ok:
                print(f"error: {health.message}", file=sys.stderr)
                return 1
            version = health.details.get("comfyui_version") or ""
            fitness = await tool_fitness(engine, [t for t in templates if not t.problems()])
        finally:
            await engine.close()
        problems += [line for fit in fitness for line in fit.lines(version)]
        broken, models = sum(bool(f.broken) for f in fitness), sum(bool(f.missing_models) for f in fitness)
        where = f" against {args.against} (ComfyUI {version or 'of unknown version'}): " \
                f"{broken} cannot run on this ComfyUI, {models} need models this worker lacks,"
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(templates)} templates checked{where or ':'} {len(problems)} problems")
    return 1 if problems else 0
