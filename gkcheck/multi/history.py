"""Results history: every batch run recorded in an embedded SQLite database.

Tables: runs, units, reports (file hash, year, score, status), findings (with fingerprints and review
decisions). The schema is versioned (`PRAGMA user_version`) and migrates forward step by step on open.
Concurrent runs on one database are safe: WAL journal, a busy timeout, one short transaction per report.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from gkcheck.causes import cause_text
from gkcheck.errors import GkError
from gkcheck.outdir import errno_text

DEFAULT_NAME = ".gkcheck-history.sqlite"  # hidden, beside the .gkcheck-manifest of the output folder
BUSY_TIMEOUT_S = 60

# Each step brings the schema from version i to i + 1; never edit a released step, add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, tool_version TEXT, profile TEXT,
        files INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE units (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT);
    CREATE TABLE reports (
        id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), unit_id INTEGER REFERENCES units(id),
        file TEXT NOT NULL, sha256 TEXT, year INTEGER, score REAL, status TEXT NOT NULL,
        errors INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0, infos INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id), fingerprint TEXT NOT NULL,
        rule TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, cells TEXT NOT NULL DEFAULT '[]');
    CREATE INDEX reports_unit_year ON reports(unit_id, year);
    CREATE INDEX findings_report ON findings(report_id);
    """,
    """
    ALTER TABLE findings ADD COLUMN decision TEXT;
    ALTER TABLE findings ADD COLUMN reason TEXT;
    CREATE INDEX findings_fingerprint ON findings(fingerprint);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(GkError):
    """The history database cannot be opened or written."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database; WAL journal for concurrent runs."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL: a commit survives a crash of gkcheck without an fsync each
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise HistoryError(f"无法打开结果历史数据库（{cause_text(exc)}）", str(path)) from exc
    except OSError as exc:
        raise HistoryError(f"无法创建结果历史数据库（{errno_text(exc)}）", str(path)) from exc
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the missing migration steps, each in its own transaction; returns the resulting version."""
    while True:
        conn.execute("BEGIN IMMEDIATE")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            conn.execute("ROLLBACK")
            raise sqlite3.DatabaseError(f"数据库版本 {version} 比本程序支持的 {SCHEMA_VERSION} 新，请升级 gkcheck")
        if version == SCHEMA_VERSION:
            conn.execute("COMMIT")
            return version
        try:
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@dataclass
class Recorder:
    """One batch run being recorded."""

    conn: sqlite3.Connection
    run_id: int
    path: Path

    def report(self, result: dict[str, Any], status: str = "checked") -> int:
        """Record one report (or a missing/unreadable row) with its findings, in one transaction; its row id."""
        try:
            with _transaction(self.conn):
                report_id = self.conn.execute(
                    "INSERT INTO reports(run_id, file, status) VALUES (?, ?, ?)",
                    (self.run_id, str(result.get("file") or ""), status)).lastrowid
                self._fill(int(report_id or 0), result, status)
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"无法写入结果历史数据库（{cause_text(exc)}）", str(self.path)) from exc
        return int(report_id or 0)

    def replace(self, report_id: int, result: dict[str, Any], status: str = "checked") -> None:
        """Record a report again (after the checks across reports), in one transaction."""
        try:
            with _transaction(self.conn):
                self.conn.execute("DELETE FROM findings WHERE report_id = ?", (report_id,))
                self._fill(report_id, result, status)
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"无法写入结果历史数据库（{cause_text(exc)}）", str(self.path)) from exc

    def _fill(self, report_id: int, result: dict[str, Any], status: str) -> None:
        unit = result.get("unit") or {}
        doc = result.get("document") or {}
        summary = result.get("summary") or {}
        unit_id = None
        if unit.get("name"):
            self.conn.execute("INSERT INTO units(name, kind) VALUES (?, ?) ON CONFLICT(name) DO NOTHING",
                              (unit["name"], unit.get("kind")))
            unit_id = self.conn.execute("SELECT id FROM units WHERE name = ?", (unit["name"],)).fetchone()[0]
        self.conn.execute(
            "UPDATE reports SET unit_id = ?, sha256 = ?, year = ?, score = ?, status = ?, errors = ?, warnings = ?,"
            " infos = ? WHERE id = ?",
            (unit_id, result.get("sha256"), doc.get("year"), (result.get("score") or {}).get("total"), status,
             summary.get("error", 0), summary.get("warning", 0), summary.get("info", 0), report_id))
        rows = [(report_id, f.get("fingerprint") or "", f["rule"], f["severity"], f["message"],
                 json.dumps(f.get("cells") or []), (f.get("decision") or {}).get("status"),
                 (f.get("decision") or {}).get("reason"))
                for f in (result.get("findings") or []) + (result.get("dismissed") or [])]
        self.conn.executemany(
            "INSERT INTO findings(report_id, fingerprint, rule, severity, message, cells, decision, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def finish(self, files: int) -> None:
        with _transaction(self.conn):
            self.conn.execute("UPDATE runs SET finished = ?, files = ? WHERE id = ?", (_now(), files, self.run_id))
        self.conn.close()


def start_run(path: Path, profile: str = "", tool_version: str = "") -> Recorder:
    conn = connect(path)
    with _transaction(conn):
        run_id = conn.execute("INSERT INTO runs(started, tool_version, profile) VALUES (?, ?, ?)",
                              (_now(), tool_version, profile)).lastrowid
    return Recorder(conn, int(run_id or 0), path)


# --------------------------------------------------------------------------- reading it back


def unit_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM units ORDER BY name")]


def unit_history(conn: sqlite3.Connection, unit: str) -> list[dict[str, Any]]:
    """One row per recorded report of a unit: run, date, year, file, score, open findings (not dismissed)."""
    rows = conn.execute(
        """SELECT r.id, r.run_id, runs.started, r.year, r.file, r.score, r.status,
                  (SELECT COUNT(*) FROM findings f WHERE f.report_id = r.id
                     AND COALESCE(f.decision, '') != 'dismissed' AND f.severity != 'info')
           FROM reports r JOIN runs ON runs.id = r.run_id JOIN units u ON u.id = r.unit_id
           WHERE u.name = ? ORDER BY r.year, r.run_id, r.id""", (unit,)).fetchall()
    return [{"report_id": r[0], "run": r[1], "date": r[2], "year": r[3], "file": r[4], "score": r[5],
             "status": r[6], "open": r[7]} for r in rows]


def open_findings(conn: sqlite3.Connection, report_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT fingerprint, rule, severity, message, decision FROM findings WHERE report_id = ? "
        "AND COALESCE(decision, '') != 'dismissed' ORDER BY CASE severity WHEN 'error' THEN 0 "
        "WHEN 'warning' THEN 1 ELSE 2 END, id", (report_id,)).fetchall()
    return [{"fingerprint": r[0], "rule": r[1], "severity": r[2], "message": r[3], "decision": r[4]} for r in rows]


def latest_per_year(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The most recent recorded report of each year."""
    latest: dict[Any, dict[str, Any]] = {}
    for row in history:
        latest[row["year"]] = row
    return [latest[y] for y in sorted(latest, key=lambda y: (y is None, y or 0))]
