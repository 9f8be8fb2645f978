"""Named domain errors; every message is fit to show to the user who caused it."""
import re

_ID = re.compile(r"[0-9a-f]{32}")


def named(given: str) -> str:
    """How a message names what the user asked for: by the name they typed, never by an internal id (a web
    address carries those)."""
    return "with that id" if _ID.fullmatch(given or "") else f"'{given}'"


class DomainError(Exception):
    """A rule was broken; the message says what was wrong and what is allowed."""


class InvalidParameter(DomainError):
    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name


class UnknownTool(DomainError):
    def __init__(self, name: str, known: list[str]):
        super().__init__(f"Unknown command '{name}'. Available: {', '.join(sorted(known)) or 'none'}.")
        self.name = name


class InsufficientPoints(DomainError):
    def __init__(self, balance: int, price: int):
        super().__init__(f"Not enough points: this costs {price}, your balance is {balance}.")
        self.balance = balance
        self.price = price


class IllegalTransition(DomainError):
    def __init__(self, kind: str, current: str, target: str):
        super().__init__(f"A {kind} cannot go from {current} to {target}.")
        self.current = current
        self.target = target


class NotFound(DomainError):
    """Missing, or not visible to the asking user (the two are never told apart)."""


class Forbidden(DomainError):
    """Visible but not changeable by the asking user."""


class InvalidLinkCode(DomainError):
    def __init__(self) -> None:
        super().__init__("That link code is unknown, expired or already used. Ask for a new one with /link.")


class RefundRefused(DomainError):
    """A refund without its charge, or one larger than the charge."""


class DatasetNotReady(DomainError):
    def __init__(self, problems: list[str]):
        super().__init__("The dataset is not ready: " + "; ".join(problems))
        self.problems = problems


class EngineRejected(DomainError):
    """The image engine refused the job; the message names the parameter or node at fault."""


class Conflict(DomainError):
    """It cannot be done to the thing as it stands: a name already taken, a job without a picture to work on."""


class ConcurrentUpdate(DomainError):
    """Somebody else changed the record first; reload and try again."""


class AccountBusy(DomainError):
    def __init__(self, unfinished: int):
        super().__init__(f"This account still has {unfinished} job{'s' if unfinished != 1 else ''} running or "
                         "waiting: let them finish (or /cancel them), then send a link code again.")
        self.unfinished = unfinished
