"""Daily API pulls: the records of one UTC day, cut into pages of at most `page_size`, one file a page."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..times import DAY

Record = dict[str, Any]
# (the day's records on this page, page number from 1, pages that day, records that day) -> the file's content
PageBody = Callable[[list[Record], int, int, int], Any]


def dump_json(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


class DailyPages:
    """Records arrive in time order; when a later day starts, the earlier day's pages are written as
    `<prefix>_<YYYY-MM-DD>_<n>.json`, as a pull of everything updated that day writes them."""

    def __init__(self, directory: Path, prefix: str, page_size: int, body: PageBody) -> None:
        self._directory = directory
        self._prefix = prefix
        self._page_size = page_size
        self._body = body
        self._day: int | None = None
        self._records: list[Record] = []
        self.records = 0
        self.pages = 0

    def add(self, epoch: int, record: Record) -> None:
        day = epoch // DAY
        if self._day is not None and day != self._day:
            self._flush()
        self._day = day
        self._records.append(record)

    def _flush(self) -> None:
        records, self._records = self._records, []
        if not records or self._day is None:
            return
        date = time.strftime("%Y-%m-%d", time.gmtime(self._day * DAY))
        size = self._page_size
        total_pages = (len(records) + size - 1) // size
        for number in range(1, total_pages + 1):
            page = records[(number - 1) * size : number * size]
            path = self._directory / f"{self._prefix}_{date}_{number}.json"
            path.write_text(dump_json(self._body(page, number, total_pages, len(records))), encoding="utf-8")
            self.pages += 1
        self.records += len(records)

    def close(self) -> None:
        self._flush()
