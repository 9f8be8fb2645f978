"""Command-line arguments checked before anything opens, and argparse's complaints as one line."""
from __future__ import annotations

import argparse

from domain.errors import DomainError
from domain.identity import parse_identity


class OneLineErrors(argparse.ArgumentParser):
    """A malformed command gets one `error:` line naming the argument and where help is, and exit code 2."""

    def error(self, message: str):
        self.exit(2, f"error: {self.prog}: {message} (see: {self.prog} --help)\n")


def identity(text: str) -> str:
    """An argparse type: platform:id, in the domain's words when it is not one."""
    try:
        return parse_identity(text)
    except DomainError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def web_name(text: str) -> str:
    """An argparse type: a name that makes the identity web:NAME."""
    try:
        parse_identity(f"web:{text}")
    except DomainError:
        raise argparse.ArgumentTypeError(f"'{text}' cannot be a name: use 1 to 64 letters, digits, '_', '.' "
                                         "and '-'") from None
    return text
