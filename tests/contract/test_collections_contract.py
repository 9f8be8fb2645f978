"""The collections contract: collections round-trip, are seen by owner and sharees, and are found by link."""
from __future__ import annotations

from dataclasses import replace

from domain.collections import CollectionItem
from tests.contract.records import collection, defaults_left


async def test_a_collection_round_trips_with_every_field(storage):
    favourites = collection(visibility="link", shared_with={"bob": "edit", "carol": "view"},
                            link_token="tok123", link_expires_at=5000.0)
    assert defaults_left(favourites) == []
    await storage.collections.add(favourites)
    assert await storage.collections.get(favourites.id) == favourites
    assert await storage.collections.get("no-such-collection") is None


async def test_collections_are_visible_to_their_owner_and_those_shared_with_newest_first(storage):
    own = collection(created_at=1000.0)
    shared = collection(owner="bob", shared_with={"alice": "view"}, visibility="shared", created_at=1001.0)
    public = collection(owner="carol", visibility="public", created_at=1002.0)
    for each in (own, shared, public):
        await storage.collections.add(each)
    assert await storage.collections.visible_to("alice") == [shared, own]
    assert await storage.collections.visible_to("dave") == []


async def test_a_saved_collection_keeps_its_items_and_its_new_audience(storage):
    favourites = collection(owner="bob", shared_with={"alice": "view"}, visibility="shared")
    await storage.collections.add(favourites)
    changed = replace(favourites, shared_with={"carol": "edit"},
                      items=favourites.items + (CollectionItem("image", "results/b/0.png", 1003.0),))
    await storage.collections.save(changed)
    assert await storage.collections.get(favourites.id) == changed
    assert await storage.collections.visible_to("alice") == []
    assert await storage.collections.visible_to("carol") == [changed]


async def test_a_collection_is_found_by_its_link_token(storage):
    linked = collection(visibility="link", link_token="tok123", link_expires_at=5000.0)
    await storage.collections.add(linked)
    await storage.collections.add(collection(name="other"))
    assert await storage.collections.by_link("tok123") == linked
    assert await storage.collections.by_link("tok999") is None


async def test_a_deleted_collection_is_gone_for_everyone(storage):
    favourites = collection(shared_with={"bob": "view"}, visibility="shared", link_token="tok123")
    await storage.collections.add(favourites)
    await storage.collections.delete(favourites.id)
    assert await storage.collections.get(favourites.id) is None
    assert await storage.collections.visible_to("bob") == []
    assert await storage.collections.by_link("tok123") is None
