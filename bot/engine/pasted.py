"""A client's own words, pasted or forwarded into the conversation.

People paste what the client sent them: "the client wrote: …", a quoted block
("> …" lines), an e-mail with its headers, a reply with "On Monday, Ann wrote:".
Those words are the client's, not the user's: they describe the situation, but
a name, a language or a "remind me" in them belongs to the client. This module
only finds where the client's words are; the engine decides what to do with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERB = (
    r"(?:wrote|writes|said|says|sent(?: me)?(?: this)?|replied|answered|e-?mailed(?: me)?|messaged(?: me)?|"
    r"(?:me\s+)?(?:escribió|ha escrito|escribe|dijo|dice|ha dicho|envió|ha enviado|respondió|contestó)|"
    r"(?:m'|em\s+)?(?:ha escrit|va escriure|escriu|diu|ha dit|va dir|ha enviat|va enviar|ha respost)|"
    r"kirjoitti|sanoi|lähetti|vastasi|viestitti)"
)
_WHO = (
    r"(?:(?:my|the|our|a|el|mi|la|un|el meu|la meva|nuestro)\s+)?"
    r"(?:client|customer|cliente|clienta|asiakas|asiakkaani)"
)
# "the client wrote: …", "el cliente me escribió: …", "asiakas kirjoitti: …" (a colon, a line break or a quote next).
_INTRO = re.compile(rf"\b{_WHO}\s+{_VERB}\s*(?::|\n|(?=[\"“«']))\s*", re.IGNORECASE)
# "On Mon, 3 Jun 2024, Ann Smith <ann@acme.com> wrote:" (and Spanish, Catalan, Finnish mail clients).
_REPLY_HEADER = re.compile(
    r"^(?:on|el|le|am)\b[^\n]{0,160}?(?:wrote|escribió|va escriure|ha escrit|kirjoitti)\s*:\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_NAMES = (
    "from|to|cc|subject|date|sent|reply-to|de|para|asunto|fecha|enviado|per a|assumpte|data|tramès|"
    "lähettäjä|vastaanottaja|aihe|päivämäärä|lähetetty"
)
_HEADER = re.compile(rf"^\s*(?:{_HEADER_NAMES})\s*:\s*\S.*$", re.IGNORECASE)
_FROM = re.compile(r"^\s*(?:from|de|lähettäjä)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_ORIGINAL = re.compile(r"^\s*-{2,}\s*[^-\n]{3,40}\s*-{2,}\s*$", re.MULTILINE)  # "-----Original Message-----"
_QUOTE_LINE = re.compile(r"^\s*>\s?(.*)$")
_ADDRESS = re.compile(r"<[^>]*>|\S+@\S+|\"")


@dataclass(frozen=True)
class Pasted:
    """The user's own words around a client's message, and the client's words."""

    own: str
    client: str
    sender: str = ""  # the name on an e-mail's From: line, when there is one


def find_pasted(text: str) -> Pasted | None:
    """The client's words in ``text``, or None when the whole message is the user's own."""
    return _email(text) or _reply_quote(text) or _quoted_lines(text) or _introduced(text)


def _clean(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines()).strip()


def _sender(block: str) -> str:
    found = _FROM.search(block)
    if not found:
        return ""
    name = _ADDRESS.sub(" ", found.group(1))
    return " ".join(name.split())[:60]


def _email(text: str) -> Pasted | None:
    """Two or more header lines in a row (From:, Subject:, Date:, ...): the body after them is the client's."""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if not _HEADER.match(line):
            continue
        end = start
        while end < len(lines) and (_HEADER.match(lines[end]) or _ORIGINAL.match(lines[end])):
            end += 1
        if end - start < 2:
            continue
        body = _clean("\n".join(lines[end:]))
        if not body:
            return None
        own = _ORIGINAL.sub("", "\n".join(lines[:start]))
        return Pasted(own=_clean(own), client=body, sender=_sender("\n".join(lines[start:end])))
    return None


def _reply_quote(text: str) -> Pasted | None:
    found = _REPLY_HEADER.search(text)
    if found is None:
        return None
    quoted = text[found.end() :]
    unquoted = [m.group(1) if (m := _QUOTE_LINE.match(line)) else line for line in quoted.splitlines()]
    body = _clean("\n".join(unquoted))
    return Pasted(own=_clean(text[: found.start()]), client=body) if body else None


def _quoted_lines(text: str) -> Pasted | None:
    """Lines quoted with ">" (Slack, Discord and e-mail quoting) are the client's; the rest is the user's."""
    own: list[str] = []
    client: list[str] = []
    for line in text.splitlines():
        quoted = _QUOTE_LINE.match(line)
        (client if quoted else own).append(quoted.group(1) if quoted else line)
    body = _clean("\n".join(client))
    if not body or len(body.split()) < 3:
        return None
    return Pasted(own=_clean("\n".join(own)), client=body)


def _introduced(text: str) -> Pasted | None:
    found = _INTRO.search(text)
    if found is None:
        return None
    body = text[found.end() :].strip()
    body = body.strip("\"“”«»'").strip()
    if len(body.split()) < 3:
        return None
    return Pasted(own=_clean(text[: found.start()]), client=_clean(body))
