"""Fair queue: round-robin between users, first-in-first-out within each user."""
from __future__ import annotations

from collections import OrderedDict, deque


class FairQueue:
    def __init__(self) -> None:
        self._by_user: OrderedDict[str, deque[str]] = OrderedDict()
        self._owner: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._owner)

    def __contains__(self, job_id: str) -> bool:
        return job_id in self._owner

    def ids(self) -> set[str]:
        return set(self._owner)

    def push(self, job_id: str, user_id: str, front: bool = False) -> None:
        if job_id in self._owner:
            return
        lane = self._by_user.setdefault(user_id, deque())
        lane.appendleft(job_id) if front else lane.append(job_id)
        if front:
            self._by_user.move_to_end(user_id, last=False)
        self._owner[job_id] = user_id

    def pop(self) -> str | None:
        """The next job: the head of the user whose turn it is; that user then goes to the back."""
        if not self._by_user:
            return None
        user_id, lane = next(iter(self._by_user.items()))
        job_id = lane.popleft()
        del self._owner[job_id]
        if lane:
            self._by_user.move_to_end(user_id)
        else:
            del self._by_user[user_id]
        return job_id

    def remove(self, job_id: str) -> bool:
        user_id = self._owner.pop(job_id, None)
        if user_id is None:
            return False
        lane = self._by_user[user_id]
        lane.remove(job_id)
        if not lane:
            del self._by_user[user_id]
        return True

    def position(self, job_id: str) -> int | None:
        """1-based place in line: whole rounds of every user ahead, then the users before it in this round."""
        user_id = self._owner.get(job_id)
        if user_id is None:
            return None
        depth = self._by_user[user_id].index(job_id)
        ahead = sum(min(len(lane), depth) for lane in self._by_user.values())
        for other, lane in self._by_user.items():
            if other == user_id:
                break
            ahead += len(lane) > depth
        return ahead + 1
