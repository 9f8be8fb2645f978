"""The check after a migration: counts per kind, every user's balance, and the target's ledger verify."""
from __future__ import annotations

from dataclasses import dataclass

from bootstrap.migrate_records import Census

NOT_COPIED = (
    "link codes: not copied; they expire within minutes, so users ask for a new one",
    "job leases: not copied; the target's runner takes unfinished jobs over when it starts",
    "sessions and API tokens: not copied; people sign in again and make new tokens",
    "prices waiting for a yes in a chat: not copied; the chat asks again",
)


@dataclass
class Summary:
    source: Census
    target: Census
    ledger_problems: list[tuple[str, int, int]]

    @property
    def placeholders(self) -> int:
        """Users left without any identity (by account linking) get one placeholder identity each."""
        return len(self.source.without_identity)

    def rows(self) -> list[tuple[str, int, int, int]]:
        """(kind, source count, target count, expected target count)."""
        return [(kind, count, self.target.counts.get(kind, 0),
                 count + (self.placeholders if kind == "identities" else 0))
                for kind, count in self.source.counts.items()]

    def balance_mismatches(self) -> list[tuple[str, int, int | None]]:
        return [(user_id, balance, self.target.balances.get(user_id))
                for user_id, balance in self.source.balances.items() if self.target.balances.get(user_id) != balance]

    @property
    def ok(self) -> bool:
        return (all(target == expected for _, _, target, expected in self.rows())
                and not self.balance_mismatches() and not self.ledger_problems)

    def lines(self) -> list[str]:
        lines = [f"{'kind':<16}{'source':>9}{'target':>9}  check"]
        for kind, source, target, expected in self.rows():
            check = "ok" if target == expected else f"DIFFERS: expected {expected}"
            if kind == "identities" and self.placeholders:
                check += (f" (source + {self.placeholders} placeholder 'migrated:<user id>' for users that"
                          " account linking left without one; no platform can sign in with it)")
            lines.append(f"{kind:<16}{source:>9}{target:>9}  {check}")
        mismatches = self.balance_mismatches()
        lines.append(f"balances: {len(self.source.balances)} users, "
                     + (f"{len(mismatches)} DIFFER" if mismatches else "all equal"))
        lines += [f"  user {user_id}: source {before}, target {after}" for user_id, before, after in mismatches]
        lines.append("ledger verify on the target: "
                     + (f"FAILED for {len(self.ledger_problems)} users" if self.ledger_problems else "ok"))
        lines += [f"  user {user_id}: stored balance {stored}, entries sum to {summed}"
                  for user_id, stored, summed in self.ledger_problems]
        lines += NOT_COPIED
        lines.append("migration ok" if self.ok else "migration FAILED: the target differs from the source (see above)")
        return lines
