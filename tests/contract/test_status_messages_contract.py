"""The status-message contract: where a job's status is shown survives until the job's result replaces it."""
from __future__ import annotations


async def test_a_status_message_is_kept_replaced_and_dropped(storage):
    assert await storage.status_messages.get("job1") is None
    await storage.status_messages.put("job1", {"chat_id": 42, "message_id": 7})
    await storage.status_messages.put("job1", {"chat_id": 42, "message_id": 8})
    assert await storage.status_messages.get("job1") == {"chat_id": 42, "message_id": 8}
    await storage.status_messages.drop("job1")
    await storage.status_messages.drop("job1")  # dropping twice is harmless
    assert await storage.status_messages.get("job1") is None
