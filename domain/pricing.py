"""The one cost model: a base price plus rate-times-parameters terms, declared per template."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from domain.errors import DomainError

# Derived quantities a term may name besides the template's own parameters.
DERIVED = {"megapixels": lambda v: v.get("width", 0) * v.get("height", 0) / 1_000_000}


@dataclass(frozen=True)
class PriceTerm:
    rate: float
    per: tuple[str, ...]

    def cost(self, values: dict[str, Any]) -> float:
        product = self.rate
        for name in self.per:
            product *= DERIVED[name](values) if name in DERIVED else float(values.get(name, 0) or 0)
        return product


@dataclass(frozen=True)
class PriceRule:
    base: int
    terms: tuple[PriceTerm, ...] = ()

    def quote(self, values: dict[str, Any]) -> int:
        """Points for these parameter values: never below the base, rounded up to whole points."""
        return max(self.base, math.ceil(self.base + sum(t.cost(values) for t in self.terms) - 1e-9))

    def describe(self) -> str:
        parts = [f"{self.base}"] + [f"{t.rate:g} × {' × '.join(t.per)}" for t in self.terms]
        return " + ".join(parts) + " points"

    @classmethod
    def from_manifest(cls, data: dict[str, Any], known: set[str]) -> "PriceRule":
        if not isinstance(data, dict) or not isinstance(data.get("base", 0), int) or data.get("base", 0) < 0:
            raise DomainError("price needs a whole, non-negative 'base'.")
        terms = []
        for raw in data.get("terms", []):
            per = tuple(raw.get("per", ()))
            unknown = [p for p in per if p not in known and p not in DERIVED]
            if unknown or not isinstance(raw.get("rate"), (int, float)) or raw["rate"] < 0:
                raise DomainError(f"price term {raw} names unknown parameters {unknown} (terms count number "
                                  "parameters) or has a bad rate.")
            terms.append(PriceTerm(rate=float(raw["rate"]), per=per))
        return cls(base=data.get("base", 0), terms=tuple(terms))
