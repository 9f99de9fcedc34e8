"""The search language rendered for SQLite: a parsed query as an FTS5 MATCH expression."""

from __future__ import annotations

from core.errors import QuerySyntaxError
from indexer.query import And, Node, Not, Or, Term, parse_query, split_fields


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts(n: Node) -> str:
    if isinstance(n, Term):
        return _fts_string(n.text) + (" *" if n.prefix else "")
    if isinstance(n, And):
        if isinstance(n.right, Not):
            return f"({_fts(n.left)} NOT {_fts(n.right.operand)})"
        if isinstance(n.left, Not):
            return f"({_fts(n.right)} NOT {_fts(n.left.operand)})"
        return f"({_fts(n.left)} AND {_fts(n.right)})"
    if isinstance(n, Or):
        return f"({_fts(n.left)} OR {_fts(n.right)})"
    if isinstance(n, Not):
        raise QuerySyntaxError("NOT must follow a term it excludes from (e.g. 'ski NOT chili')", 0)
    raise QuerySyntaxError("field filters can only be combined with AND", 0)


def to_fts5(query: str) -> tuple[str, dict[str, list[str]]]:
    """Translate a query into an SQLite FTS5 MATCH expression and the field filters."""
    node, fields = split_fields(parse_query(query))
    return (_fts(node) if node is not None else ""), fields
