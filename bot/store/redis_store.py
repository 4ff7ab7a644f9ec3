"""The scale-out store: the ``Store`` protocol on Redis, shared by any number of replicas.

Chosen with ``COACH_STORE_URL=redis://host:port/db`` (or ``rediss://``); needs the
``redis`` extra. Every replica talks to the same Redis, and everything that must happen
once across replicas is decided by Redis itself (a Lua script or ``SET NX``), never by a
read followed by a write in Python.

Key layout (``P`` is the prefix, ``coach:`` by default; user and conversation keys such as
``slack:T1:U1`` are used verbatim, always after a fixed word, so two names never collide):

``P conv:<key>`` (hash)
    One conversation: ``data`` (the ``Conversation`` as JSON), ``user`` (its user key) and
    ``at`` (``updated_at``). It carries a server-side expiry of ``ttl`` (``PEXPIRE``, so a
    fractional ttl is honoured to the millisecond); ``get_conversation`` also applies its own
    ``now``/``ttl`` check on ``at`` and deletes a stale (or unreadable) one, only if it was not
    saved again meanwhile.
``P user-convs:<user>`` (set)
    The ``conv:`` keys saved for a user, so that ``forget_user`` can find them. Entries are
    hints: readers check that the conversation still exists and still belongs to the user.
    The set expires no earlier than the longest-lived conversation it lists.
``P prefs:<user>`` (string)
    The ``Preferences`` as JSON (kept even when ``lang`` is None, as SQLite keeps the row).
``P workspace:<workspace>`` (string)
    A workspace's or server's ``WorkspaceSettings`` as JSON (``workspace:slack:T1``); deleted when they are
    set back to the defaults.
``P stat-topics`` (set) and ``P stats:<topic>`` (hash)
    Aggregate counters: every topic ever counted, and per topic one ``HINCRBY`` counter per
    feedback kind and outcome. They hold no user, so they survive ``forget_user``.
``P attrib:<user>`` (hash)
    Who gave which feedback or outcome: ``feedback:<topic>:<kind>`` -> count. ``forget_user``
    deletes it, which is what detaching the user from feedback and outcomes means here.
``P checkin-data`` (hash), ``P checkin-due:<platform>`` (sorted sets), ``P checkin-platforms``
(set) and ``P user-checkins:<user>`` (set)
    Pending check-ins: id -> the ``Checkin`` as JSON (the source of truth); per platform, the
    ids scored by ``due_at``; the platforms seen; a user's ids. A Lua script takes the due ones
    (lowest ``due_at``, then id, across the platforms asked for) and deletes them in one step,
    so two replicas never receive the same check-in; claimed ones are gone.
``P event:<id>`` (string)
    Event de-duplication: ``SET NX EX ttl`` (ttl rounded up to whole seconds, at least 1).
``P record:<kind>:<key>`` (string)
    An adapter's opaque record (a Slack installation, an OAuth state), with ``PX`` when it has a ttl.

``forget_tenant`` finds a tenant's keys with ``SCAN`` (``conv:slack:T1:*``, ``prefs:slack:T1:*``, ...) and its
check-ins by reading ``checkin-data``; it is for the rare uninstall, not for a hot path.

Every script touches only the keys it is given (index sets are read just before, and a
member added meanwhile is simply left for the next call). The layout targets one Redis server
(or a primary with replicas and Sentinel), not Redis Cluster, whose slots would split it.

Failure handling: at most 64 connections per store (more callers wait for a free one); they
time out after 2 s; a command that hit a broken pooled connection (a restarted server) is
retried once on a fresh one, while a timeout is not retried, so a claim the server may have
applied already is never repeated. Every Redis error leaves this module as ``StoreError``
naming host:port (never the password), chained from the original.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, fields
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import (
    AuthenticationError,
    AuthorizationError,
    NoPermissionError,
    ReadOnlyError,
    RedisError,
    ResponseError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.errors import ConfigError, StoreError
from bot.store.base import (
    Checkin,
    Conversation,
    FeedbackKind,
    Outcome,
    Preferences,
    TopicStats,
    WorkspaceSettings,
    conversation_from_json,
    conversation_to_json,
    workspace_settings_from_json,
    workspace_settings_to_json,
)

DEFAULT_TIMEOUT = 2.0
DEFAULT_MAX_CONNECTIONS = 64
POOL_WAIT_FACTOR = 5
_STAT_KINDS = ("shown", "helpful", "not_helpful", "resolved", "unresolved")
_CHECKIN_FIELDS = frozenset(f.name for f in fields(Checkin))
_OPTIONAL_CHECKIN_FIELDS = frozenset({"tenant"})  # check-ins saved before tenants have none
# Keys named after a user key (or, for conv, a conversation key): a tenant's are "<kind>:<scope>:...".
_USER_KINDS = ("conv", "user-convs", "prefs", "attrib", "user-checkins", "rate")

# KEYS: conversation, the user's conversation index. ARGV: data, user, updated_at, ttl in ms.
_SAVE_CONVERSATION = """
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'user', ARGV[2], 'at', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], KEYS[1])
local left = redis.call('PTTL', KEYS[2])
if left < tonumber(ARGV[4]) then
    redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
return 1
"""

# A token bucket shared by every replica. KEYS: the user's bucket. ARGV: burst, tokens per second, now.
# Returns the seconds to wait as a string (a Lua number would come back truncated to an integer).
_SPEND_TOKEN = """
local burst, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(state[1]) or burst
local last = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - last) * rate)
local wait = 0
if tokens >= 1 then
    tokens = tokens - 1
else
    wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""

# KEYS: conversation. ARGV: the updated_at that was seen (a newer save must survive).
_DROP_CONVERSATION = """
if (redis.call('HGET', KEYS[1], 'at') or '') == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""

# Lua helper: one field of a stored check-in (JSON), or nil when it cannot be read.
_CHECKIN_FIELD = """
local function checkin_field(data, name)
    if not data then
        return nil
    end
    local ok, decoded = pcall(cjson.decode, data)
    if ok and type(decoded) == 'table' then
        return decoded[name]
    end
    return nil
end
"""

# KEYS: check-in data, then the due set of each platform to draw from.
# ARGV: now, limit (negative: no limit), then the platform of each due set, in KEYS order.
# Takes the due check-ins in (due_at, id) order across the sets, removes them and returns
# their JSON. A set member whose data is gone or names another platform (forgotten, or
# re-added elsewhere) is dropped on the way; the pass then starts again so order holds.
_CLAIM_CHECKINS = (
    _CHECKIN_FIELD
    + """
local function before(a, b)
    if a[1] ~= b[1] then
        return a[1] < b[1]
    end
    -- Byte order, as ZRANGE and SQLite use: Lua's own string order follows the locale.
    local x, y = a[2], b[2]
    for k = 1, math.min(#x, #y) do
        local cx, cy = string.byte(x, k), string.byte(y, k)
        if cx ~= cy then
            return cx < cy
        end
    end
    return #x < #y
end

local limit = tonumber(ARGV[2])
local claimed = {}
while limit < 0 or #claimed < limit do
    local want = limit < 0 and -1 or limit - #claimed
    local candidates = {}
    for i = 2, #KEYS do
        local items = redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, want)
        for j = 1, #items, 2 do
            candidates[#candidates + 1] = {tonumber(items[j + 1]), items[j], i}
        end
    end
    table.sort(candidates, before)
    local stale = false
    for n = 1, #candidates do
        if limit >= 0 and #claimed >= limit then
            break
        end
        local id, i = candidates[n][2], candidates[n][3]
        redis.call('ZREM', KEYS[i], id)
        local data = redis.call('HGET', KEYS[1], id)
        if data and checkin_field(data, 'platform') == ARGV[i + 1] then
            redis.call('HDEL', KEYS[1], id)
            claimed[#claimed + 1] = data
        else
            stale = true
            break
        end
    end
    if not stale then
        break
    end
end
return claimed
"""
)

# KEYS: conversation index, preferences, attribution, check-in data, the user's check-ins,
# then n platform due sets, then the conversations listed in the index when it was read.
# ARGV: user key, n, the platform of each due set.
_FORGET_USER = (
    _CHECKIN_FIELD
    + """
local n = tonumber(ARGV[2])
local due = {}
for i = 1, n do
    due[ARGV[2 + i]] = KEYS[5 + i]
end
for i = 6 + n, #KEYS do
    if redis.call('HGET', KEYS[i], 'user') == ARGV[1] then
        redis.call('DEL', KEYS[i])
    end
    redis.call('SREM', KEYS[1], KEYS[i])
end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[5])) do
    local data = redis.call('HGET', KEYS[4], id)
    if checkin_field(data, 'user_key') == ARGV[1] then
        redis.call('HDEL', KEYS[4], id)
        local platform = checkin_field(data, 'platform')
        if due[platform] then
            redis.call('ZREM', due[platform], id)
        end
    end
end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[5])
return 1
"""
)

# KEYS: as for _FORGET_USER without the due sets (KEYS[6] is the first conversation).
_HOLDS_ANYTHING = (
    _CHECKIN_FIELD
    + """
if redis.call('EXISTS', KEYS[2], KEYS[3]) > 0 then
    return 1
end
for i = 6, #KEYS do
    if redis.call('HGET', KEYS[i], 'user') == ARGV[1] then
        return 1
    end
end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[5])) do
    if checkin_field(redis.call('HGET', KEYS[4], id), 'user_key') == ARGV[1] then
        return 1
    end
end
return 0
"""
)


class RedisStore:
    """``Store`` on Redis; any number of instances (replicas) may share one server."""

    def __init__(self, client: aioredis.Redis, *, prefix: str = "coach:") -> None:
        """Use an existing asyncio client; ``close()`` closes it."""
        self._client = client
        self._prefix = prefix
        self._closed = False
        settings = client.connection_pool.connection_kwargs
        self._where = _address(settings)
        self._timeout = settings.get("socket_timeout")
        self._save_conversation = client.register_script(_SAVE_CONVERSATION)
        self._drop_conversation = client.register_script(_DROP_CONVERSATION)
        self._claim_checkins = client.register_script(_CLAIM_CHECKINS)
        self._forget_user = client.register_script(_FORGET_USER)
        self._holds_anything = client.register_script(_HOLDS_ANYTHING)
        self._spend_token = client.register_script(_SPEND_TOKEN)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        prefix: str = "coach:",
        timeout: float = DEFAULT_TIMEOUT,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> RedisStore:
        """A store on ``redis://[:password@]host:port/db`` (or ``rediss://``); connects on first use.

        At most ``max_connections`` commands run at once; more wait for a free connection
        (up to ``POOL_WAIT_FACTOR * timeout`` seconds) instead of failing.
        """
        try:
            pool = aioredis.BlockingConnectionPool.from_url(
                url,
                max_connections=max_connections,
                timeout=POOL_WAIT_FACTOR * timeout,
                decode_responses=True,
                socket_connect_timeout=timeout,
                socket_timeout=timeout,
                # One immediate retry on a broken connection (the server restarted); none on a
                # timeout, where the server may have applied the command already.
                retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
            )
        except ValueError as exc:
            # Only the scheme is echoed: the rest of the URL may carry a password.
            scheme = url.split(":", 1)[0]
            raise ConfigError(
                f"COACH_STORE_URL ({scheme}://...) is not a valid Redis URL: use redis://[:password@]host:port/db"
            ) from exc
        # from_pool: the client owns the pool and disconnects it on close.
        client = aioredis.Redis.from_pool(pool)
        return cls(client, prefix=prefix)

    # -- plumbing -------------------------------------------------------------------------

    def _key(self, kind: str, name: str | None = None) -> str:
        return f"{self._prefix}{kind}" if name is None else f"{self._prefix}{kind}:{name}"

    @contextmanager
    def _translate(self, doing: str) -> Iterator[None]:
        if self._closed:
            raise StoreError(f"redis store at {self._where} is closed")
        try:
            yield
        except (RedisError, OSError) as exc:
            raise StoreError(self._describe(exc, doing)) from exc

    def _describe(self, exc: Exception, doing: str) -> str:
        where = f"redis at {self._where}"
        if isinstance(exc, AuthenticationError | AuthorizationError | NoPermissionError):
            return f"{where} refused the credentials while {doing}: check the user and password in COACH_STORE_URL"
        if isinstance(exc, RedisTimeoutError | TimeoutError):
            limit = f" within {self._timeout:g} s" if isinstance(self._timeout, int | float) else ""
            return f"{where} did not answer{limit} while {doing}: check the server's load and the network"
        if isinstance(exc, RedisConnectionError) and "No connection available" in str(exc):
            return f"{where} kept every pooled connection busy while {doing}: the server is slow or overloaded"
        if isinstance(exc, RedisConnectionError | OSError):
            return (
                f"{where} is unreachable while {doing}: check that the server is running"
                " and that COACH_STORE_URL points at it"
            )
        if isinstance(exc, ReadOnlyError):
            return f"{where} is a read-only replica: point COACH_STORE_URL at the primary"
        if isinstance(exc, ResponseError):
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            return f"{where} rejected a command while {doing}: {reason}"
        return f"{where} failed while {doing}: {type(exc).__name__}"

    # -- conversations --------------------------------------------------------------------

    async def get_conversation(self, key: str, now: float, ttl: float) -> Conversation | None:
        conv_key = self._key("conv", key)
        with self._translate("reading a conversation"):
            data, at = await self._client.hmget(conv_key, ["data", "at"])
            if data is None:
                return None
            conversation = conversation_from_json(_text(data))
            updated_at = _float(at)
            if conversation is None or updated_at is None or now - updated_at > ttl:
                await self._drop_conversation(keys=[conv_key], args=[_text(at) if at is not None else ""])
                return None
            return conversation

    async def save_conversation(self, key: str, user_key: str, conversation: Conversation, ttl: float) -> None:
        data = conversation_to_json(conversation)
        ttl_ms = max(1, math.ceil(ttl * 1000))
        with self._translate("saving a conversation"):
            await self._save_conversation(
                keys=[self._key("conv", key), self._key("user-convs", user_key)],
                args=[data, user_key, repr(float(conversation.updated_at)), ttl_ms],
            )

    async def delete_conversation(self, key: str) -> None:
        # A leftover entry in the user's index is harmless: readers check the key exists.
        with self._translate("deleting a conversation"):
            await self._client.delete(self._key("conv", key))

    # -- preferences ----------------------------------------------------------------------

    async def get_preferences(self, user_key: str) -> Preferences:
        with self._translate("reading preferences"):
            raw = await self._client.get(self._key("prefs", user_key))
        if raw is None:
            return Preferences()
        try:
            loaded: Any = json.loads(_text(raw))
        except ValueError:
            return Preferences()
        lang = loaded.get("lang") if isinstance(loaded, dict) else None
        return Preferences(lang=lang if isinstance(lang, str) else None)

    async def set_preferences(self, user_key: str, preferences: Preferences) -> None:
        with self._translate("saving preferences"):
            await self._client.set(self._key("prefs", user_key), json.dumps({"lang": preferences.lang}))

    # -- workspace settings ---------------------------------------------------------------

    async def get_workspace_settings(self, workspace_key: str) -> WorkspaceSettings:
        with self._translate("reading workspace settings"):
            raw = await self._client.get(self._key("workspace", workspace_key))
        return WorkspaceSettings() if raw is None else workspace_settings_from_json(_text(raw))

    async def set_workspace_settings(self, workspace_key: str, settings: WorkspaceSettings) -> None:
        key = self._key("workspace", workspace_key)
        with self._translate("saving workspace settings"):
            if settings.is_default:
                await self._client.delete(key)
            else:
                await self._client.set(key, workspace_settings_to_json(settings))

    # -- feedback, outcomes, stats --------------------------------------------------------

    async def record_feedback(self, topic_id: str, kind: FeedbackKind, user_key: str | None) -> None:
        await self._count("feedback", topic_id, kind, user_key)

    async def record_outcome(self, topic_id: str, outcome: Outcome, user_key: str | None) -> None:
        await self._count("outcome", topic_id, outcome, user_key)

    async def _count(self, what: str, topic_id: str, kind: str, user_key: str | None) -> None:
        with self._translate(f"recording {what}"):
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.hincrby(self._key("stats", topic_id), kind, 1)
                pipe.sadd(self._key("stat-topics"), topic_id)
                if user_key is not None:
                    pipe.hincrby(self._key("attrib", user_key), f"{what}:{topic_id}:{kind}", 1)
                await pipe.execute()

    async def stats(self) -> list[TopicStats]:
        with self._translate("reading stats"):
            topics = sorted(_text(t) for t in await self._client.smembers(self._key("stat-topics")))
            async with self._client.pipeline(transaction=False) as pipe:
                for topic in topics:
                    pipe.hgetall(self._key("stats", topic))
                counters: list[Mapping[Any, Any]] = await pipe.execute()
        result = []
        for topic, raw in zip(topics, counters, strict=True):
            counts = {_text(k): int(v) for k, v in raw.items()}
            result.append(TopicStats(topic, *(counts.get(kind, 0) for kind in _STAT_KINDS)))
        return result

    # -- check-ins ------------------------------------------------------------------------

    async def add_checkin(self, checkin: Checkin) -> None:
        data = json.dumps(asdict(checkin), separators=(",", ":"))
        with self._translate("saving a check-in"):
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.hset(self._key("checkin-data"), checkin.id, data)
                pipe.zadd(self._key("checkin-due", checkin.platform), {checkin.id: float(checkin.due_at)})
                pipe.sadd(self._key("checkin-platforms"), checkin.platform)
                pipe.sadd(self._key("user-checkins", checkin.user_key), checkin.id)
                await pipe.execute()

    async def _platforms(self) -> list[str]:
        return sorted(_text(p) for p in await self._client.smembers(self._key("checkin-platforms")))

    async def claim_due_checkins(self, now: float, limit: int = 100, platform: str | None = None) -> list[Checkin]:
        with self._translate("claiming due check-ins"):
            # A platform first seen after this read is simply served by the next call.
            platforms = [platform] if platform is not None else await self._platforms()
            if not platforms or limit == 0:
                return []
            raw: list[Any] = await self._claim_checkins(
                keys=[self._key("checkin-data"), *(self._key("checkin-due", p) for p in platforms)],
                args=[repr(float(now)), int(limit), *platforms],
            )
        claimed = [c for c in (_load_checkin(_text(data)) for data in raw) if c is not None]
        if claimed:
            # Tidy the per-user indexes. Best effort: the check-ins are ours already, and an
            # entry left behind is ignored by readers and removed by forget_user.
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for c in claimed:
                        pipe.srem(self._key("user-checkins", c.user_key), c.id)
                    await pipe.execute()
            except (RedisError, OSError):
                pass
        return claimed

    async def user_checkins(self, user_key: str) -> list[Checkin]:
        with self._translate("listing a user's check-ins"):
            ids = sorted(_text(i) for i in await self._client.smembers(self._key("user-checkins", user_key)))
            raw = await self._client.hmget(self._key("checkin-data"), ids) if ids else []
        found = [c for c in (_load_checkin(_text(d)) for d in raw if d is not None) if c is not None]
        return sorted((c for c in found if c.user_key == user_key), key=lambda c: (c.due_at, c.id))

    async def cancel_checkin(self, user_key: str, checkin_id: str) -> bool:
        with self._translate("cancelling a check-in"):
            data = await self._client.hget(self._key("checkin-data"), checkin_id)
            checkin = _load_checkin(_text(data)) if data is not None else None
            if checkin is None or checkin.user_key != user_key:
                return False
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.hdel(self._key("checkin-data"), checkin_id)
                pipe.zrem(self._key("checkin-due", checkin.platform), checkin_id)
                pipe.srem(self._key("user-checkins", user_key), checkin_id)
                deleted, _, _ = await pipe.execute()
        return bool(deleted)

    # -- privacy --------------------------------------------------------------------------

    def _user_keys(self, user_key: str) -> list[str]:
        return [
            self._key("user-convs", user_key),
            self._key("prefs", user_key),
            self._key("attrib", user_key),
            self._key("checkin-data"),
            self._key("user-checkins", user_key),
        ]

    async def forget_user(self, user_key: str) -> None:
        with self._translate("forgetting a user"):
            conversations = sorted(_text(k) for k in await self._client.smembers(self._key("user-convs", user_key)))
            platforms = await self._platforms()
            # Conversations saved after the index was read stay listed, so no data goes unindexed.
            await self._forget_user(
                keys=[
                    *self._user_keys(user_key),
                    *(self._key("checkin-due", p) for p in platforms),
                    *conversations,
                ],
                args=[user_key, len(platforms), *platforms],
            )

    async def holds_anything_about(self, user_key: str) -> bool:
        with self._translate("checking what is held about a user"):
            conversations = sorted(_text(k) for k in await self._client.smembers(self._key("user-convs", user_key)))
            found = await self._holds_anything(keys=[*self._user_keys(user_key), *conversations], args=[user_key])
        return bool(int(found))

    async def forget_tenant(self, scope: str) -> None:
        with self._translate("forgetting a tenant"):
            doomed = [self._key("workspace", scope)]
            for kind in (*_USER_KINDS, "workspace"):
                doomed += [_text(k) async for k in self._client.scan_iter(match=self._key(kind, f"{_glob(scope)}:*"))]
            records = self._key("record", "")
            async for found in self._client.scan_iter(match=f"{_glob(records)}*"):
                _, _, key = _text(found)[len(records) :].partition(":")
                if _is_under(key, scope):
                    doomed.append(_text(found))
            stored = await self._client.hgetall(self._key("checkin-data"))
            checkins = [c for c in (_load_checkin(_text(d)) for d in stored.values()) if c is not None]
            async with self._client.pipeline(transaction=True) as pipe:
                for start in range(0, len(doomed), 500):
                    pipe.delete(*doomed[start : start + 500])
                for c in checkins:
                    if _is_under(c.user_key, scope):
                        pipe.hdel(self._key("checkin-data"), c.id)
                        pipe.zrem(self._key("checkin-due", c.platform), c.id)
                await pipe.execute()

    async def adopt_untenanted_users(self, platform: str, tenant: str) -> int:
        moved = 0
        with self._translate("moving user keys under a tenant"):
            for kind in ("prefs", "attrib", "user-checkins", "user-convs"):
                start = len(self._key(kind, f"{platform}:"))
                async for found in self._client.scan_iter(match=self._key(kind, f"{_glob(platform)}:*")):
                    old = _text(found)
                    user = old[start:]
                    if ":" in user:
                        continue  # already under a tenant
                    new_user_key = f"{platform}:{tenant}:{user}"
                    if kind == "user-checkins":
                        await self._adopt_checkins(old, new_user_key, tenant)
                    elif kind == "user-convs":
                        await self._adopt_conversations(old, platform, tenant, new_user_key)
                    if not await self._client.renamenx(old, self._key(kind, new_user_key)):
                        await self._client.delete(old)  # the user already has newer data under the new key
                    moved += 1
        return moved

    async def _adopt_checkins(self, index: str, new_user_key: str, tenant: str) -> None:
        ids = [_text(i) for i in await self._client.smembers(index)]
        stored = await self._client.hmget(self._key("checkin-data"), ids) if ids else []
        for checkin_id, data in zip(ids, stored, strict=True):
            checkin = _load_checkin(_text(data)) if data is not None else None
            if checkin is not None:
                moved = {**asdict(checkin), "user_key": new_user_key, "tenant": tenant}
                await self._client.hset(self._key("checkin-data"), checkin_id, json.dumps(moved, separators=(",", ":")))

    async def _adopt_conversations(self, index: str, platform: str, tenant: str, new_user_key: str) -> None:
        conv = self._key("conv", f"{platform}:")
        renamed, longest = [], 0
        for name in sorted(_text(k) for k in await self._client.smembers(index)):
            if not name.startswith(conv):
                continue
            target = f"{conv}{tenant}:{name[len(conv) :]}"
            if await self._client.exists(name) and await self._client.renamenx(name, target):
                await self._client.hset(target, "user", new_user_key)  # RENAME keeps the expiry
                renamed.append(target)
                longest = max(longest, int(await self._client.pttl(target)))
        await self._client.delete(index)
        if renamed:
            # The index lists the renamed conversations and is renamed itself just after.
            await self._client.sadd(index, *renamed)
            await self._client.pexpire(index, max(longest, 1))

    # -- records --------------------------------------------------------------------------

    async def put_record(self, kind: str, key: str, data: str, ttl: float | None = None) -> None:
        expiry = None if ttl is None else max(1, math.ceil(ttl * 1000))
        with self._translate("saving a record"):
            await self._client.set(self._key("record", f"{kind}:{key}"), data, px=expiry)

    async def get_record(self, kind: str, key: str) -> str | None:
        with self._translate("reading a record"):
            raw = await self._client.get(self._key("record", f"{kind}:{key}"))
        return None if raw is None else _text(raw)

    async def take_record(self, kind: str, key: str) -> str | None:
        with self._translate("taking a record"):
            raw = await self._client.getdel(self._key("record", f"{kind}:{key}"))
        return None if raw is None else _text(raw)

    async def delete_records(self, kind: str, key: str) -> None:
        exact = self._key("record", f"{kind}:{key}")
        with self._translate("deleting records"):
            doomed = [exact, *[_text(k) async for k in self._client.scan_iter(match=f"{_glob(exact)}:*")]]
            await self._client.delete(*doomed)

    # -- events ---------------------------------------------------------------------------

    async def claim_event(self, event_id: str, ttl: float) -> bool:
        seconds = max(1, math.ceil(ttl))
        with self._translate("claiming an event"):
            claimed = await self._client.set(self._key("event", event_id), 1, nx=True, ex=seconds)
        return bool(claimed)

    async def spend_token(self, user_key: str, burst: float, per_second: float, now: float) -> float | None:
        with self._translate("checking the rate limit"):
            wait = await self._spend_token(keys=[self._key("rate", user_key)], args=[burst, per_second, now])
        return float(_text(wait))

    async def finish_event(self, event_id: str, ttl: float) -> None:
        with self._translate("finishing an event"):
            await self._client.set(self._key("event", event_id), 2, ex=max(1, math.ceil(ttl)))

    async def release_event(self, event_id: str) -> None:
        with self._translate("releasing an event"):
            await self._client.delete(self._key("event", event_id))

    # -- lifecycle ------------------------------------------------------------------------

    async def ping(self) -> bool:
        if self._closed:
            return False
        try:
            return bool(await self._client.ping())
        except Exception:
            return False

    async def problem(self) -> str | None:
        if self._closed:
            return f"Redis store at {self._where} is closed"
        try:
            await self._client.ping()
            # A write too: a read-only replica or a server out of memory answers PING but drops every claim.
            await self._client.set(f"{self._prefix}health", "1", ex=60)
        except ReadOnlyError:
            return f"Redis at {self._where} is a read-only replica: point COACH_STORE_URL at the primary"
        except AuthenticationError:
            return (
                f"Redis at {self._where} refused the credentials: check the password (and user name) in COACH_STORE_URL"
            )
        except (AuthorizationError, NoPermissionError):
            return f"Redis at {self._where}: this user may not run the commands the bot needs (check its ACL)"
        except (RedisConnectionError, RedisTimeoutError, OSError):
            return f"Redis at {self._where} is not reachable: check COACH_STORE_URL and that the server runs"
        except ResponseError as exc:
            if str(exc).startswith("OOM"):
                return f"Redis at {self._where} is out of memory (maxmemory): writes are refused"
            return f"Redis at {self._where} refused a write ({type(exc).__name__})"
        except Exception as exc:
            return f"Redis at {self._where} failed ({type(exc).__name__})"
        return None

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            await self._client.aclose()
        except (RedisError, OSError) as exc:
            raise StoreError(self._describe(exc, "closing the connection")) from exc


def _address(kwargs: Mapping[str, Any]) -> str:
    """host:port (or the socket path) of the server; never the credentials."""
    path = kwargs.get("path")
    if path:
        return str(path)
    host = kwargs.get("host") or "localhost"
    port = kwargs.get("port") or 6379
    return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"


def _text(value: object) -> str:
    """A reply as text, whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else str(value)


def _float(value: object) -> float | None:
    try:
        return float(_text(value)) if value is not None else None
    except ValueError:
        return None


def _load_checkin(data: str) -> Checkin | None:
    try:
        raw: Any = json.loads(data)
        if not isinstance(raw, dict) or not _CHECKIN_FIELDS - _OPTIONAL_CHECKIN_FIELDS <= set(raw) <= _CHECKIN_FIELDS:
            return None
        return Checkin(**{**raw, "due_at": float(raw["due_at"])})
    except (ValueError, TypeError):
        return None


def _glob(literal: str) -> str:
    """``literal`` with SCAN's pattern characters escaped."""
    return "".join(f"\\{c}" if c in "*?[]\\^" else c for c in literal)


def _is_under(key: str, scope: str) -> bool:
    return key == scope or key.startswith(f"{scope}:")
