"""Move enriched documents in and out of a store as JSON Lines (`placewatch export` / `import`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from core.errors import InputError
from core.models import EnrichedDocument
from indexer.base import Store
from indexer.export_schema import dumps_strict, finite_numbers, line_problem, loads_strict

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
    """What an import did: distinct documents stored, and each malformed line as an InputError."""

    imported: int = 0
    errors: list[InputError] = field(default_factory=list)
    ids: set[str] = field(default_factory=set, repr=False)  # a repeated id is one document


def export_jsonl(store: Store, path_or_stream: str | Path | IO[str]) -> int:
    """Write every enriched document of `store` as one strict JSON line; returns how many."""
    if isinstance(path_or_stream, str | Path):
        path = Path(path_or_stream)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            return _write_lines(store, out)
    return _write_lines(store, path_or_stream)


def _write_lines(store: Store, out: IO[str]) -> int:
    count = 0
    for doc in store.iter_documents():
        data = doc.to_dict()
        fixed = finite_numbers(data)
        if fixed:
            logger.warning("document %s: %s not a finite number, exported as 0 (lat/lon as null)",
                           doc.doc.id, ", ".join(fixed))
        out.write(dumps_strict(data))
        out.write("\n")
        count += 1
    logger.info("exported %d documents", count)
    return count


def parse_line(line: str, name: str, lineno: int) -> EnrichedDocument:
    """Read one export line; raises InputError naming the file, the line number and the field."""
    where = f"{name}:{lineno}"
    try:
        data: Any = loads_strict(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
    except ValueError as exc:  # NaN, Infinity, 1e999: strict JSON has no such numbers
        raise InputError(f"{where}: not valid JSON ({exc})") from None
    except RecursionError:
        raise InputError(f"{where}: not valid JSON (nested too deeply)") from None
    problem = line_problem(data)
    if problem:
        raise InputError(f"{where}: {problem}")
    try:
        return EnrichedDocument.from_dict(data)
    except KeyError as exc:
        raise InputError(f"{where}: missing field {exc.args[0]!r}") from None
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise InputError(f"{where}: invalid value ({exc})") from None


def _decoded(lines: Iterable[bytes], name: str, report: ImportReport) -> Iterator[tuple[int, str]]:
    """Numbered text lines of a file read as bytes; a line that is not UTF-8 is reported."""
    for lineno, raw in enumerate(lines, start=1):
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # a byte-order mark, as some editors write
        try:
            yield lineno, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            error = InputError(f"{name}:{lineno}: not UTF-8 text (byte 0x{raw[exc.start]:02x} "
                               f"at column {exc.start + 1})")
            logger.warning("%s", error)
            report.errors.append(error)


def read_jsonl(
    numbered: Iterable[tuple[int, str]], name: str, report: ImportReport
) -> Iterator[EnrichedDocument]:
    """Documents of numbered JSON lines; malformed lines are logged into `report` and skipped."""
    for lineno, line in numbered:
        if not line.strip():
            continue
        try:
            doc = parse_line(line, name, lineno)
        except InputError as exc:
            logger.warning("%s", exc)
            report.errors.append(exc)
            continue
        report.ids.add(doc.doc.id)
        yield doc


def import_jsonl_report(store: Store, path_or_stream: str | Path | IO[str]) -> ImportReport:
    """Import a JSON Lines export; good lines are stored even when others are malformed.

    `imported` counts distinct documents: a file carrying one id twice stores it once (the
    last line wins).
    """
    report = ImportReport()
    if isinstance(path_or_stream, str | Path):
        path = Path(path_or_stream)
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        with stream:
            store.import_documents(read_jsonl(_decoded(stream, str(path), report), str(path), report))
    else:
        name = getattr(path_or_stream, "name", "<stdin>")
        store.import_documents(read_jsonl(enumerate(path_or_stream, start=1), str(name), report))
    report.imported = len(report.ids)
    return report


def import_jsonl(store: Store, path_or_stream: str | Path | IO[str]) -> int:
    """Import a JSON Lines export and return how many distinct documents were stored.

    Malformed lines do not stop the import: the good lines are stored first, then
    `MalformedLines` (an InputError) names the first bad line, how many were bad and
    how many documents were imported.
    """
    report = import_jsonl_report(store, path_or_stream)
    if report.errors:
        raise MalformedLines(report.imported, report.errors)
    return report.imported
