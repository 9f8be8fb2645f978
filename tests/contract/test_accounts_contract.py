"""The accounts contract: one user per identity, identities that move, link codes used once."""
from __future__ import annotations

import asyncio

from domain.identity import LinkCode, User


def user(user_id: str, created_at: float = 1000.0) -> User:
    return User(id=user_id, display_name=f"{user_id.title()} Example", created_at=created_at)


async def test_a_user_round_trips_and_is_found_by_identity(storage):
    alice = user("alice")
    assert await storage.users.add(alice, "telegram:1") == alice
    assert await storage.users.get("alice") == alice
    assert await storage.users.by_identity("telegram:1") == alice
    assert await storage.users.identities("alice") == ["telegram:1"]


async def test_unknown_users_and_identities_are_none(storage):
    assert await storage.users.get("nobody") is None
    assert await storage.users.by_identity("discord:404") is None
    assert await storage.users.identities("nobody") == []


async def test_adding_a_user_for_a_known_identity_returns_the_owner_and_stores_nothing(storage):
    await storage.users.add(user("alice"), "telegram:1")
    assert await storage.users.add(user("bob"), "telegram:1") == user("alice")
    assert await storage.users.get("bob") is None
    assert await storage.users.all_ids() == ["alice"]


async def test_concurrent_first_messages_from_one_identity_create_one_user(storage):
    winners = await asyncio.gather(*(storage.users.add(user(f"user{n}"), "web:alice") for n in range(10)))
    assert len(set(winners)) == 1
    assert await storage.users.all_ids() == [winners[0].id]


async def test_identities_attach_and_move(storage):
    await storage.users.add(user("alice"), "telegram:1")
    await storage.users.add(user("bob", 1001.0), "discord:2")
    await storage.users.attach("web:alice", "alice")
    assert sorted(await storage.users.identities("alice")) == ["telegram:1", "web:alice"]
    await storage.users.attach("discord:2", "alice")
    assert await storage.users.by_identity("discord:2") == user("alice")
    assert sorted(await storage.users.identities("alice")) == ["discord:2", "telegram:1", "web:alice"]
    assert await storage.users.identities("bob") == []
    assert await storage.users.get("bob") == user("bob", 1001.0)


async def test_all_ids_lists_every_user(storage):
    for n in range(3):
        await storage.users.add(user(f"user{n}", 1000.0 + n), f"web:user{n}")
    assert sorted(await storage.users.all_ids()) == ["user0", "user1", "user2"]


async def test_a_link_code_is_consumed_once(storage):
    await storage.link_codes.add(LinkCode("ABCD2345", "alice", expires_at=2000.0))
    assert await storage.link_codes.consume("ABCD2345", now=1000.0) == LinkCode("ABCD2345", "alice", 2000.0, used=True)
    assert await storage.link_codes.consume("ABCD2345", now=1001.0) is None


async def test_a_link_code_is_never_consumed_after_expiry(storage):
    await storage.link_codes.add(LinkCode("ABCD2345", "alice", expires_at=2000.0))
    assert await storage.link_codes.consume("ABCD2345", now=2000.0) is None
    assert await storage.link_codes.consume("ABCD2345", now=3000.0) is None


async def test_an_unknown_link_code_is_none(storage):
    assert await storage.link_codes.consume("ZZZZ9999", now=1000.0) is None


async def test_of_many_concurrent_redemptions_of_a_code_exactly_one_wins(storage):
    await storage.link_codes.add(LinkCode("ABCD2345", "alice", expires_at=2000.0))
    results = await asyncio.gather(*(storage.link_codes.consume("ABCD2345", now=1000.0) for _ in range(10)))
    assert sum(r is not None for r in results) == 1
