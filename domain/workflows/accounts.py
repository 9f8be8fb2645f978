"""Accounts: a user per identity, and one-time codes that join identities into one account."""
from __future__ import annotations

from domain.errors import InvalidLinkCode, NotFound
from domain.identity import LINK_CODE_LENGTH, LINK_CODE_TTL_S, LinkCode, User, normalise_link_code, parse_identity
from domain.ledger import EntryKind, LedgerEntry
from domain.rate_limits import RateLimiter
from ports.clock import Clock, Ids
from ports.storage import Storage


class Accounts:
    def __init__(self, storage: Storage, clock: Clock, ids: Ids, limiter: RateLimiter):
        self.storage, self.clock, self.ids, self.limiter = storage, clock, ids, limiter

    async def user_for(self, identity: str, display_name: str = "") -> User:
        """The user behind `identity`, created on first sight."""
        identity = parse_identity(identity)
        user = await self.storage.users.by_identity(identity)
        if user is None:
            candidate = User(id=self.ids.new_id(), display_name=display_name or identity, created_at=self.clock.now())
            user = await self.storage.users.add(candidate, identity)
        return user

    async def get(self, user_id: str) -> User | None:
        return await self.storage.users.get(user_id)

    async def identities(self, user_id: str) -> list[str]:
        """The platform identities joined into this account."""
        return await self.storage.users.identities(user_id)

    async def known(self, identity: str) -> User | None:
        """The user behind `identity` if they have used StationThis; never creates one."""
        return await self.storage.users.by_identity(parse_identity(identity))

    async def existing(self, identity: str) -> User:
        """The user behind `identity`, or NotFound saying how an account is made (operators' commands)."""
        user = await self.known(identity)
        if user is None:
            raise NotFound(f"Nobody has used StationThis as {identity}: make the account with 'stationthis web "
                           "create-user NAME' for the web, or have them send /start to a bot.")
        return user

    async def names(self, user_ids: set[str]) -> dict[str, str]:
        """Display names to show for user ids (the id itself for someone unknown)."""
        found = {}
        for user_id in user_ids:
            user = await self.storage.users.get(user_id)
            found[user_id] = user.display_name if user else user_id
        return found

    async def issue_link_code(self, user_id: str, client: str | None = None) -> LinkCode:
        """A one-time code that signs in as (or joins another identity to) the user; limited per user and client."""
        self.limiter.hit(f"link-code:{user_id}", f"link-code-client:{client}" if client else None)
        code = LinkCode(code=self.ids.token(LINK_CODE_LENGTH), user_id=user_id,
                        expires_at=self.clock.now() + LINK_CODE_TTL_S)
        await self.storage.link_codes.add(code)
        return code

    async def sign_in(self, code_text: str, client: str) -> User:
        """The account behind a one-time code, which is used up (web sign-in); limited per client address."""
        self.limiter.hit(f"sign-in:{client}")
        code = await self.storage.link_codes.consume(normalise_link_code(code_text), self.clock.now())
        return (await self._issuer(code))[1]

    async def redeem(self, identity: str, code_text: str) -> User:
        """Join `identity` to the account that issued the code; its points move along, once."""
        identity = parse_identity(identity)
        self.limiter.hit(f"redeem:{identity}")
        code = await self.storage.link_codes.consume(normalise_link_code(code_text), self.clock.now())
        used, target = await self._issuer(code)
        previous = await self.storage.users.by_identity(identity)
        if previous is not None and previous.id != target.id:
            await self._move_points(previous.id, target.id, used.code)
        await self.storage.users.attach(identity, target.id)
        return target

    async def _issuer(self, code: LinkCode | None) -> tuple[LinkCode, User]:
        """A code just used up and the user who issued it; InvalidLinkCode for a code that was not usable."""
        user = await self.storage.users.get(code.user_id) if code is not None else None
        if code is None or user is None:
            raise InvalidLinkCode()
        return code, user

    async def _move_points(self, source: str, target: str, code: str) -> None:
        amount = await self.storage.ledger.balance(source)
        if amount <= 0:
            return
        now = self.clock.now()
        for user_id, signed, key in ((source, -amount, f"link-out:{code}"), (target, amount, f"link-in:{code}")):
            await self.storage.ledger.post(LedgerEntry(
                id=self.ids.new_id(), user_id=user_id, kind=EntryKind.ADJUSTMENT, amount=signed, key=key,
                reason="accounts joined with a link code", created_at=now,
            ))
