"""The boolean search language (AND, OR, NOT, "phrases", parentheses, field:value): its parser; backends render the tree.

Limits, each refused with a QuerySyntaxError saying so: a query of at most 1,500 characters,
150 terms (words, phrases and field filters) and 20 levels of nested parentheses. Control
characters (a NUL, a tab) separate words like spaces. `sentiment:` takes positive, neutral
or negative, once; `lang:` a language code such as fr or en.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.errors import QuerySyntaxError
from indexer.base import MentionFilter

FIELDS = ("source", "lang", "territory", "type", "sentiment")
SENTIMENTS = ("positive", "neutral", "negative")
MAX_QUERY_CHARS = 1500
MAX_TERMS = 150
MAX_DEPTH = 20  # FTS5's parser overflows near 40 levels, Elasticsearch refuses bools past 30

# Control characters, and halves of surrogate pairs no text can hold, separate words.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?|und", re.IGNORECASE)

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
    if len(query) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(
            f"the query is {len(query):,} characters long; searches take at most "
            f"{MAX_QUERY_CHARS:,}", MAX_QUERY_CHARS)
    query = _CONTROL.sub(" ", query)  # same length: positions still point into what was typed
    tokens: list[_Tok] = []
    terms = 0
    pos = 0
    end = len(query.rstrip())
    while pos < end:
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
            value = m.group("value").strip('"')
            _check_field(name, value, start)
            tokens.append(_Tok("field", value, start, name))
        else:
            word = m.group("word")
            upper = word.upper()
            if word in ("AND", "OR", "NOT") or (upper in ("AND", "OR", "NOT") and word == upper):
                tokens.append(_Tok(upper.lower(), word, start))
            else:
                tokens.append(_Tok("word", word, start))
        if tokens and tokens[-1].kind in ("word", "phrase", "field") and tokens[-1].pos == start:
            terms += 1
            if terms > MAX_TERMS:
                raise QuerySyntaxError(
                    f"the query has more than {MAX_TERMS} terms; searches take at most {MAX_TERMS}",
                    start)
        pos = m.end()
    return tokens


def _check_field(name: str, value: str, pos: int) -> None:
    """Refuse a field value that could never match, rather than ignore it."""
    if name == "sentiment" and value.lower() not in SENTIMENTS:
        raise QuerySyntaxError(
            f"unknown sentiment {value!r} (use positive, neutral or negative)", pos)
    if name == "lang" and not _LANG.fullmatch(value):
        raise QuerySyntaxError(f"lang: takes a language code such as fr or en, not {value!r}", pos)


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens = tokenize(query)
        self.i = 0
        self.end = len(query)
        self.depth = 0

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
        nots = 0
        while (tok := self.peek()) is not None and tok.kind == "not":
            self.take()
            nots += 1
        node = self.atom()
        for _ in range(nots):
            node = Not(node)
        return node

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise QuerySyntaxError("query ends where a term was expected", self.end)
        self.take()
        if tok.kind == "lp":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QuerySyntaxError(
                    f"parentheses nested more than {MAX_DEPTH} deep; searches take at most "
                    f"{MAX_DEPTH}", tok.pos)
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != "rp":
                raise QuerySyntaxError("missing closing parenthesis for '('", tok.pos)
            self.take()
            self.depth -= 1
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


def chain(node: And | Or) -> list[Node]:
    """The operands of a run of one operator, left to right: `a AND b AND c` as [a, b, c].

    Renderers write a run flat, so a hundred words make one level, not a hundred.
    """
    kind = type(node)
    out: list[Node] = []
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, And | Or) and type(n) is kind:
            stack.extend((n.right, n.left))
        else:
            out.append(n)
    return out


def split_negated(operands: list[Node]) -> tuple[list[Node], list[Node]]:
    """An AND run's terms that must match and those excluded (`NOT x`); a run of exclusions
    alone excludes from nothing, which is a syntax error."""
    positive: list[Node] = [n for n in operands if not isinstance(n, Not)]
    negative: list[Node] = [n.operand for n in operands if isinstance(n, Not)]
    if not positive:
        raise QuerySyntaxError("NOT must follow a term it excludes from (e.g. 'ski NOT chili')", 0)
    return positive, negative


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
        labels = {label.lower() for label in fields["sentiment"]}
        if len(labels) > 1:
            raise QuerySyntaxError(
                f"sentiment: can be given once ({' and '.join(sorted(labels))} cannot both hold)", 0)
        (label,) = labels
        if label not in SENTIMENTS:  # tokenize refuses these; a hand-built filter may not
            raise QuerySyntaxError(f"unknown sentiment {label!r} (use positive, neutral or negative)", 0)
        updates["sentiment"] = label
    return MentionFilter(**{**f.__dict__, **updates}) if updates else f
