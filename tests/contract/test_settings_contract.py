"""The settings contract: each user's defaults round-trip whole, and a put replaces them."""
from __future__ import annotations


async def test_a_user_without_settings_has_none(storage):
    assert await storage.settings.get("alice") == {}


async def test_settings_round_trip_with_every_kind_of_value(storage):
    values = {"steps": 30, "cfg": 6.5, "sampler": "euler_a", "hires": True, "negative": "blurry, ünïcode",
              "size": [1024, 768], "lora": {"name": "cat_lora", "strength": 0.8}, "seed": None}
    await storage.settings.put("alice", values)
    assert await storage.settings.get("alice") == values
    assert await storage.settings.get("bob") == {}


async def test_putting_settings_replaces_them_whole(storage):
    await storage.settings.put("alice", {"steps": 30, "cfg": 6.5})
    await storage.settings.put("alice", {"steps": 25})
    assert await storage.settings.get("alice") == {"steps": 25}
    await storage.settings.put("alice", {})
    assert await storage.settings.get("alice") == {}
