"""The ``coach`` command line. One parser; each command is a small function."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from bot.errors import CoachError, ConfigError, KnowledgeError
from bot.kb.export import export_knowledge, with_refines
from bot.kb.load import check_knowledge
from bot.settings import LANG_CHOICES, Settings, load_env_file
from bot.store.null import NullStore as _NoStore

# Exit codes: 0 done, 1 an error or nothing to do, 2 the command was used wrongly,
# 130 interrupted (Ctrl-C), 141 the reader of our output went away (like `yes | head`).
EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 1, 2, 130, 141


class UsageError(CoachError):
    """The command line itself is wrong: reported by the command's own parser, exit 2."""


if TYPE_CHECKING:
    from bot.engine.coach import Coach
    from bot.kb.model import KnowledgeBase
    from bot.matching.matcher import Matcher


def _kb_check(args: argparse.Namespace, settings: Settings) -> int:
    extra = [Path(d) for d in args.dirs] or list(settings.knowledge_dirs)
    kb, problems = check_knowledge(Path(args.builtin) if args.builtin else None, extra)
    if kb is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"knowledge check failed: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    langs = sum(len(t.advice) for t in kb.topics.values())
    phrasings = sum(len(a.phrasings) for t in kb.topics.values() for a in t.advice.values())
    print(f"ok: {len(kb.topics)} topics, {langs} language entries, {phrasings} phrasings, {len(kb.sources)} sources")
    return 0


def _kb_export(args: argparse.Namespace, settings: Settings) -> int:
    kb, problems = check_knowledge(Path(args.builtin) if args.builtin else None, list(settings.knowledge_dirs))
    if kb is None:
        raise KnowledgeError(problems)
    _json_out()
    json.dump(export_knowledge(kb), sys.stdout, ensure_ascii=False, indent=2 if not args.compact else None)
    sys.stdout.write("\n")
    return 0


def _load(settings: Settings) -> Coach:
    from bot.engine.coach import Coach

    return Coach.from_settings(settings)


def _matcher(settings: Settings) -> Matcher:
    return _matcher_and_kb(settings)[0]


def _matcher_and_kb(settings: Settings) -> tuple[Matcher, KnowledgeBase]:
    from bot.engine.coach import matcher_for
    from bot.matching.compiled import load_compiled

    compiled = load_compiled(settings.knowledge_dirs)
    return matcher_for(compiled, settings), compiled.kb


def _clean(text: str) -> str:
    """Text from argv or a file with undecodable bytes (kept as lone surrogates) made valid Unicode."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _lines(stream: BinaryIO) -> Iterator[str]:
    """One query per ``\n``-ended line; undecodable bytes become U+FFFD, a trailing CR is dropped."""
    for raw in stream:
        yield raw.rstrip(b"\n").removesuffix(b"\r").decode("utf-8", "replace")


def _json_out() -> None:
    """JSON goes out as UTF-8 whatever the locale says."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")


def _match(args: argparse.Namespace, settings: Settings) -> int:
    lang = args.lang
    if args.batch:
        if args.text not in (None, "-"):
            raise UsageError("with --batch, pass - (queries are read from standard input, one per line)")
        matcher, kb = _matcher_and_kb(settings)
        _json_out()
        for query in _lines(sys.stdin.buffer):
            result = matcher.match(query, lang=lang)
            data = with_refines(kb, result.to_json(args.top))
            sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return 0
    if args.text is None:
        raise UsageError("give the situation as TEXT, or --batch - to read queries from standard input")
    text = _clean(args.text)
    if not text.strip():
        raise CoachError("nothing to match: TEXT is empty")
    matcher, kb = _matcher_and_kb(settings)
    result = matcher.match(text, lang=lang)
    if args.json:
        _json_out()
        print(json.dumps(with_refines(kb, result.to_json(args.top)), ensure_ascii=False))
    else:
        print(f"{result.decision} [{result.lang}] problems={list(result.problems)}")
        for m in result.matches[: args.top]:
            print(f"  {m.score:.3f}  {m.id:<34} {m.title}")
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.engine.coach import Coach
    from bot.engine.messages import Request
    from bot.engine.plain import render_plain

    text = _clean(args.text)
    if not text.strip():
        raise CoachError('nothing to answer: describe the situation, e.g. coach ask "my client won\'t pay"')
    coach = Coach.from_settings(settings, store=_NoStore())
    reply = coach.answer_without_memory(Request("cli", "local", "ask", text, True), lang=args.lang)
    print(render_plain(reply, numbered_options=False, listed_options=True))
    return 0


def _topics(args: argparse.Namespace, settings: Settings) -> int:
    from bot.matching.compiled import load_compiled

    kb = load_compiled(settings.knowledge_dirs).kb
    lang = args.lang or settings.default_lang
    for topic in kb.topics.values():
        flag = "  (legal)" if topic.legal else ""
        print(f"{topic.id:<34} {topic.in_lang(lang).title}{flag}")
    return 0


def _tip(args: argparse.Namespace, settings: Settings) -> int:
    lang = args.lang or settings.default_lang
    if args.topic is None:
        return _ask(argparse.Namespace(text="tip", lang=lang), settings)
    name = _clean(args.topic).strip()
    if not name:
        raise UsageError("--topic needs a topic id or title (see `coach topics`)")
    from bot.engine.coach import Coach

    coach = Coach.from_settings(settings, store=_NoStore())
    topic = coach.find_topic(name, lang)
    if topic is None:
        raise CoachError(f"no topic called {name[:60]!r}{_did_you_mean(coach, name, lang)}; `coach topics` lists them")
    return _ask(argparse.Namespace(text=f"tip {topic.id}", lang=lang), settings)


def _did_you_mean(coach: Coach, name: str, lang: str) -> str:
    """The nearest topic id when one is near enough to suggest (but not to use): spelt alike, or sharing a word."""
    from rapidfuzz import fuzz, process

    wanted = name.casefold().replace(" ", "-")
    ids = list(coach.kb.topics)
    found = process.extractOne(wanted, ids, scorer=fuzz.ratio, score_cutoff=70)
    if found:
        return f" (did you mean {found[0]!r}?)"
    words = {w for w in wanted.split("-") if len(w) >= 4}
    shared, best = max((len(words & set(tid.split("-"))), tid) for tid in ids)
    return f" (did you mean {best!r}?)" if shared else ""


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluate import evaluate, format_report, load_cases

    matcher = _matcher(settings)
    for name in args.files:
        report = evaluate(matcher, load_cases(Path(name)), name)
        print(format_report(report, show_misses=args.misses, show_details=args.details))
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from adapters.terminal import TerminalChat

    async def run() -> None:
        coach = _load(settings)
        try:
            await TerminalChat(coach, user=args.user, lang=args.lang).run()
        finally:
            await coach.close()

    asyncio.run(run())
    return 0


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.store.factory import open_store

    async def run() -> int:
        store = open_store(settings)
        try:
            rows = await store.stats()
        finally:
            await store.close()
        if not rows:
            print("no feedback recorded yet")
            return 0
        for row in rows:
            print(row.summary_line())
        return 0

    return asyncio.run(run())


def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot.doctor import run_doctor

    return run_doctor(settings)


def _health(args: argparse.Namespace, settings: Settings) -> int:
    from bot.health import read_health

    if settings.health_file is None:
        raise ConfigError("COACH_HEALTH_FILE is not set: `coach health` reads the heartbeat `coach serve` writes there")
    health = read_health(settings.health_file)
    print(("ok: " if health.ok else "unhealthy: ") + health.message)
    return 0 if health.ok else EXIT_ERROR


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    # The platform libraries are imported here, on demand, so the core never loads them.
    if args.platform == "slack":
        from adapters.slack.runner import serve_slack

        serve_slack(settings, http=args.http, host=args.host, port=args.port, watch=args.watch)
    else:
        from adapters.discord.runner import serve_discord

        serve_discord(settings, sync_guild=args.sync_guild, watch=args.watch)
    return 0


def _discord(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.discord.runner import invite_urls, sync_commands

    if args.discord_command == "sync":
        sync_commands(settings)
    else:
        server, account = invite_urls(settings, client_id=args.client_id)
        print(f"Add to a server:     {server}")
        print(f"Add to your account: {account}")
    return 0


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("client-coach")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach", description="Client Coach: advice for freelancers with difficult clients."
    )
    parser.add_argument("--version", action="version", version=f"coach {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    kb = commands.add_parser("kb", help="check or export the knowledge base")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True, metavar="KB_COMMAND")
    check = kb_commands.add_parser("check", help="validate the knowledge (built-in plus team directories)")
    check.add_argument("dirs", nargs="*", help="team knowledge directories (default: COACH_KNOWLEDGE_DIRS)")
    check.add_argument("--builtin", help=argparse.SUPPRESS)
    check.set_defaults(run=_kb_check)
    export = kb_commands.add_parser("export", help="print every entry as JSON")
    export.add_argument("--json", action="store_true", required=True, help="JSON output (the only format)")
    export.add_argument("--compact", action="store_true", help="one line instead of indented")
    export.add_argument("--builtin", help=argparse.SUPPRESS)
    export.set_defaults(run=_kb_export)

    match = commands.add_parser("match", help="recognise the situation in TEXT (the matcher alone)")
    match.add_argument("text", nargs="?", help="the message; with --batch, - for standard input")
    match.add_argument("--json", action="store_true", help="one JSON object per query")
    match.add_argument("--top", type=_positive, default=5, help="how many matches to list (default 5)")
    match.add_argument("--lang", choices=LANG_CHOICES, help="skip language detection")
    match.add_argument("--batch", action="store_true", help="one query per line on standard input")
    match.set_defaults(run=_match, usage=match)

    ask = commands.add_parser("ask", help="the answer a user would get for TEXT")
    ask.add_argument("text")
    ask.add_argument("--lang", choices=LANG_CHOICES, help="answer in this language")
    ask.set_defaults(run=_ask)

    topics = commands.add_parser("topics", help="list the situations the bot knows")
    topics.add_argument("--lang", choices=LANG_CHOICES)
    topics.set_defaults(run=_topics)

    tip = commands.add_parser("tip", help="a quick tip (of the day, or for one topic)")
    tip.add_argument("--topic", help="topic id or title")
    tip.add_argument("--lang", choices=LANG_CHOICES)
    tip.set_defaults(run=_tip, usage=tip)

    evaluate = commands.add_parser("eval", help="matcher quality on labelled situation files")
    evaluate.add_argument("files", nargs="+")
    evaluate.add_argument("--misses", action="store_true", help="list every miss")
    evaluate.add_argument(
        "--details", action="store_true", help="top-1 by language and the reliability table (confidence -> accuracy)"
    )
    evaluate.set_defaults(run=_eval)

    chat = commands.add_parser("chat", help="talk to the bot in this terminal (no tokens needed)")
    chat.add_argument("--user", default="local", help="who you are (conversations are per user)")
    chat.add_argument("--lang", choices=LANG_CHOICES, help="preferred language")
    chat.set_defaults(run=_chat)

    stats = commands.add_parser("stats", help="per-topic usage, feedback and outcomes")
    stats.set_defaults(run=_stats)

    doctor = commands.add_parser("doctor", help="check settings, tokens, knowledge and store; say what to fix")
    doctor.set_defaults(run=_doctor)

    health = commands.add_parser(
        "health", help="is the running `coach serve` well? (the container's health check; needs COACH_HEALTH_FILE)"
    )
    health.set_defaults(run=_health)

    serve = commands.add_parser("serve", help="run the bot on Slack or Discord")
    serve.add_argument("platform", choices=("slack", "discord"))
    serve.add_argument("--http", action="store_true", help="Slack: HTTP mode instead of Socket Mode")
    serve.add_argument(
        "--host", default="127.0.0.1", help="Slack HTTP mode: address to listen on (default 127.0.0.1; 0.0.0.0 for all)"
    )
    serve.add_argument("--port", type=int, default=3000, help="Slack HTTP mode: port (default 3000)")
    serve.add_argument("--sync-guild", type=int, help="Discord: sync slash commands to this guild first (development)")
    serve.add_argument("--watch", action="store_true", help="reload the knowledge when its files change")
    serve.set_defaults(run=_serve)

    discord = commands.add_parser("discord", help="Discord deployment helpers")
    discord_commands = discord.add_subparsers(dest="discord_command", required=True, metavar="DISCORD_COMMAND")
    discord_commands.add_parser("sync", help="sync slash commands globally (once per deploy)").set_defaults(
        run=_discord
    )
    invite = discord_commands.add_parser("invite-url", help="print the links to add the bot to a server or an account")
    invite.add_argument("--client-id", help="application id (default: read from the token)")
    invite.set_defaults(run=_discord)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # a closed pipe shows here, not as a traceback at exit
        return code
    except BrokenPipeError:
        # The reader (`| head`) has gone: stop quietly, as Unix tools do. Point stdout at
        # /dev/null so the interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_BROKEN_PIPE


def _say_when_compiling(command: str, settings: Settings) -> None:
    """The first start after an install or a knowledge edit trains the recogniser: say so, on a terminal."""
    if command not in ("chat", "ask", "match", "tip", "topics", "eval", "serve") or not sys.stderr.isatty():
        return
    from bot.matching.compiled import is_compiled

    try:
        current = is_compiled(settings.knowledge_dirs)
    except OSError:
        return
    if not current:
        print("Preparing the knowledge base (once after an install or an edit; about 10 seconds)...", file=sys.stderr)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    env_file = load_env_file()
    try:
        if args.command == "doctor":
            # The doctor reports a broken setting instead of stopping at it.
            from bot.doctor import run_doctor

            return run_doctor(None, env_file=env_file)
        settings = Settings.from_env()
        _say_when_compiling(args.command, settings)
        if args.command in ("serve", "chat"):
            from bot.logs import configure_logging

            configure_logging(settings if args.command == "serve" else replace(settings, log_level="WARNING"))
        return int(args.run(args, settings))
    except UsageError as exc:
        args.usage.error(str(exc))  # prints the command's usage and exits 2
        return EXIT_USAGE
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return EXIT_ERROR
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except CoachError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
