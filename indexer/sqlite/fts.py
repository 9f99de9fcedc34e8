"""The search language rendered for SQLite: a parsed query as an FTS5 MATCH expression."""

from __future__ import annotations

from core.errors import QuerySyntaxError
from indexer.query import And, Node, Not, Or, Term, chain, parse_query, split_fields, split_negated


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts(n: Node) -> str:
    if isinstance(n, Term):
        return _fts_string(n.text) + (" *" if n.prefix else "")
    if isinstance(n, And):
        positive, negative = split_negated(chain(n))
        both = " AND ".join(_fts(p) for p in positive)
        return "(" + both + "".join(f" NOT {_fts(x)}" for x in negative) + ")"
    if isinstance(n, Or):
        return "(" + " OR ".join(_fts(p) for p in chain(n)) + ")"
    if isinstance(n, Not):
        raise QuerySyntaxError("NOT must follow a term it excludes from (e.g. 'ski NOT chili')", 0)
    raise QuerySyntaxError("field filters can only be combined with AND", 0)


def to_fts5(query: str) -> tuple[str, dict[str, list[str]]]:
    """Translate a query into an SQLite FTS5 MATCH expression and the field filters."""
    node, fields = split_fields(parse_query(query))
    return (_fts(node) if node is not None else ""), fields
