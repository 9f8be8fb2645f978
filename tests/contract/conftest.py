"""The `storage` fixture runs every contract test against each backend in BACKENDS."""
from __future__ import annotations

import importlib
import os

import pytest

from domain.workflows.audit import find_violations
from tests.contract.backends import BACKENDS


def _factory(name: str):
    module_name, _, attribute = BACKENDS[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as missing:
        if missing.name and (module_name == missing.name or module_name.startswith(missing.name + ".")):
            pytest.skip(f"the {name} backend is not written yet: module {module_name} does not exist")
        raise
    return getattr(module, attribute)


def _label(name: str) -> str:
    """Say plainly when the MongoDB backend runs on mongomock, the in-process stand-in."""
    return "mongomock" if name == "mongo" and not os.environ.get("MONGODB_URL") else name


@pytest.fixture(params=sorted(BACKENDS), ids=_label)
async def storage(request, tmp_path):
    async with _factory(request.param)(tmp_path) as opened:
        yield opened


@pytest.fixture(autouse=True)
async def balances_equal_the_sum_of_entries(storage):
    """After every contract test, each stored balance still equals the sum of its entries, and every
    job's money agrees with its state (outputs are not checked: contract tests store no blobs)."""
    yield
    assert await storage.ledger.verify() == []
    assert [str(v) for v in await find_violations(storage, None)] == []
