"""The coaching engine: one async entry point for every platform.

``Coach.handle(Request) -> Reply``. It parses commands, keeps the coaching
conversation (in the store, never the message text), asks when the matcher is
unsure, plans when there are several problems, and degrades to a stateless
answer when the store is unavailable.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, TypeVar, cast

from rapidfuzz import fuzz, process

from bot.engine import compose
from bot.engine.commands import Command, language_code, parse_command
from bot.engine.details import extract_details, looks_private, mentions_other_client
from bot.engine.i18n import LANGS, count, locale_lang, t
from bot.engine.intents import detect_intent, ordinal_choice, reminder_days
from bot.engine.messages import ALL_TOPICS_ACTION, Choice, Outgoing, Platform, Reply, Request, conversation_key
from bot.engine.pasted import Pasted, find_pasted
from bot.engine.plan import order_problems
from bot.engine.ratelimit import RateLimiter
from bot.errors import StoreError
from bot.kb.model import KnowledgeBase, Topic
from bot.logs import new_request_id
from bot.matching.compiled import Compiled, load_compiled
from bot.matching.matcher import Matcher, MatcherConfig
from bot.matching.result import MatchResult
from bot.settings import Settings
from bot.store.base import Checkin, Conversation, Preferences, Store, WorkspaceSettings
from bot.store.bounded import bounded
from bot.text.normalize import clean, tokenize

log = logging.getLogger("coach.engine")
T = TypeVar("T")

# A follow-up phrase ("what if they still refuse?") yields to a new situation when the message
# names more than one problem, or when another situation is this clear and the message this long.
NEW_SITUATION_SCORE = 0.5
NEW_SITUATION_WORDS = 6
CHECKIN_DEFAULT_DAYS = 3.0
AUTOMATIC = frozenset({"auto", "automatic", "automático", "automàtica", "automaattinen"})  # "lang auto"
# Messages up to this long are matched on the event loop: it takes well under a millisecond, less than the hop
# to a thread, and a CPU-bound thread would slow every socket operation of the loop (GIL hand-offs). Longer
# ones are matched in the coach's worker thread.
INLINE_MATCH_CHARS = 500


def matcher_for(compiled: Compiled, settings: Settings) -> Matcher:
    config = MatcherConfig(max_chars=settings.max_message_chars)
    return Matcher(compiled.kb, config, index=compiled.index, detector=compiled.detector, model=compiled.model)


def starts_new_situation(result: MatchResult, conv: Conversation) -> bool:
    """A message that brings another situation than the one being discussed (details given so far stay behind)."""
    if conv.topic_id is None:
        return False  # details given before any situation belong to the one about to be described
    if result.decision == "several":
        return set(result.problems) != {conv.topic_id}
    if result.decision == "ambiguous":
        return conv.topic_id not in result.options
    best = result.best
    return result.decision == "confident" and best is not None and best.id != conv.topic_id


def take_details(conv: Conversation, details: dict[str, str], *, new_situation: bool = False) -> None:
    """Details belong to the situation and the client they were given for.

    A new situation starts clean; so does a newly named client (the old client's amount, invoice and
    project do not carry over to them).
    """
    named = details.get("client_name")
    known = conv.details.get("client_name")
    if new_situation or (named and known and named.casefold() != known.casefold()):
        conv.details = {}
    conv.details.update(details)


class Coach:
    def __init__(
        self,
        kb: KnowledgeBase,
        store: Store,
        settings: Settings | None = None,
        *,
        matcher: Matcher | None = None,
        clock: Callable[[], float] = time.time,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.kb = kb
        self.matcher = matcher or Matcher(kb, MatcherConfig(max_chars=self.settings.max_message_chars))
        self.store: Store = bounded(store, self.settings.store_timeout)  # no call may outlast a deadline
        self.clock = clock
        self.limiter = limiter
        self._worker: ThreadPoolExecutor | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None, store: Store | None = None) -> Coach:
        """Knowledge (validated, with its compiled index), store and limits, all from settings."""
        from bot.store.factory import open_store

        settings = settings or Settings.from_env()
        compiled = load_compiled(settings.knowledge_dirs)
        matcher = matcher_for(compiled, settings)
        limiter = RateLimiter(settings.rate_limit_burst, settings.rate_limit_per_minute)
        return cls(compiled.kb, store or open_store(settings), settings, matcher=matcher, limiter=limiter)

    def reload(self, kb: KnowledgeBase, matcher: Matcher | None = None) -> None:
        """Swap in new, already validated knowledge (hot reload); in-flight requests finish on the old one."""
        matcher = matcher or Matcher(kb, MatcherConfig(max_chars=self.settings.max_message_chars))
        self.kb, self.matcher = kb, matcher

    async def close(self) -> None:
        await self.store.close()
        if self._worker is not None:
            self._worker.shutdown(wait=False)
            self._worker = None

    async def off_loop(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run CPU-heavy work (matching) in this coach's one worker thread, so the event loop keeps serving.

        One thread, not a pool: the matcher (and its stemmers) were written single-threaded, so matches are
        serialised there while the loop goes on acknowledging and answering other requests.
        """
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-match")
        return await asyncio.get_running_loop().run_in_executor(self._worker, functools.partial(fn, *args, **kwargs))

    # -- entry points -------------------------------------------------------------

    async def handle(self, request: Request) -> Reply:
        new_request_id()
        started = time.perf_counter()
        reply = await self._guarded(self.capped(request))
        log.info(
            "handled %s request (private=%s, action=%s): %s %s [%s] in %.1f ms",
            request.platform,
            request.is_private,
            request.action is not None,
            reply.kind,
            ",".join(reply.topic_ids) or "-",
            reply.lang,
            (time.perf_counter() - started) * 1000,
        )
        return reply

    async def _guarded(self, request: Request) -> Reply:
        lang = self._locale_lang(request) or self.settings.default_lang
        try:
            if self.limiter is not None:
                wait = await self._rate_wait(self.limiter, request.user_key)
                if wait > 0:
                    seconds = count("second", max(1, round(wait)), lang)
                    return compose.message("error", lang, t("slow_down", lang, wait=seconds))
            return await self._handle(request)
        except StoreError as exc:
            log.warning("store unavailable, answering without memory: %s", exc)
            if len(request.text or "") <= INLINE_MATCH_CHARS:
                return self.answer_without_memory(request, t("store_down", lang))
            return await self.off_loop(self.answer_without_memory, request, t("store_down", lang))
        except Exception:
            log.exception("unexpected error while handling a %s request", request.platform)
            return compose.message("error", lang, t("error", lang))

    async def _rate_wait(self, limiter: RateLimiter, user_key: str) -> float:
        """Seconds this user must wait: from the store when it shares limits across replicas (Redis), else from
        this process's own buckets (also when the store cannot be asked)."""
        now = self.clock()
        try:
            shared = await self.store.spend_token(user_key, limiter.burst, limiter.rate, now)
        except StoreError:
            shared = None
        return limiter.check(user_key, now) if shared is None else shared

    def capped(self, request: Request) -> Request:
        """The request with its text cut before anything parses it (commands, details, language, matching).

        One character past ``max_message_chars`` is kept so the matcher still sees that the message was longer
        and the reply says it was cut; everything else only ever reads that much.
        """
        limit = self.settings.max_message_chars + 1
        if len(request.text or "") > limit:
            return replace(request, text=request.text[:limit])
        return request

    async def due_checkins(
        self, now: float | None = None, platform: Platform | None = None, user_id: str | None = None
    ) -> list[Outgoing]:
        """Claim the check-ins that are due (for one platform, and one user, if given); the messages to send.

        ``user_id`` is for `coach chat`, where one process serves one person: another user's due check-ins
        (a second ``coach chat --user``) go back to the store for their own session.
        """
        now = self.clock() if now is None else now
        out: list[Outgoing] = []
        for checkin in await self.store.claim_due_checkins(now, platform=platform):
            if user_id is not None and checkin.user_id != user_id:
                await self.store.add_checkin(checkin)
                continue
            topic = self.kb.topics.get(checkin.topic_id)
            if topic is None:
                continue
            lang = checkin.lang
            title = topic.in_lang(lang).title
            reply = Reply(
                kind="clarify",
                lang=lang,
                text=t("checkin_question", lang, title=title),
                title=title,
                question=t("checkin_question", lang, title=title),
                topic_ids=(topic.id,),
                options=(
                    Choice(f"outcome:yes:{topic.id}", t("btn_yes", lang)),
                    Choice(f"outcome:no:{topic.id}", t("btn_no", lang)),
                ),
            )
            key = conversation_key(checkin.platform, checkin.conversation_id, checkin.user_id, checkin.tenant)
            conv = Conversation(topic_id=topic.id, lang=lang, stage="checkin_sent", updated_at=now)
            await self.store.save_conversation(key, checkin.user_key, conv, self.settings.conversation_ttl)
            platform = cast(Platform, checkin.platform)
            out.append(Outgoing(platform, checkin.user_id, checkin.conversation_id, reply, checkin.id, checkin.tenant))
        return out

    async def open_checkins(self, user_key: str) -> list[Checkin]:
        """The user's check-ins still to come (for a home screen), on topics that still exist."""
        return [c for c in await self.store.user_checkins(user_key) if c.topic_id in self.kb.topics]

    async def in_conversation(self, request: Request) -> bool:
        """True when this user has a live conversation with the coach where ``request`` happens (a thread).

        Only reads: for the platforms to tell a follow-up from chatter the coach must leave alone.
        """
        return await self._live_conversation(request) is not None

    async def topic_of(self, request: Request) -> str | None:
        """The topic of the live conversation where ``request`` happens, if it has one (only reads).

        For the platforms that name a conversation after its situation (Slack's assistant threads).
        """
        found = await self._live_conversation(request)
        return found.topic_id if found is not None and found.topic_id in self.kb.topics else None

    async def resumed(self, request: Request) -> Reply | None:
        """A line saying which situation a still-live conversation is about, for a client that reopens it
        (``coach chat`` started again); None when there is none. Only reads."""
        found = await self._live_conversation(request)
        topic = self.kb.topics.get(found.topic_id or "") if found is not None else None
        if found is None or topic is None or found.stage == "idle":  # none, or closed with thanks
            return None
        lang = found.lang if found.lang in LANGS else "en"
        title = topic.in_lang(lang).title
        return compose.message("help", lang, t("resumed", lang, title=title))

    async def chosen_lang(self, user_key: str) -> str | None:
        """The language the user chose (``/coach lang``); None when they chose none or the store cannot say."""
        try:
            return (await self.store.get_preferences(user_key)).lang
        except StoreError:
            return None

    async def _live_conversation(self, request: Request) -> Conversation | None:
        """The conversation where ``request`` happens, unless it went idle for longer than the TTL."""
        return await self.store.get_conversation(request.conversation_key, self.clock(), self.settings.conversation_ttl)

    # -- workspace settings -------------------------------------------------------------

    async def workspace_settings(self, workspace_key: str | None) -> WorkspaceSettings:
        """What the workspace or server chose (the defaults outside one); raises ``StoreError``."""
        if workspace_key is None:
            return WorkspaceSettings()
        return await self.store.get_workspace_settings(workspace_key)

    async def default_lang(self, workspace_key: str | None) -> str:
        """The language for someone who chose none: the workspace's, else ``COACH_DEFAULT_LANG``. Never raises."""
        try:
            return (await self.workspace_settings(workspace_key)).lang or self.settings.default_lang
        except StoreError:
            return self.settings.default_lang

    def is_admin(self, request: Request, workspace: WorkspaceSettings) -> bool:
        """``COACH_ADMINS`` everywhere, plus whoever the workspace or server named, there."""
        return self.settings.is_admin(request.platform, request.user_id) or request.user_id in workspace.admins

    async def update_workspace_settings(
        self,
        workspace_key: str,
        *,
        lang: str | None = None,
        add_admins: tuple[str, ...] = (),
        remove_admins: tuple[str, ...] = (),
        admins: tuple[str, ...] | None = None,
    ) -> WorkspaceSettings:
        """Change what is given and keep the rest. The adapter has already checked that the caller may.

        ``lang`` is a language code, or "auto" for the environment's default (None: unchanged); ``admins``
        replaces the list (a Slack multi-select), ``add_admins``/``remove_admins`` edit it (a Discord option).
        """
        current = await self.store.get_workspace_settings(workspace_key)
        new_lang = current.lang
        if lang is not None and lang.strip().casefold() in AUTOMATIC:
            new_lang = None
        elif lang is not None:
            new_lang = language_code(lang)
            if new_lang is None:
                raise ValueError(f"not a language: {lang!r}")
        listed = list(current.admins if admins is None else dict.fromkeys(admins))
        listed += [a for a in add_admins if a not in listed]
        listed = [a for a in listed if a not in remove_admins]
        updated = WorkspaceSettings(lang=new_lang, admins=tuple(listed))
        await self.store.set_workspace_settings(workspace_key, updated)
        log.info("workspace settings changed on %s", workspace_key.partition(":")[0])
        return updated

    # -- the conversation ------------------------------------------------------------

    async def _handle(self, request: Request) -> Reply:
        now = self.clock()
        ttl = self.settings.conversation_ttl
        workspace = await self.workspace_settings(request.workspace_key)
        prefs = await self.store.get_preferences(request.user_key)
        conv = await self.store.get_conversation(request.conversation_key, now, ttl) or Conversation()
        text = request.text or ""
        command = None if request.action or request.client_words else parse_command(text)
        pasted = None if request.action or command is not None else self._pasted(request, text)
        # The reply is in the user's language: a client's words do not say what that is.
        own = pasted.own if pasted is not None else text
        lang, from_text = self._reply_lang(request, own, prefs, conv, workspace.lang, is_command=command is not None)
        conv.lang = lang

        if request.action:
            reply = await self._action(request, request.action, lang, conv, now)
        elif command is not None:
            reply = await self._command(request, command, lang, prefs, workspace)
            if command.name == "forget":
                return reply
        elif pasted is not None:
            reply = await self._client_message(request, pasted, lang, conv)
        else:
            reply = await self._free_text(request, text, lang, from_text, conv, now)
        conv.updated_at = now
        await self.store.save_conversation(request.conversation_key, request.user_key, conv, ttl)
        return reply

    async def _free_text(
        self, request: Request, text: str, lang: str, from_text: bool, conv: Conversation, now: float
    ) -> Reply:
        async def match() -> MatchResult:
            # The language was already detected from this very text: do not detect it twice.
            hint = lang if from_text else None
            if len(text) <= INLINE_MATCH_CHARS:
                return self.matcher.match(text, lang=hint, fallback_lang=lang)
            # A long message (up to max_message_chars) goes to the worker thread, so it never stalls
            # everyone else's replies.
            return await self.off_loop(self.matcher.match, text, lang=hint, fallback_lang=lang)

        if not text.strip():
            return compose.message("help", lang, t("empty", lang))
        intent = detect_intent(text)
        pending = self._pending(conv)
        if pending:
            # A title typed loosely picks an option, unless the message asks something ("what do I say?"
            # resembles "The client says the result isn't what they expected").
            chosen = self._resolve_choice(text, pending, by_title=intent is None)
            if chosen is not None:
                return await self._advise(request, self.kb.topics[chosen], lang, conv)
            if intent in ("script", "call", "more"):  # "what do I say?" before picking: which one?
                return compose.clarify(self.kb, pending, lang)
        # "todavía no me ha pagado" answers a check-in as a "no" does.
        if conv.stage == "checkin_sent" and conv.topic_id and intent in ("yes", "no", "still"):
            return await self._outcome(request, conv.topic_id, intent == "yes", lang, conv)
        details = extract_details(text) if request.is_private else {}
        if not request.is_private and reminder_days(text, now, lang) is not None:  # "remind me Friday" in a channel
            return compose.message("help", lang, t("checkin_private", lang))
        days = self._reminder_days(request, text, lang, conv, intent, details, now)
        result: MatchResult | None = None
        current = self.kb.topics.get(conv.topic_id or "")
        if current is not None and (intent or details or days):
            result = await match()
            other_client = mentions_other_client(text) and result.decision != "out_of_scope"
            if not other_client and not self._is_new_situation(result, conv, text):
                added = self._added_problems(result, current.id, intent, text)
                if added:  # "they still haven't paid, and now he shouted at me": this one and the new ones
                    take_details(conv, details)
                    result = replace(result, decision="several", problems=(current.id, *added)[:3])
                    return await self._situation(request, result, lang, conv, text)
                return await self._continue(request, current, intent, details, days, lang, conv, now)
        if intent == "thanks":
            conv.stage = "idle"
            return compose.message("confirmation", lang, t("thanks", lang))
        if intent == "greeting":
            return compose.message("help", lang, t("greeting", lang))
        if days is not None or intent in ("call", "script", "more", "still"):
            if result is None:
                result = await match()
            if not result.confident:
                return compose.message("help", lang, t("no_context", lang))
        result = result or await match()
        new_situation = starts_new_situation(result, conv) or mentions_other_client(text)
        take_details(conv, details, new_situation=new_situation)
        return await self._situation(request, result, lang, conv, text)

    def _reminder_days(
        self,
        request: Request,
        text: str,
        lang: str,
        conv: Conversation,
        intent: str | None,
        details: dict[str, str],
        now: float,
    ) -> float | None:
        """When the user asks to be checked on, in days from now (private conversations only).

        Right after the bot offered a check-in, a short answer without "remind me" counts too ("in two weeks",
        "el lunes", "yes, on Friday"), unless it brings details for the message ("45 days late").
        """
        if not request.is_private:
            return None
        bare = conv.stage == "checkin_offer" and not details and intent in (None, "yes")
        return reminder_days(text, now, lang, bare=bare)

    @staticmethod
    def _pasted(request: Request, text: str) -> Pasted | None:
        if request.client_words:
            return Pasted(own="", client=text.strip()) if text.strip() else None
        return find_pasted(text)

    async def _client_message(self, request: Request, pasted: Pasted, lang: str, conv: Conversation) -> Reply:
        """A client's message the user brought: the situation it shows, the advice, and a reply to send."""
        # The situations are told from the freelancer's side ("my client won't pay"), so the client's own words
        # ("we can't pay this month") are framed that way, in their language; the answer is in the user's.
        client_lang = self.matcher.detector.detect(tokenize(clean(pasted.client))).lang or lang
        text = f"{pasted.own}\n{t('client_frame', client_lang)} {pasted.client}".strip()
        text = text[: self.settings.max_message_chars]
        if len(text) <= INLINE_MATCH_CHARS:
            result = self.matcher.match(text, fallback_lang=lang)
        else:  # an e-mail: matched in the worker thread, as any long message
            result = await self.off_loop(self.matcher.match, text, fallback_lang=lang)
        if request.is_private:
            # Names in the client's words are theirs (a signature, "I'm Ann"): only the From: line names the client.
            found = {k: v for k, v in extract_details(pasted.client).items() if k not in ("client_name", "your_name")}
            if pasted.sender:
                found["client_name"] = pasted.sender
            found.update(extract_details(pasted.own))
            take_details(conv, found, new_situation=starts_new_situation(result, conv))
        reply = await self._situation(request, result, lang, conv, text)
        return replace(reply, notice=" ".join(n for n in (t("client_words", lang), reply.notice) if n))

    def _is_new_situation(self, result: MatchResult, conv: Conversation, text: str) -> bool:
        if result.decision == "several" and set(result.problems) - {conv.topic_id}:
            return True  # "they still haven't paid, and now they want free revisions": a new plan
        best = result.best
        return (
            best is not None
            and result.decision == "confident"
            and best.id != conv.topic_id
            and best.score >= NEW_SITUATION_SCORE
            and len(text.split()) >= NEW_SITUATION_WORDS
        )

    def _added_problems(self, result: MatchResult, current: str, intent: str | None, text: str) -> tuple[str, ...]:
        """Situations a "still" message adds to the one being discussed, each the clear subject of a clause."""
        if intent != "still" or len(text.split()) < NEW_SITUATION_WORDS:
            return ()
        return tuple(tid for tid in self.matcher.clause_topics(text, result.lang) if tid != current)

    async def _continue(
        self,
        request: Request,
        topic: Topic,
        intent: str | None,
        details: dict[str, str],
        days: float | None,
        lang: str,
        conv: Conversation,
        now: float,
    ) -> Reply:
        take_details(conv, details)
        if days is not None:
            return await self._schedule_checkin(request, topic, days, lang, conv, now)
        if intent == "thanks":
            conv.stage = "idle"
            return compose.message("confirmation", lang, t("thanks", lang))
        if intent == "yes" and conv.stage == "checkin_offer":
            return await self._schedule_checkin(request, topic, CHECKIN_DEFAULT_DAYS, lang, conv, now)
        if intent == "more":
            return compose.part(self.kb, topic, lang, "more", conv.details)
        if intent == "still":
            reply = compose.still_stuck(self.kb, topic, lang, conv.follow_up_step, conv.details)
            conv.follow_up_step += 1
            return reply
        if intent == "call" and topic.in_lang(lang).call_outline:
            return compose.part(self.kb, topic, lang, "call_outline", conv.details)
        if intent in ("script", "call") or details:
            reply = compose.part(self.kb, topic, lang, "say_this", conv.details)
            return replace(reply, text=t("details_noted", lang)) if details else reply
        return compose.message("help", lang, t("help", lang))

    async def _situation(
        self, request: Request, result: MatchResult, lang: str, conv: Conversation, text: str
    ) -> Reply:
        notice = self._notices(request, result, text, lang)
        if result.decision == "out_of_scope":
            pending = self._pending(conv)
            if pending:  # "ok", "hmm" while a choice is open: the question still stands
                return compose.clarify(self.kb, pending, lang, notice)
            # An aside in a conversation about a client keeps that situation: "more", "what do I say" and
            # "back to it" still follow it (not once the user closed it with thanks).
            ongoing = self.kb.topics.get(conv.topic_id or "") if conv.stage != "idle" else None
            if ongoing is None:
                conv.stage, conv.topic_id = "idle", None
            return replace(compose.fallback(self.kb, lang, ongoing=ongoing), notice=notice)
        if result.decision == "several":
            conv.stage, conv.topic_id = "advice", order_problems(result.problems)[0]
            conv.follow_up_step = 0
            for tid in result.problems:
                await self.store.record_feedback(tid, "shown", None)
            return compose.plan(self.kb, result.problems, lang, notice)
        if result.decision == "ambiguous":
            close = list(result.options)
            conv.stage, conv.pending = "clarify", close
            return compose.clarify(self.kb, close, lang, notice)
        return await self._advise(request, self.kb.topics[result.matches[0].id], lang, conv, notice)

    async def _advise(self, request: Request, topic: Topic, lang: str, conv: Conversation, notice: str = "") -> Reply:
        if conv.topic_id != topic.id:
            conv.follow_up_step = 0
        conv.topic_id, conv.pending = topic.id, []
        conv.stage = "checkin_offer" if request.is_private else "advice"
        await self.store.record_feedback(topic.id, "shown", None)
        ephemeral = request.is_private and request.command is not None
        return compose.advice(
            self.kb,
            topic,
            lang,
            full=request.is_private,
            details=conv.details,
            shareable=ephemeral,
            offer_checkin=request.is_private,
            notice=notice,
        )

    # -- actions (buttons, numbered options) -------------------------------------------

    async def _action(self, request: Request, action: str, lang: str, conv: Conversation, now: float) -> Reply:
        kind, _, rest = action.partition(":")
        if kind == "topic":
            # A button carries the id; a typed /coach topic may carry a title in any language instead.
            topic = self.find_topic(rest.strip(), lang) if rest.strip() else None
            if topic is None:
                return compose.topic_list(self.kb, lang, t("unknown_topic", lang, name=rest.strip()[:60]))
            return await self._advise(request, topic, lang, conv)
        if action == ALL_TOPICS_ACTION:
            return compose.topic_list(self.kb, lang)
        if kind == "none":
            conv.stage, conv.pending = "idle", []
            return compose.fallback(self.kb, lang)
        if kind == "part":
            tid, _, name = rest.partition(":")
            if tid in self.kb.topics:
                if conv.topic_id != tid:
                    conv.follow_up_step = 0
                conv.topic_id = tid
                if name == "next_stage":
                    conv.follow_up_step = 1
                if name == "full":
                    return compose.advice(self.kb, self.kb.topics[tid], lang, full=True, details=conv.details)
                return compose.part(self.kb, self.kb.topics[tid], lang, name, conv.details)
        if kind == "fb":
            verdict, _, tid = rest.partition(":")
            if tid in self.kb.topics and verdict in ("up", "down"):
                await self.store.record_feedback(tid, "helpful" if verdict == "up" else "not_helpful", request.user_key)
                return compose.message("confirmation", lang, t("feedback_thanks", lang))
        if kind == "share" and rest in self.kb.topics:
            return compose.advice(self.kb, self.kb.topics[rest], lang, full=False, details={})
        if kind == "checkin":
            days, _, tid = rest.partition(":")
            if tid in self.kb.topics and days.isdigit():
                return await self._schedule_checkin(request, self.kb.topics[tid], float(days), lang, conv, now)
        if kind == "cancel" and rest:
            cancelled = await self.store.cancel_checkin(request.user_key, rest)
            return compose.message("confirmation", lang, t("checkin_cancelled" if cancelled else "checkin_gone", lang))
        if kind == "outcome":
            verdict, _, tid = rest.partition(":")
            if tid in self.kb.topics:
                return await self._outcome(request, tid, verdict == "yes", lang, conv)
        log.info("unknown action from %s ignored", request.platform)
        return compose.fallback(self.kb, lang)

    async def _schedule_checkin(
        self, request: Request, topic: Topic, days: float, lang: str, conv: Conversation, now: float
    ) -> Reply:
        checkin = Checkin(
            id=uuid.uuid4().hex,
            user_key=request.user_key,
            platform=request.platform,
            user_id=request.user_id,
            conversation_id=request.conversation_id,
            topic_id=topic.id,
            lang=lang,
            due_at=now + days * 86400,
            tenant=request.tenant,
        )
        await self.store.add_checkin(checkin)
        conv.stage = "advice"
        when = count("day", max(1, round(days)), lang) if days >= 1 else count("hour", max(1, round(days * 24)), lang)
        return compose.message("confirmation", lang, t("checkin_set", lang, when=when, title=topic.in_lang(lang).title))

    async def _outcome(self, request: Request, topic_id: str, resolved: bool, lang: str, conv: Conversation) -> Reply:
        await self.store.record_outcome(topic_id, "resolved" if resolved else "unresolved", request.user_key)
        conv.topic_id, conv.stage = topic_id, "advice"
        if resolved:
            return compose.message("confirmation", lang, t("outcome_resolved", lang))
        topic = self.kb.topics[topic_id]
        conv.follow_up_step = 1
        if topic.in_lang(lang).next_stage is not None:
            lead = t("outcome_unresolved", lang)
            return compose.next_stage(self.kb, topic, lang, conv.details, lead=lead, checkin=request.is_private)
        reply = compose.still_stuck(self.kb, topic, lang, 0, conv.details)
        return replace(reply, text=t("outcome_unresolved", lang))

    # -- commands -------------------------------------------------------------------

    async def _command(
        self, request: Request, command: Command, lang: str, prefs: Preferences, workspace: WorkspaceSettings
    ) -> Reply:
        if command.name == "help":
            return compose.help_reply(lang, request.is_private)
        if command.name == "topics":
            return compose.topic_list(self.kb, lang)
        if command.name == "tip":
            return self._tip(command.argument, lang)
        if command.name == "lang":
            if command.argument.strip().casefold() in AUTOMATIC:
                await self.store.set_preferences(request.user_key, replace(prefs, lang=None))
                return compose.message("confirmation", lang, t("lang_auto_set", lang))
            code = language_code(command.argument)
            if code is None:
                return compose.message("help", lang, t("lang_usage", lang))
            await self.store.set_preferences(request.user_key, replace(prefs, lang=code))
            return compose.message("confirmation", code, t("lang_set", code))
        if command.name == "forget":
            await self.store.forget_user(request.user_key)
            return compose.message("confirmation", lang, t("forgotten", lang))
        if not self.is_admin(request, workspace):
            return compose.message("error", lang, t("stats_denied", lang))
        return await self._stats(lang)

    def _tip(self, argument: str, lang: str) -> Reply:
        if not argument:
            ids = list(self.kb.topics)
            return compose.tip(self.kb, self.kb.topics[ids[int(self.clock() // 86400) % len(ids)]], lang)
        topic = self.find_topic(argument, lang)
        if topic is None:
            return compose.topic_list(self.kb, lang, t("unknown_topic", lang, name=argument[:60]))
        return compose.tip(self.kb, topic, lang)

    def find_topic(self, name: str, lang: str) -> Topic | None:
        """A topic by id, or by a title in any language (tolerant of typos)."""
        if name in self.kb.topics:
            return self.kb.topics[name]
        choices = {f"{tp.in_lang(code).title}": tp.id for tp in self.kb.topics.values() for code in LANGS}
        choices.update({tid.replace("-", " "): tid for tid in self.kb.topics})
        exact = {title.casefold(): tid for title, tid in choices.items()}.get(" ".join(name.casefold().split()))
        if exact is not None:
            return self.kb.topics[exact]
        found = process.extractOne(name, list(choices), scorer=fuzz.WRatio, score_cutoff=80)
        return self.kb.topics[choices[found[0]]] if found else None

    def topic_choices(self, typed: str, lang: str, limit: int = 25) -> list[Choice]:
        """Topics for autocomplete: titles in ``lang`` that fit what was typed so far, best first."""
        titles = {tid: tp.in_lang(lang).title for tid, tp in self.kb.topics.items()}
        if not typed.strip():
            return [Choice(f"topic:{tid}", title) for tid, title in list(titles.items())[:limit]]
        found = process.extract(typed, titles, scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
        return [Choice(f"topic:{tid}", title) for title, _score, tid in found]

    async def _stats(self, lang: str) -> Reply:
        rows = await self.store.stats()
        if not rows:
            return compose.message("confirmation", lang, t("stats_empty", lang))
        return Reply(
            kind="confirmation",
            lang=lang,
            text=t("stats_title", lang),
            title=t("stats_title", lang),
            items=tuple(row.summary_line() for row in rows),
        )

    # -- helpers ------------------------------------------------------------------------

    def _pending(self, conv: Conversation) -> list[str]:
        """The situations the user was asked to choose from, while that question is open."""
        if conv.stage != "clarify":
            return []
        return [tid for tid in conv.pending if tid in self.kb.topics]

    def _resolve_choice(self, text: str, pending: list[str], *, by_title: bool = True) -> str | None:
        number = ordinal_choice(text)
        if number is not None:
            return pending[number - 1] if number <= len(pending) else None
        if not by_title:
            return None
        titles = {
            self.kb.topics[tid].in_lang(code).title: tid for tid in pending if tid in self.kb.topics for code in LANGS
        }
        found = process.extractOne(text, list(titles), scorer=fuzz.WRatio, score_cutoff=85)
        return titles[found[0]] if found else None

    def _notices(self, request: Request, result: MatchResult, text: str, lang: str) -> str:
        notes = []
        if result.truncated:
            notes.append(t("truncated", lang, chars=count("character", self.settings.max_message_chars, lang)))
        if not request.is_private and looks_private(text[: self.settings.max_message_chars]):
            notes.append(t("go_private", lang))
        return " ".join(notes)

    def _locale_lang(self, request: Request) -> str | None:
        return locale_lang(request.locale)

    def _reply_lang(
        self,
        request: Request,
        text: str,
        prefs: Preferences,
        conv: Conversation,
        workspace_lang: str | None,
        *,
        is_command: bool,
    ) -> tuple[str, bool]:
        """The message's own language when it says enough (True: detected from the text); else what we know.

        In order: the user's own choice (or the conversation's language), the workspace's or server's choice
        (``workspace_lang``: an admin chose it, so it wins over a client locale nobody chose), the client's
        locale, the language the short text looks like, ``COACH_DEFAULT_LANG``.
        """
        tokens = tokenize(clean(text[: self.settings.max_message_chars]))
        guess = None if is_command else self.matcher.detector.detect(tokens).lang
        if guess is not None and len(tokens) >= 3:
            return guess, True
        remembered = prefs.lang or (conv.lang if conv.topic_id or conv.stage != "idle" else None)
        fallback = self._locale_lang(request) or guess or self.settings.default_lang
        return remembered or workspace_lang or fallback, False

    def answer_without_memory(self, request: Request, notice: str = "", lang: str | None = None) -> Reply:
        """A one-off answer that touches no store (``coach ask``, or the store is down).

        With ``notice`` set (the store is down) anything that needs memory apologises instead.
        """
        request = self.capped(request)
        text = request.text or ""
        fallback = lang or self._locale_lang(request) or self.settings.default_lang
        result = self.matcher.match(text, lang=lang, fallback_lang=fallback)
        lang = result.lang
        command = parse_command(text)
        if notice and (request.action or command is not None):
            return compose.message("error", lang, t("store_down", lang))
        if command is not None:
            if command.name == "tip":
                return self._tip(command.argument, lang)
            if command.name == "topics":
                return compose.topic_list(self.kb, lang)
            return compose.help_reply(lang, True)
        if not text.strip():
            return compose.message("help", lang, t("empty", lang))
        notice = " ".join(n for n in (notice, self._notices(request, result, text, lang)) if n)
        if result.decision == "confident" and result.best is not None:
            topic = self.kb.topics[result.best.id]
            return compose.advice(
                self.kb, topic, lang, full=request.is_private, details=extract_details(text), notice=notice
            )
        if result.decision == "ambiguous":
            return compose.clarify(self.kb, list(result.options), lang, notice)
        if result.decision == "several":
            return compose.plan(self.kb, result.problems, lang, notice)
        return replace(compose.fallback(self.kb, lang), notice=notice)
