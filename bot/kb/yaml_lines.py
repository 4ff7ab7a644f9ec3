"""Parse YAML once and remember the line of every key and list item."""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[str | int, ...]
# libyaml's C parser is several times faster; the pure-Python one is the fallback.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class AliasesNotAllowed(yaml.MarkedYAMLError):
    """An anchor (``&name``) or alias (``*name``): refused before anything is built from the document.

    Aliases let a few hundred bytes expand into millions of nodes ("billion laughs"), and knowledge files
    never need them: each entry is written out in full.
    """

    def __init__(self, mark: Any) -> None:  # a yaml.Mark, from the pure-Python or the C parser
        super().__init__(
            problem="anchors and aliases (&name, *name) are not allowed in knowledge files", problem_mark=mark
        )


def reject_aliases(text: str) -> None:
    """Raise :class:`AliasesNotAllowed` at the first anchor or alias; linear in the size of ``text``."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise AliasesNotAllowed(event.start_mark)


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping names the same key twice (YAML forbids it; PyYAML would keep the last one silently)."""


def parse_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    """Return the document and a map from each key/item path to its 1-based line.

    Raises ``yaml.YAMLError`` (with a ``problem_mark`` when the parser has one), ``DuplicateKeyError``
    when a mapping repeats a key, and :class:`AliasesNotAllowed`: the events are checked for anchors and
    aliases before any node is composed.
    """
    reject_aliases(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {(): node.start_mark.line + 1}
    _walk(node, (), lines)
    return data, lines


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            child = (*path, key)
            if child in lines:
                raise DuplicateKeyError(
                    problem=f"duplicate key {dotted(child)!r} (first on line {lines[child]}); keep one",
                    problem_mark=key_node.start_mark,
                )
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            _walk(item, child, lines)


def line_for(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of ``path`` or, failing that, of its nearest ancestor."""
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return None
        path = path[:-1]


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
