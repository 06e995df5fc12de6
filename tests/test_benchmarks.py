"""The benchmark's pure helpers (benchmarks/): the ratio table, the night's file diff and the cut of a landing at a
day, on hand-worked values (no generation, no pipeline: `make test-fast` runs these)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from benchmarks.landings import GeneratorArgs, cut_csv, cut_page, cut_queue_log, new_or_changed, pick_late_tickets
from benchmarks.run import Measurement, ratio_table, ratios


def test_ratios_and_table() -> None:
    measured = {
        "scan": Measurement(2.0, 100.0, 0, 10),
        "pandas": Measurement(30.0, 512.0, 0, 8),
        "full": Measurement(60.0, 1024.0, 0, 10),
        "nightly": Measurement(15.0, 2048.0, 0, 1),
        "late": Measurement(0.0, 1.0, 0, 1),
    }
    assert ratios(measured) == {
        "full/scan": 30.0,
        "nightly/full": 0.25,
        "late/full": 0.0,
        "pandas/full": 0.5,
        "pandas/nightly": 2.0,
    }
    assert ratios({"late": Measurement(1.0, 1.0, 0), "full": Measurement(0.0, 1.0, 0)}) == {}
    table = ratio_table("S", measured, "today")
    assert "| pandas/nightly | 2.00 |" in table
    assert "| nightly | 15.0 | 2.00 | 1 |" in table  # 2048 MB = 2 GiB


def test_new_or_changed(tmp_path: Path) -> None:
    base, later = tmp_path / "base", tmp_path / "later"
    for folder, files in ((base, {"a": "1", "b": "2", "gone": "x"}), (later, {"a": "1", "b": "3", "s/new": "4"})):
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
    assert new_or_changed(base, later) == ["b", "s/new"]


def test_cut_at_a_day() -> None:
    cutoff = GeneratorArgs(1, 4, 7, date(1970, 1, 2)).cutoff
    assert cutoff == 86400
    page = json.dumps({"tickets": [{"id": 1, "generated_timestamp": 10}, {"id": 2, "generated_timestamp": 86400}]})
    assert json.loads(cut_page(page, cutoff))["tickets"] == [{"id": 1, "generated_timestamp": 10}]
    assert cut_page(page, 86401) == page  # all before: the very same text
    assert cut_page(page, 5) is None
    log = "86399|1.1|q|NONE|ENTERQUEUE||1|1\ngarbage line\n86400|1.1|q|NONE|ABANDON|1|1|1\n"
    assert cut_queue_log(log, cutoff) == "86399|1.1|q|NONE|ENTERQUEUE||1|1\ngarbage line\n"
    csv = "id,reviewed_at\nr1,1970-01-01T23:59:59Z\nr2,1970-01-02T00:00:00Z\n"
    assert cut_csv(csv, cutoff, "reviewed_at", 1) == "id,reviewed_at\nr1,1970-01-01T23:59:59Z\n"


def test_pick_late_tickets() -> None:
    versions = [
        {"id": 3, "status": "solved", "generated_timestamp": 50},
        {"id": 3, "status": "closed", "generated_timestamp": 500},  # first solved at 50: picked, as closed
        {"id": 1, "status": "solved", "generated_timestamp": 60},
        {"id": 2, "status": "solved", "generated_timestamp": 10},  # solved before the window
        {"id": 4, "status": "open", "generated_timestamp": 70},
    ]
    picked = pick_late_tickets(versions, since=40, until=100, limit=5)
    assert [(t["id"], t["status"]) for t in picked] == [(1, "solved"), (3, "closed")]
    assert [t["id"] for t in pick_late_tickets(versions, 40, 100, limit=1)] == [1]
