"""Publication dates as pages, feeds and APIs write them (ISO 8601, RFC 822), kept only when plausible."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

logger = logging.getLogger(__name__)

_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def parse_date(value: str | None) -> datetime | None:
    """Parse an ISO 8601 or RFC 822 date; None when absent, unparseable or implausible."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not value:
        return None
    dt: datetime | None = None
    iso = value.replace("Z", "+00:00").replace("z", "+00:00")
    if re.match(r"^\d{4}-\d{2}-\d{2} \d", iso):
        iso = iso.replace(" ", "T", 1)
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        try:
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            m = re.match(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$", value)
            if m:
                try:
                    dt = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    dt = None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    if dt < _EARLIEST or dt > datetime.now(UTC) + timedelta(days=2):
        return None
    return dt
