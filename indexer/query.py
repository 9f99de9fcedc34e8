"""The boolean search language (AND, OR, NOT, "phrases", parentheses, field:value): its parser; backends render the tree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.errors import QuerySyntaxError
from indexer.base import MentionFilter

FIELDS = ("source", "lang", "territory", "type", "sentiment")

_TOKEN = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|"(?P<phrase>[^"]*)"|(?P<open>")|'
    r"(?P<field>[A-Za-z]+):(?P<value>\"[^\"]*\"|[^\s()]+)|(?P<word>[^\s()\"]+))"
)


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    operand: Node


Node = Term | Field | And | Or | Not


@dataclass(frozen=True)
class _Tok:
    kind: str  # lp rp term field and or not
    value: str
    pos: int
    extra: str = ""


def tokenize(query: str) -> list[_Tok]:
    """Split a query into tokens; an unclosed quote is a syntax error at its position."""
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        m = _TOKEN.match(query, pos)
        if not m or m.end() == pos:
            raise QuerySyntaxError(f"unexpected character {query[pos]!r}", pos)
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        if m.group("lp"):
            tokens.append(_Tok("lp", "(", start))
        elif m.group("rp"):
            tokens.append(_Tok("rp", ")", start))
        elif m.group("open"):
            raise QuerySyntaxError("unclosed quote", start)
        elif m.group("phrase") is not None:
            tokens.append(_Tok("phrase", m.group("phrase"), start))
        elif m.group("field"):
            name = m.group("field").lower()
            if name not in FIELDS:
                raise QuerySyntaxError(
                    f"unknown field {name!r} (use {', '.join(FIELDS)})", start
                )
            tokens.append(_Tok("field", m.group("value").strip('"'), start, name))
        else:
            word = m.group("word")
            upper = word.upper()
            if word in ("AND", "OR", "NOT") or (upper in ("AND", "OR", "NOT") and word == upper):
                tokens.append(_Tok(upper.lower(), word, start))
            else:
                tokens.append(_Tok("word", word, start))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens = tokenize(query)
        self.i = 0
        self.end = len(query)

    def peek(self) -> _Tok | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self.or_expr()
        tok = self.peek()
        if tok is not None:
            raise QuerySyntaxError(f"unexpected {tok.value!r}", tok.pos)
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.take()
            node = Or(node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while (tok := self.peek()) is not None and tok.kind not in ("or", "rp"):
            if tok.kind == "and":
                self.take()
            node = And(node, self.not_expr())
        return node

    def not_expr(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "not":
            self.take()
            return Not(self.not_expr())
        return self.atom()

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise QuerySyntaxError("query ends where a term was expected", self.end)
        self.take()
        if tok.kind == "lp":
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != "rp":
                raise QuerySyntaxError("missing closing parenthesis for '('", tok.pos)
            self.take()
            return node
        if tok.kind == "phrase":
            if not tok.value.strip():
                raise QuerySyntaxError("empty phrase", tok.pos)
            return Term(tok.value, phrase=True)
        if tok.kind == "field":
            return Field(tok.extra, tok.value)
        if tok.kind == "word":
            prefix = tok.value.endswith("*") and len(tok.value) > 1
            return Term(tok.value.rstrip("*") if prefix else tok.value, prefix=prefix)
        raise QuerySyntaxError(f"unexpected {tok.value!r}", tok.pos)


def parse_query(query: str) -> Node | None:
    """Parse a search query into a tree; None for an empty query."""
    return _Parser(query).parse()


def split_fields(node: Node | None) -> tuple[Node | None, dict[str, list[str]]]:
    """Take field filters out of the top-level AND chain; elsewhere they are an error."""
    fields: dict[str, list[str]] = {}

    def walk(n: Node | None) -> Node | None:
        if n is None:
            return None
        if isinstance(n, Field):
            fields.setdefault(n.name, []).append(n.value)
            return None
        if isinstance(n, And):
            left, right = walk(n.left), walk(n.right)
            if left is None:
                return right
            if right is None:
                return left
            return And(left, right)
        if _has_field(n):
            raise QuerySyntaxError("field filters can only be combined with AND", 0)
        return n

    return walk(node), fields


def _has_field(n: Node) -> bool:
    if isinstance(n, Field):
        return True
    if isinstance(n, And | Or):
        return _has_field(n.left) or _has_field(n.right)
    if isinstance(n, Not):
        return _has_field(n.operand)
    return False


def with_fields(f: MentionFilter, fields: dict[str, list[str]]) -> MentionFilter:
    """Fold `source:`, `lang:`, `territory:`, `type:`, `sentiment:` query filters into a filter."""
    updates: dict[str, Any] = {}
    if fields.get("source"):
        updates["source_ids"] = (*f.source_ids, *fields["source"])
    if fields.get("type"):
        updates["source_types"] = (*f.source_types, *fields["type"])
    if fields.get("lang"):
        updates["langs"] = (*f.langs, *fields["lang"])
    if fields.get("territory"):
        updates["territories"] = (*f.territories, *fields["territory"])
    if fields.get("sentiment"):
        label = fields["sentiment"][0]
        if label in ("positive", "neutral", "negative"):
            updates["sentiment"] = label
    return MentionFilter(**{**f.__dict__, **updates}) if updates else f
