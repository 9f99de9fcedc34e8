"""Log lines for scraped and dropped items that never print a whole raw page."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import logformatter
from scrapy.http import Response
from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


def _url(item: Any) -> str:
    doc = getattr(item, "doc", None)
    return str(getattr(doc, "url", "?"))


class QuietLogFormatter(logformatter.LogFormatter):
    """Like Scrapy's, but items are named by URL and expected drops (duplicates) are debug-level."""

    def scraped(self, item: Any, response: Response | Failure | None, spider: Any) -> Any:
        return {"level": logging.DEBUG, "msg": "collected %(url)s", "args": {"url": _url(item)}}

    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Any
    ) -> Any:
        return {
            "level": logging.DEBUG,
            "msg": "not stored: %(reason)s",
            "args": {"reason": str(exception)},
        }
