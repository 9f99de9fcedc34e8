"""Move enriched documents in and out of a store as JSON Lines (`placewatch export` / `import`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from core.errors import InputError
from core.models import EnrichedDocument
from indexer.base import Store

logger = logging.getLogger(__name__)


class MalformedLines(InputError):
    """Raised after an import in which some lines were malformed; the good ones were stored."""

    def __init__(self, imported: int, errors: list[InputError]) -> None:
        first, more = errors[0], len(errors) - 1
        suffix = f" (and {more} more malformed line{'s' if more != 1 else ''})" if more else ""
        super().__init__(f"{first}{suffix}; {imported} documents imported")
        self.imported = imported
        self.errors = errors


@dataclass
class ImportReport:
    """What an import did: documents stored, and each malformed line as an InputError."""

    imported: int = 0
    errors: list[InputError] = field(default_factory=list)


def export_jsonl(store: Store, path_or_stream: str | Path | IO[str]) -> int:
    """Write every enriched document of `store` as one JSON line; returns how many."""
    if isinstance(path_or_stream, str | Path):
        path = Path(path_or_stream)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            return _write_lines(store, out)
    return _write_lines(store, path_or_stream)


def _write_lines(store: Store, out: IO[str]) -> int:
    count = 0
    for doc in store.iter_documents():
        out.write(json.dumps(doc.to_dict(), ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        count += 1
    logger.info("exported %d documents", count)
    return count


def parse_line(line: str, name: str, lineno: int) -> EnrichedDocument:
    """Read one export line; raises InputError naming the file and line number."""
    try:
        data: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise InputError(f"{name}:{lineno}: expected a JSON object, got {type(data).__name__}")
    try:
        return EnrichedDocument.from_dict(data)
    except KeyError as exc:
        raise InputError(f"{name}:{lineno}: missing field {exc.args[0]!r}") from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise InputError(f"{name}:{lineno}: invalid value ({exc})") from None


def read_jsonl(stream: IO[str], name: str, report: ImportReport) -> Iterator[EnrichedDocument]:
    """Documents of a JSON Lines stream; malformed lines are logged into `report` and skipped."""
    for lineno, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            yield parse_line(line, name, lineno)
        except InputError as exc:
            logger.warning("%s", exc)
            report.errors.append(exc)


def import_jsonl_report(store: Store, path_or_stream: str | Path | IO[str]) -> ImportReport:
    """Import a JSON Lines export; good lines are stored even when others are malformed."""
    report = ImportReport()
    if isinstance(path_or_stream, str | Path):
        path = Path(path_or_stream)
        try:
            stream = path.open(encoding="utf-8", errors="strict")
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        with stream:
            try:
                report.imported = store.import_documents(read_jsonl(stream, str(path), report))
            except UnicodeDecodeError:
                raise InputError(f"{path}: not UTF-8 text") from None
    else:
        name = getattr(path_or_stream, "name", "<stdin>")
        report.imported = store.import_documents(read_jsonl(path_or_stream, str(name), report))
    return report


def import_jsonl(store: Store, path_or_stream: str | Path | IO[str]) -> int:
    """Import a JSON Lines export and return how many documents were stored.

    Malformed lines do not stop the import: the good lines are stored first, then
    `MalformedLines` (an InputError) names the first bad line, how many were bad and
    how many documents were imported.
    """
    report = import_jsonl_report(store, path_or_stream)
    if report.errors:
        raise MalformedLines(report.imported, report.errors)
    return report.imported
