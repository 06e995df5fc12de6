"""What a landing folder holds: compressed files read as what they hold (recognised by their first bytes, never by
their name), zip members as files of their own, sub-folders, and the operator's .supportkpi-ignore."""

from __future__ import annotations

import bz2
import gzip
import io
import zipfile
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.core import RAW_SCHEMA
from orchestration.ingestion.landing import IgnoreRules, LandingError, check_landing, landed_files
from orchestration.ingestion.runner import ingest_source
from orchestration.ingestion.surveys import SURVEYS
from orchestration.ingestion.telephony import TELEPHONY

from .conftest import TEST_PII_SALT, ingest, qualtrics_csv, response, write

# A rotated queue_log: the older day in queue_log.1 (compressed by logrotate), the newer in queue_log.
OLDER_LINES = (
    "1772532000|1772532000.1|support|NONE|ENTERQUEUE||5550101|1\n"
    "1772532012|1772532000.1|support|PJSIP/1001|CONNECT|12|1772532000.2|3\n"
    "1772532312|1772532000.1|support|PJSIP/1001|COMPLETECALLER|12|300|1\n"
)
NEWER_LINES = (
    "1772618400|1772618400.1|support|NONE|ENTERQUEUE||5550102|1\n1772618440|1772618400.1|support|NONE|ABANDON|1|1|40\n"
)


def _lines(connection) -> list[tuple[str, str]]:
    return connection.execute(
        f"select payload->>'callid', payload->>'event' from {RAW_SCHEMA}.asterisk_queue_log order by all"
    ).fetchall()


def _manifest(connection) -> list[tuple]:
    return connection.execute(
        f"select path, format, staged, quarantined, file_error from {RAW_SCHEMA}.ingested_files order by path"
    ).fetchall()


def test_gzip_queue_log_beside_a_plain_one_gives_the_lines_of_the_uncompressed_pair(connection, tmp_path) -> None:
    rotated = tmp_path / "rotated" / "telephony"
    write(rotated, "queue_log.1.gz", gzip.compress(OLDER_LINES.encode()))
    write(rotated, "queue_log", NEWER_LINES)
    plain = tmp_path / "plain" / "telephony"
    write(plain, "queue_log.1", OLDER_LINES)
    write(plain, "queue_log", NEWER_LINES)

    summary = ingest(connection, TELEPHONY, rotated)
    rotated_lines = _lines(connection)

    assert [(result.compression, result.staged) for result in summary.files] == [(None, 2), ("gzip", 3)]
    assert rotated_lines == [
        ("1772532000.1", "COMPLETECALLER"), ("1772532000.1", "CONNECT"), ("1772532000.1", "ENTERQUEUE"),
        ("1772618400.1", "ABANDON"), ("1772618400.1", "ENTERQUEUE"),
    ]  # fmt: skip
    with duckdb.connect() as other:
        ingest(other, TELEPHONY, plain)
        assert _lines(other) == rotated_lines


def test_compression_is_recognised_by_content_not_by_name(connection, tmp_path) -> None:
    folder = tmp_path / "telephony"
    write(folder, "calls-export", gzip.compress(OLDER_LINES.encode()))  # gzip without .gz
    write(folder, "looks-compressed.gz", NEWER_LINES)  # plain text named .gz
    write(folder, "older.bz2", bz2.compress(NEWER_LINES.encode()))

    ingest(connection, TELEPHONY, folder)

    assert _manifest(connection) == [
        (str(folder / "calls-export"), "asterisk_queue_log", 3, 0, None),
        (str(folder / "looks-compressed.gz"), "asterisk_queue_log", 2, 0, None),
        (str(folder / "older.bz2"), "asterisk_queue_log", 2, 0, None),
    ]


def test_a_zip_member_is_a_file_of_its_own(connection, tmp_path) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("Customer survey.csv", qualtrics_csv([response("R_1", nps="10"), response("R_2", nps="3")]))
        zipped.writestr("__MACOSX/._Customer survey.csv", b"\x00\x05\x16\x07")
        zipped.writestr("readme/", b"")
    folder = tmp_path / "surveys"
    path = write(folder, "export.zip", archive.getvalue())

    summary = ingest(connection, SURVEYS, folder)

    assert [(result.path, result.landed_name, result.compression) for result in summary.files] == [
        (f"{path}!Customer survey.csv", "export.zip!Customer survey.csv", "zip")
    ]
    assert _manifest(connection) == [(f"{path}!Customer survey.csv", "qualtrics_csv", 2, 0, None)]
    again = ingest_source(connection, SURVEYS, folder, pii_salt=TEST_PII_SALT)
    assert [result.skipped for result in again.files] == [True]


def test_corrupt_or_unsupported_compressed_files_are_rejected_whole(connection, tmp_path) -> None:
    folder = tmp_path / "telephony"
    write(folder, "cut.gz", gzip.compress(OLDER_LINES.encode())[:30])
    write(folder, "broken.zip", b"PK\x03\x04 this is not really an archive")
    write(folder, "new.zst", b"\x28\xb5\x2f\xfd" + b"\x00" * 20)
    write(folder, "queue_log", NEWER_LINES)  # the good file is read whatever the others

    ingest(connection, TELEPHONY, folder)
    errors = {Path(path).name: (staged, error) for path, _, staged, _, error in _manifest(connection)}

    assert errors["queue_log"] == (2, None)
    assert errors["cut.gz"][1].startswith("cannot decompress gzip")
    assert errors["broken.zip"][1].startswith("unreadable zip archive")
    assert errors["new.zst"][1] == "compressed as zstd, which is not read: re-compress it with gzip or zip"


def test_a_decompression_bomb_is_rejected_with_the_limit_named(connection, tmp_path) -> None:
    folder = tmp_path / "telephony"
    write(folder, "bomb.gz", gzip.compress(b"1772532000|x|q|NONE|ENTERQUEUE||1|1\n" * 1000))

    summary = ingest_source(connection, TELEPHONY, folder, pii_salt=TEST_PII_SALT, max_uncompressed_bytes=10_000)

    assert summary.files[0].file_error.startswith("decompresses to more than max_uncompressed_bytes (10,000 bytes)")
    assert summary.staged == 0


def test_files_in_sub_folders_are_ingested_and_hidden_or_partial_ones_are_not(connection, tmp_path) -> None:
    folder = tmp_path / "telephony"
    write(folder / "pbx-1" / "2026", "queue_log", OLDER_LINES)
    write(folder / ".snapshots", "queue_log", NEWER_LINES)
    write(folder, "queue_log.part", NEWER_LINES)
    write(folder, ".queue_log.swp", NEWER_LINES)

    assert [path.relative_to(folder).as_posix() for path in landed_files(folder)] == ["pbx-1/2026/queue_log"]
    summary = ingest(connection, TELEPHONY, folder)
    assert [result.landed_name for result in summary.files] == ["pbx-1/2026/queue_log"]


def test_ignore_rules() -> None:
    rules = IgnoreRules(("telephony/*.gz", "**/old.json", "draft.csv", "surveys/archive/", "surveys/x.zip!*.csv"))

    assert rules.matches("telephony/queue_log.1.gz") == "telephony/*.gz"
    assert rules.matches("telephony/pbx/queue_log.1.gz") is None  # * stays in one folder
    assert rules.matches("helpdesk/a/b/old.json") == "**/old.json"
    assert rules.matches("helpdesk/old.json") == "**/old.json"
    assert rules.matches("quality/2026/draft.csv") == "draft.csv"  # a bare name matches in any folder
    assert rules.matches("surveys/archive/2025/q1.csv") == "surveys/archive/"
    assert rules.matches("surveys/x.zip!nps.csv") == "surveys/x.zip!*.csv"
    assert rules.matches("surveys/x.zip!nps.json") is None


def test_ignore_file_is_read_with_comments(tmp_path) -> None:
    (tmp_path / ".supportkpi-ignore").write_text("# broken export\n\n  telephony/queue_log-2018*  \n#x\n")
    assert IgnoreRules.load(tmp_path).patterns == ("telephony/queue_log-2018*",)
    assert IgnoreRules.load(tmp_path / "nowhere").patterns == ()


def test_an_ignored_file_is_not_ingested_and_an_earlier_ingestion_of_it_is_removed(connection, tmp_path) -> None:
    folder = tmp_path / "telephony"
    write(folder, "queue_log", NEWER_LINES)
    write(folder, "queue_log.1", OLDER_LINES)
    ingest(connection, TELEPHONY, folder)
    assert len(_lines(connection)) == 5

    summary = ingest_source(
        connection, TELEPHONY, folder, pii_salt=TEST_PII_SALT, ignore=IgnoreRules(("telephony/queue_log.1",))
    )

    assert summary.ignored == ["telephony/queue_log.1"]
    assert [result.landed_name for result in summary.files] == ["queue_log"]
    assert _lines(connection) == [("1772618400.1", "ABANDON"), ("1772618400.1", "ENTERQUEUE")]
    assert [Path(row[0]).name for row in _manifest(connection)] == ["queue_log"]


def test_missing_or_empty_landing_folders_are_configuration_errors(tmp_path) -> None:
    with pytest.raises(LandingError, match="does not exist"):
        check_landing(tmp_path / "missing", ("helpdesk",))
    (tmp_path / "landing" / "helpdesk").mkdir(parents=True)
    with pytest.raises(LandingError, match="holds no export"):
        check_landing(tmp_path / "landing", ("helpdesk",))
    write(tmp_path / "landing" / "helpdesk" / "2026", "tickets.json", '{"tickets": []}')
    check_landing(tmp_path / "landing", ("helpdesk",))
