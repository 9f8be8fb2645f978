"""The credentials contract: sessions and API tokens found by digest, listed, touched, revoked and expired."""
from __future__ import annotations

from domain.credentials import Credential, CredentialKind
from tests.contract.records import new_id


def credential(user_id: str = "alice", kind: CredentialKind = CredentialKind.TOKEN, created_at: float = 10.0,
               expires_at: float = 1000.0) -> Credential:
    return Credential(id=new_id("cred"), user_id=user_id, kind=kind, name="backup script", digest=new_id("digest"),
                      created_at=created_at, expires_at=expires_at)


async def test_a_credential_round_trips_and_is_found_by_its_digest_only(storage):
    stored = credential(kind=CredentialKind.SESSION)
    await storage.credentials.add(stored)
    assert await storage.credentials.by_digest(stored.digest) == stored
    assert await storage.credentials.by_digest(stored.id) is None
    assert await storage.credentials.by_digest("digest-of-nothing") is None


async def test_a_users_credentials_are_listed_newest_first_and_nobody_elses(storage):
    older, newer, other = credential(created_at=1.0), credential(created_at=2.0), credential("bob")
    for each in (older, newer, other):
        await storage.credentials.add(each)
    assert await storage.credentials.of_user("alice") == [newer, older]
    assert await storage.credentials.of_user("carol") == []


async def test_use_is_recorded_and_nothing_else_changes(storage):
    stored = credential()
    await storage.credentials.add(stored)
    await storage.credentials.used(stored.id, 55.5)
    assert await storage.credentials.by_digest(stored.digest) == Credential(**{**stored.__dict__, "last_used_at": 55.5})


async def test_deleting_one_all_of_a_user_or_the_expired_ones(storage):
    first, second, bobs = credential(expires_at=100.0), credential(expires_at=500.0), credential("bob", expires_at=50.0)
    for each in (first, second, bobs):
        await storage.credentials.add(each)
    await storage.credentials.delete(first.id)
    assert await storage.credentials.by_digest(first.digest) is None
    assert await storage.credentials.delete_expired(50.0) == 1
    assert await storage.credentials.of_user("bob") == []
    assert await storage.credentials.delete_of_user("alice") == 1
    assert await storage.credentials.of_user("alice") == []
