"""Accounts: a user per identity, the names people go by on a platform, and one-time codes that join accounts."""
from __future__ import annotations

from domain.blobs import BlobKey
from domain.errors import AccountBusy, DomainError, InvalidLinkCode, NotFound
from domain.identity import (
    LINK_CODE_LENGTH,
    LINK_CODE_TTL_S,
    LinkCode,
    User,
    handle_identity,
    is_alias,
    normalise_link_code,
    parse_identity,
)
from domain.jobs import JobState
from domain.ledger import EntryKind, LedgerEntry
from domain.merging import alias_of, blocks_merge
from domain.rate_limits import RateLimiter
from ports.clock import Clock, Ids
from ports.storage import Storage

OWN_CODE = ("That code is your own: send it from the account you want to join to this one (or sign in with it "
            "on the web). It still works.")
_IN_FLIGHT = (JobState.REQUESTED, JobState.CHARGED, JobState.QUEUED, JobState.RUNNING)


class Accounts:
    def __init__(self, storage: Storage, clock: Clock, ids: Ids, limiter: RateLimiter):
        self.storage, self.clock, self.ids, self.limiter = storage, clock, ids, limiter
        self._handles: dict[str, str] = {}  # identity -> the @name last recorded for it by this process

    async def user_for(self, identity: str, display_name: str = "", handle: str | None = None) -> User:
        """The user behind `identity`, created on first sight; `handle` (a Telegram @name) is remembered so
        others can name them by it."""
        identity = parse_identity(identity)
        user = await self.storage.users.by_identity(identity)
        if user is None and is_alias(identity):
            raise DomainError(f"Nobody named '{identity}' has used StationThis yet.")
        if user is None:
            candidate = User(id=self.ids.new_id(), display_name=display_name or identity, created_at=self.clock.now())
            user = await self.storage.users.add(candidate, identity)
        alias = handle_identity(identity, handle) if handle else None
        if alias is not None and self._handles.get(identity) != alias:
            await self.storage.users.attach(alias, user.id)
            self._handles[identity] = alias
        return user

    async def get(self, user_id: str) -> User | None:
        return await self.storage.users.get(user_id)

    async def identities(self, user_id: str) -> list[str]:
        """The platform identities joined into this account (not the names others may use for it)."""
        return [i for i in await self.storage.users.identities(user_id) if not is_alias(i)]

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
        """Join `identity`'s account to the one that issued the code: everything it holds moves there (jobs,
        results, collections, datasets, models, settings and points). Your own code, or an account with work
        still running, is refused without using the code up."""
        identity, code_text = parse_identity(identity), normalise_link_code(code_text)
        self.limiter.hit(f"redeem:{identity}")
        offered = await self.storage.link_codes.peek(code_text, self.clock.now())
        joining = await self.storage.users.by_identity(identity)
        if offered is not None and joining is not None and joining.id == offered.user_id:
            raise DomainError(OWN_CODE)
        if joining is not None and (busy := await self._unsettled(joining.id)):
            raise AccountBusy(busy)
        _, target = await self._issuer(await self.storage.link_codes.consume(code_text, self.clock.now()))
        if joining is None:
            await self.storage.users.attach(identity, target.id)
        elif joining.id != target.id:
            await self.storage.users.merge(joining.id, target.id, await self._points(joining.id, target.id))
        return target

    async def _issuer(self, code: LinkCode | None) -> tuple[LinkCode, User]:
        """A code just used up and the user who issued it; InvalidLinkCode for a code that was not usable."""
        user = await self.storage.users.get(code.user_id) if code is not None else None
        if code is None or user is None:
            raise InvalidLinkCode()
        return code, user

    async def _unsettled(self, user_id: str) -> int:
        """How many of the account's jobs still move money (the store checks again as it merges)."""
        jobs = [j for state in _IN_FLIGHT for j in await self.storage.jobs.of_user(user_id, 50, state=state)]
        owing = [j for j in await self.storage.jobs.unsettled() if j.user_id == user_id]
        return sum(blocks_merge(j) for j in jobs + owing)

    async def _points(self, source: str, target: str) -> tuple[LedgerEntry, ...]:
        """The joining account's balance moving over; the same entries if a merge cut short is run again."""
        out_key, in_key = f"join-out:{source}", f"join-in:{source}"
        standing = await self.storage.ledger.by_key(out_key)
        amount = -standing.amount if standing is not None else await self.storage.ledger.balance(source)
        if amount <= 0:
            return ()
        now = self.clock.now()
        return tuple(LedgerEntry(id=self.ids.new_id(), user_id=user_id, kind=EntryKind.ADJUSTMENT, amount=signed,
                                 key=key, reason="accounts joined with a link code", created_at=now)
                     for user_id, signed, key in ((source, -amount, out_key), (target, amount, in_key)))


async def owns_input(storage: Storage, blob: BlobKey, user_id: str) -> bool:
    """An image someone sent belongs to their account, and to the account it later joined."""
    if blob.owner == user_id:
        return True
    joined = await storage.users.by_identity(alias_of(blob.owner))
    return joined is not None and joined.id == user_id
