"""What every store (records or blobs) raises when its disk or quota has no room for a write."""
from __future__ import annotations

import errno

NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class StorageFull(Exception):
    """The store answers but cannot take writes for want of space; the message names the store, for operators.
    Nothing about it is permanent: the same write succeeds once space returns."""


def out_of_space(error: BaseException) -> bool:
    """An operating system error meaning the disk (or the user's quota) is full."""
    return isinstance(error, OSError) and error.errno in NO_SPACE
