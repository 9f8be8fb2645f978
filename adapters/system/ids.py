"""Ids, codes and seeds from the operating system's secure random source."""
import secrets
import uuid

from domain.identity import LINK_CODE_ALPHABET


class SecretIds:
    def new_id(self) -> str:
        return uuid.uuid4().hex

    def token(self, length: int) -> str:
        return "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(length))

    def seed(self) -> int:
        return secrets.randbelow(2**32)
