"""Bound an async test in time: a hang fails the test instead of stalling the suite."""
import asyncio
import functools


def bounded(seconds: float = 60):
    def decorate(test):
        @functools.wraps(test)
        async def run(*args, **kwargs):
            return await asyncio.wait_for(test(*args, **kwargs), seconds)
        return run
    return decorate
