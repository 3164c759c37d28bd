"""YAML text → plain data, with the 1-based line of every mapping.

Every plain scalar stays a string (no YAML 1.1 surprises: `NO`, `1.10`, `2021-03-01`), except
`null`/`~`/empty. Duplicate keys, aliases, oversized input and bad encodings are refused with
a line number. No file I/O: the caller reads the bytes.

Speed: when PyYAML has libyaml, its C parser reads the text and `_from_events` builds plain
mappings, lists and strings straight from its events. Anything else (a tag, an anchor or
alias, a repeated or non-text key, deep nesting, an error) goes to the loaders below, libyaml's
parser with the Python composer and constructors first, so the checks above hold either way;
text the C parser refuses is read again by the pure-Python parser, whose messages the
explanations below are written for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

MAX_BYTES = 2_000_000
LINE_KEY = "__line__"
KEY_LINES = "__keys__"  # maps each key of a mapping to its own line
MAX_DEPTH = 50
# PyYAML's wording (regex) → what it means for an editor; first match wins.
_PLAIN = (
    (r"found character '\\t'", "a tab character; indent with spaces only"),
    (
        r"found character '(.)' that cannot start",
        r"a value cannot start with '\1'; put it in quotes",
    ),
    (
        r"mapping values are not allowed",
        "unexpected ': '; quote a value that contains ': ', or check the indentation",
    ),
    (
        r"but found '<scalar>'",
        "unexpected text after a value; look for a missing or extra quote here or just above",
    ),
    (
        r"but found '(<block [a-z ]+>|-)'",
        "bad indentation; line this up with the other keys of its entry (spaces only)",
    ),
    (r"quoted scalar found unexpected end", "a quoted value opens here and is never closed"),
    (r"flow (sequence|mapping) expected", "a '[' list or '{' mapping opens here and is not closed"),
    (
        r"constructor for the tag 'tag:yaml.org,2002:([^']*)'",
        r"tags such as '!!\1' are not allowed",
    ),
    (r"constructor for the tag '([^']*)'", r"tags such as '\1' are not allowed"),
    (r"single document", "only one document is allowed; remove the '---' line"),
)


@dataclass
class YamlError(Exception):
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.line}: {self.problem}"


class _Loader(yaml.SafeLoader):
    """Safe loader keeping strings as strings, recording lines, refusing duplicates and aliases."""


_RESOLVERS = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _compose_alias(loader: _Loader, anchor: object, event: yaml.AliasEvent) -> None:
    # Aliases are never needed in our files and are how "billion laughs" bombs are built.
    raise YamlError(
        event.start_mark.line + 1,
        "YAML aliases ('*name') are not allowed; put a value that starts with '*' in quotes",
    )


def _compose_node(self: _Loader, parent: object, index: object) -> yaml.Node:
    if self.check_event(yaml.AliasEvent):
        _compose_alias(self, None, self.peek_event())
    # PyYAML composes recursively: '[[[[…' thousands deep would crash with a RecursionError.
    self.depth = getattr(self, "depth", 0) + 1
    if self.depth > MAX_DEPTH:
        line = self.peek_event().start_mark.line + 1
        raise YamlError(line, f"invalid YAML: nested more than {MAX_DEPTH} levels deep")
    try:
        return yaml.composer.Composer.compose_node(self, parent, index)
    finally:
        self.depth -= 1


class LineList(list):
    """A YAML sequence that remembers the 1-based line of each item."""

    lines: list[int]


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.lines = [child.start_mark.line + 1 for child in node.value]
    return items


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict:
    data: dict = {LINE_KEY: node.start_mark.line + 1, KEY_LINES: {}}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):  # '? [a]' or '[a]: b' (unhashable)
            raise YamlError(
                key_node.start_mark.line + 1, "a key must be text, not a list or mapping"
            )
        key = loader.construct_object(key_node, deep=True)
        if key in data:
            raise YamlError(key_node.start_mark.line + 1, f"duplicate key '{key}' in one entry")
        data[key] = loader.construct_object(value_node, deep=True)
        data[KEY_LINES][key] = key_node.start_mark.line + 1
    return data


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

    class _FastLoader(
        yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
    ):
        """libyaml's events, composed and constructed in Python exactly as `_Loader` does."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _LOADERS: tuple[type, ...] = (_FastLoader, _Loader)
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADERS = (_Loader,)

for _cls in _LOADERS:
    _cls.yaml_implicit_resolvers = _RESOLVERS
    _cls.compose_node = _compose_node
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def decode(raw: bytes) -> str:
    """Decode UTF-8 bytes (a BOM is allowed) or raise YamlError naming the bad byte's line."""
    if len(raw) > MAX_BYTES:
        raise YamlError(1, f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise YamlError(
            line, f"not valid UTF-8 (byte 0x{raw[err.start]:02x}); save as UTF-8"
        ) from None


def _explain(err: yaml.MarkedYAMLError) -> str:
    """Say what PyYAML's parser complaint means for an editor; unknown ones pass through."""
    raw = " ".join(filter(None, [err.context, err.problem]))
    for pattern, plain in _PLAIN:
        if match := re.search(pattern, raw):
            return match.expand(plain)
    return raw


class _Unusual(Exception):
    """Something `_from_events` leaves to the loaders: a tag, an anchor or alias, a repeated or
    non-scalar key, more than one document or deep nesting (their messages are theirs)."""


def _from_events(parser) -> object:
    """The data `_Loader` makes, built straight from libyaml's events (no nodes): about three
    times as fast; raises _Unusual for anything but plain mappings, sequences and scalars."""
    parser.get_event()  # stream start
    if parser.check_event(yaml.StreamEndEvent):
        return None
    parser.get_event()  # document start
    data = _value(parser, parser.get_event(), 1)
    parser.get_event()  # document end
    if not parser.check_event(yaml.StreamEndEvent):
        raise _Unusual
    return data


# The implicit resolvers by a plain scalar's first character ("" for the empty one), those for
# any first character appended: what Resolver.resolve tries, in its order.
_BY_FIRST = {
    first: tuple(rx for _, rx in [*resolvers, *_RESOLVERS.get(None, [])])
    for first, resolvers in _RESOLVERS.items()
    if first is not None
}
_ANY_FIRST = tuple(rx for _, rx in _RESOLVERS.get(None, []))


def _value(parser, event: yaml.Event, depth: int) -> object:
    tag = getattr(event, "tag", None)  # an alias has none, but an anchor (its name)
    if depth > MAX_DEPTH or event.anchor is not None or tag not in (None, "!"):
        raise _Unusual  # the loaders check anchors (a repeated one is refused) and tags
    kind = type(event)
    if kind is yaml.ScalarEvent:
        value = event.value
        if tag is None and event.implicit[0]:
            resolvers = _BY_FIRST.get(value[:1], _ANY_FIRST)
            if resolvers and any(regexp.match(value) for regexp in resolvers):
                return None
        return value
    if kind is yaml.SequenceStartEvent:
        items, lines = LineList(), []
        while not parser.check_event(yaml.SequenceEndEvent):
            event = parser.get_event()
            lines.append(event.start_mark.line + 1)
            items.append(_value(parser, event, depth + 1))
        parser.get_event()
        items.lines = lines
        return items
    if kind is yaml.MappingStartEvent:
        data: dict = {LINE_KEY: event.start_mark.line + 1, KEY_LINES: {}}
        while not parser.check_event(yaml.MappingEndEvent):
            event = parser.get_event()
            if type(event) is not yaml.ScalarEvent:
                raise _Unusual
            key = _value(parser, event, depth + 1)
            if key in data:
                raise _Unusual
            data[key] = _value(parser, parser.get_event(), depth + 1)
            data[KEY_LINES][key] = event.start_mark.line + 1
        parser.get_event()
        return data
    raise _Unusual  # no other event starts a value


def load_yaml(raw: bytes) -> object:
    """Parse YAML bytes into dicts (with LINE_KEY), lists and strings."""
    text = decode(raw).replace("\r\n", "\n")
    if len(_LOADERS) > 1:
        events = CParser(text)
        try:
            return _from_events(events)
        except (_Unusual, yaml.YAMLError):
            pass  # the loaders below say what is wrong, or make what is unusual
        finally:
            events.dispose()
        fast = _LOADERS[0](text)
        try:
            return fast.get_single_data()
        except yaml.YAMLError:
            pass  # read again below: the pure-Python parser's messages are the explained ones
        finally:
            fast.dispose()
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        # An unclosed quote or bracket is found far below; name the line where it opens.
        opened = re.search(r"quoted scalar|flow (sequence|mapping)", err.context or "")
        mark = err.context_mark if opened and err.context_mark else err.problem_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(line, f"invalid YAML: {_explain(err)}") from None
    except yaml.YAMLError as err:
        raise YamlError(1, f"invalid YAML: {err}") from None
    finally:
        loader.dispose()
