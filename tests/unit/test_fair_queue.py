"""Round-robin between users, first-in-first-out within a user."""
from domain.scheduling import FairQueue


def test_one_heavy_user_does_not_delay_a_light_user_by_more_than_one_job():
    queue = FairQueue()
    for n in range(500):
        queue.push(f"heavy{n}", "heavy")
    queue.push("light", "light")
    assert [queue.pop(), queue.pop()] == ["heavy0", "light"]


def test_users_take_turns_and_each_keeps_their_order():
    queue = FairQueue()
    for job, user in [("a1", "a"), ("a2", "a"), ("b1", "b"), ("c1", "c"), ("b2", "b")]:
        queue.push(job, user)
    assert [queue.pop() for _ in range(5)] == ["a1", "b1", "c1", "a2", "b2"]
    assert queue.pop() is None


def test_position_counts_the_jobs_that_will_run_first():
    queue = FairQueue()
    for job, user in [("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b")]:
        queue.push(job, user)
    assert [queue.position(j) for j in ("a1", "b1", "a2", "a3")] == [1, 2, 3, 4]
    order = [queue.pop() for _ in range(4)]
    assert order == ["a1", "b1", "a2", "a3"]


def test_a_removed_job_leaves_the_line():
    queue = FairQueue()
    queue.push("a1", "a")
    queue.push("b1", "b")
    assert queue.remove("a1") and not queue.remove("a1")
    assert queue.position("b1") == 1 and len(queue) == 1


def test_a_job_put_back_in_front_runs_next():
    queue = FairQueue()
    queue.push("a1", "a")
    queue.push("b1", "b", front=True)
    assert queue.pop() == "b1"
