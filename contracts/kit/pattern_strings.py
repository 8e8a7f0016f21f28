"""Strings of a spec's simple anchored patterns, built directly instead of through `from_regex`.

The ids, phone numbers and timestamps of the specs are patterns like `^vnr_[A-Za-z0-9]+$` or
`^\\+[1-9][0-9]{1,14}$`. Hypothesis's `from_regex` draws such a value one character at a time and,
reading `$` and `\\d` as Python does, also draws values (a trailing newline, non-ASCII digits) the
contract's validator refuses and the generator then throws away. For a pattern made only of
literals, ASCII classes, quantifiers and alternatives, this module builds the same language as a
few `text`/`sampled_from` draws: every value matches, every matching value can be drawn.

Any other construct (`.`, `\\w`, negated classes, look-arounds, back references, flags, an
unanchored pattern) is `Unsupported`, and the caller keeps the generic generator for it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache

from hypothesis import strategies as st

DIGITS = string.digits  # the validator reads `\d` as ECMA-262 does: ASCII digits only
PLAIN_ESCAPES = set("\\^$.|?*+()[]{}/-")


class Unsupported(ValueError):
    """The pattern uses a construct this module does not build; the generic generator draws it."""


@dataclass(frozen=True)
class Literal:
    text: str


@dataclass(frozen=True)
class CharClass:
    chars: str  # every character the class admits, in a stable order


@dataclass(frozen=True)
class Repeat:
    node: Node
    low: int
    high: int | None  # None: unbounded


@dataclass(frozen=True)
class Sequence:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Alternatives:
    options: tuple[Sequence, ...]


Node = Literal | CharClass | Repeat | Sequence | Alternatives


class _Parser:
    """Recursive descent over the supported subset of ECMA-262 patterns."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.at = 0

    def parse(self) -> Node:
        if not (self.source.startswith("^") and self.source.endswith("$") and not self.source.endswith("\\$")):
            raise Unsupported("only patterns anchored at both ends are built directly")
        self.source = self.source[1:-1]
        node = self._alternatives()
        if self.at != len(self.source):
            raise Unsupported(f"unexpected {self.source[self.at]!r} at {self.at}")
        if isinstance(node, Alternatives):
            # `^a|b$` is `(^a)|(b$)`: each side anchored at one end only.
            raise Unsupported("alternatives outside a group")
        return node

    def _peek(self) -> str | None:
        return self.source[self.at] if self.at < len(self.source) else None

    def _take(self) -> str:
        char = self._peek()
        if char is None:
            raise Unsupported("pattern ends too early")
        self.at += 1
        return char

    def _alternatives(self) -> Node:
        options = [self._sequence()]
        while self._peek() == "|":
            self.at += 1
            options.append(self._sequence())
        return options[0] if len(options) == 1 else Alternatives(tuple(options))

    def _sequence(self) -> Sequence:
        parts: list[Node] = []
        while self._peek() not in (None, "|", ")"):
            parts.append(self._quantified(self._atom()))
        return Sequence(tuple(parts))

    def _atom(self) -> Node:
        char = self._take()
        if char == "(":
            if self.source.startswith("?:", self.at):
                self.at += 2
            elif self._peek() == "?":
                raise Unsupported("look-arounds and named groups")
            inner = self._alternatives()
            if self._take() != ")":
                raise Unsupported("unclosed group")
            return inner
        if char == "[":
            return self._char_class()
        if char == "\\":
            return self._escape(in_class=False)
        if char in ".^$*+?{}]":
            raise Unsupported(f"{char!r} outside a class")
        return Literal(char)

    def _escape(self, *, in_class: bool) -> Node:
        char = self._take()
        if char == "d":
            return CharClass(DIGITS)
        if char in PLAIN_ESCAPES:
            return CharClass(char) if in_class else Literal(char)
        raise Unsupported(f"escape \\{char}")

    def _char_class(self) -> CharClass:
        if self._peek() == "^":
            raise Unsupported("negated class")
        chars: list[str] = []
        while (char := self._take()) != "]":
            if char == "\\":
                escaped = self._escape(in_class=True)
                assert isinstance(escaped, CharClass)
                chars.extend(escaped.chars)
                continue
            if char == "[":
                raise Unsupported("nested class")
            if self._peek() == "-" and self.source[self.at + 1:self.at + 2] not in ("", "]"):
                self.at += 1
                end = self._take()
                if end == "\\" or ord(end) < ord(char):
                    raise Unsupported("class range")
                chars.extend(chr(code) for code in range(ord(char), ord(end) + 1))
                continue
            chars.append(char)
        if not chars or any(not c.isascii() for c in chars):
            raise Unsupported("empty or non-ASCII class")
        return CharClass("".join(dict.fromkeys(chars)))

    def _quantified(self, node: Node) -> Node:
        char = self._peek()
        if char in ("+", "*", "?"):
            self.at += 1
            low, high = {"+": (1, None), "*": (0, None), "?": (0, 1)}[char]
        elif char == "{":
            close = self.source.find("}", self.at)
            bounds = self.source[self.at + 1:close].split(",") if close > 0 else []
            if not 1 <= len(bounds) <= 2 or not bounds[0].isdigit() or not all(b.isdigit() or b == "" for b in bounds):
                raise Unsupported("quantifier")
            self.at = close + 1
            low = int(bounds[0])
            high = low if len(bounds) == 1 else (int(bounds[1]) if bounds[1] else None)
            if high is not None and high < low:
                raise Unsupported("quantifier bounds")
        else:
            return node
        if self._peek() in ("?", "+", "*", "{"):
            raise Unsupported("lazy or stacked quantifier")
        return Repeat(node, low, high)


@lru_cache(maxsize=None)
def parse(pattern: str) -> Node:
    """The pattern's tree; Unsupported when it leaves the subset."""
    return _Parser(pattern).parse()


def lengths(node: Node) -> tuple[int, int | None]:
    """Shortest and longest (None: unbounded) value of the node."""
    if isinstance(node, Literal):
        return len(node.text), len(node.text)
    if isinstance(node, CharClass):
        return 1, 1
    if isinstance(node, Repeat):
        low, high = lengths(node.node)
        top = None if node.high is None or high is None else high * node.high
        return low * node.low, top
    if isinstance(node, Sequence):
        spans = [lengths(part) for part in node.parts]
        tops = [high for _, high in spans]
        return sum(low for low, _ in spans), None if None in tops else sum(tops)  # type: ignore[arg-type]
    spans = [lengths(option) for option in node.options]
    tops = [high for _, high in spans]
    return min(low for low, _ in spans), None if None in tops else max(tops)  # type: ignore[type-var]


def fitted(node: Node, min_length: int | None, max_length: int | None) -> Node:
    """The node narrowed to values `min_length`..`max_length` long, when that is exact to do.

    A node every value of which already fits is returned as is. Otherwise the one variable-length
    repetition of a class (the `+` of `^vnr_[A-Za-z0-9]+$`) takes the bounds the rest leaves it;
    any other shape is Unsupported.
    """
    low, high = lengths(node)
    floor = min_length or 0
    if low >= floor and (max_length is None or (high is not None and high <= max_length)):
        return node
    parts = node.parts if isinstance(node, Sequence) else (node,)
    variable = [i for i, part in enumerate(parts) if lengths(part)[0] != lengths(part)[1]]
    if len(variable) != 1:
        raise Unsupported("length bounds over several variable parts")
    index = variable[0]
    repeat = parts[index]
    if not (isinstance(repeat, Repeat) and isinstance(repeat.node, CharClass)):
        raise Unsupported("length bounds over a variable part that is not a repeated class")
    fixed = sum(lengths(part)[0] for i, part in enumerate(parts) if i != index)
    new_low = max(repeat.low, floor - fixed)
    tops = [t for t in (repeat.high, None if max_length is None else max_length - fixed) if t is not None]
    new_high = min(tops) if tops else None
    if new_high is not None and new_high < new_low:
        raise Unsupported("no value fits the length bounds")
    narrowed = list(parts)
    narrowed[index] = Repeat(repeat.node, new_low, new_high)
    return Sequence(tuple(narrowed))


def strategy_of(node: Node) -> st.SearchStrategy[str]:
    """Every string of the node's language, drawn in a few choices rather than one per character."""
    if isinstance(node, Literal):
        return st.just(node.text)
    if isinstance(node, CharClass):
        return st.sampled_from(node.chars) if len(node.chars) > 1 else st.just(node.chars)
    if isinstance(node, Repeat):
        if isinstance(node.node, CharClass):
            spread = st.text(alphabet=node.node.chars, min_size=node.low, max_size=node.high)
            if node.high is None or node.high - node.low < 2:
                return spread
            # Sizes drawn freely almost never reach the top (an id of the 64 characters a spec
            # allows), the length a client's storage most often gets wrong: one draw in ten is it.
            longest = st.text(alphabet=node.node.chars, min_size=node.high, max_size=node.high)
            return st.one_of([spread] * 9 + [longest])
        return st.lists(strategy_of(node.node), min_size=node.low, max_size=node.high).map("".join)
    if isinstance(node, Sequence):
        parts = [strategy_of(part) for part in _merged_literals(node.parts)]
        if not parts:
            return st.just("")
        return parts[0] if len(parts) == 1 else st.tuples(*parts).map("".join)
    return st.one_of([strategy_of(option) for option in node.options])


def _merged_literals(parts: tuple[Node, ...]) -> list[Node]:
    merged: list[Node] = []
    for part in parts:
        if isinstance(part, Literal) and merged and isinstance(merged[-1], Literal):
            merged[-1] = Literal(merged[-1].text + part.text)
        else:
            merged.append(part)
    return merged


@lru_cache(maxsize=None)
def pattern_strings(pattern: str, min_length: int | None = None, max_length: int | None = None) -> st.SearchStrategy[str]:
    """Strings matching `pattern` whose length is within the bounds; Unsupported outside the subset."""
    return strategy_of(fitted(parse(pattern), min_length, max_length))
