"""Where subscribers, events and the delivery ledger live: SQLite (one file, WAL) by default,
PostgreSQL (through psycopg 3) for several instances of the service behind a load balancer.

The schema is versioned: :data:`MIGRATIONS` are applied in order, each once, in one
transaction, and ``schema_version`` records how far a database is.  Statements are written
once, with ``?`` placeholders and the few words the two dialects spell differently in
braces.  Each thread has its own connection (the web handlers' and the fan-out's).

The ledger is what makes delivery exactly once: a row per (event, subscriber) is committed
the moment the mail server accepted that subscriber's mail, and the fan-out only ever sends
to confirmed subscribers without a row; a restarted service carries on where it stopped.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DIALECT = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT"},
    "postgresql": {"id": "BIGSERIAL PRIMARY KEY"},
}
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE subscribers (
            id {id},
            kind TEXT NOT NULL,
            address TEXT NOT NULL UNIQUE,
            components TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL,
            created TEXT NOT NULL,
            confirmed TEXT
        )""",
        """CREATE TABLE events (
            id TEXT PRIMARY KEY,
            body TEXT NOT NULL,
            received TEXT NOT NULL,
            done TEXT,
            lease_owner TEXT,
            lease_until TEXT
        )""",
        """CREATE TABLE ledger (
            event TEXT NOT NULL,
            subscriber BIGINT NOT NULL,
            sent TEXT NOT NULL,
            PRIMARY KEY (event, subscriber)
        )""",
        "CREATE TABLE spent (nonce TEXT PRIMARY KEY, until TEXT NOT NULL)",
        """CREATE TABLE confirmations (
            address TEXT NOT NULL,
            day TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (address, day)
        )""",
    ),
)
PAGE = 500
"""Subscribers read per query during a fan-out: memory stays flat however many there are."""


class StoreError(Exception):
    """The database cannot be opened or used; the message says why, never a password."""


@dataclass(frozen=True)
class Subscriber:
    id: int
    kind: str
    """``email`` or ``webhook``."""
    address: str
    components: tuple[str, ...]
    """Empty: every component."""
    state: str
    """``pending`` until confirmed, then ``confirmed``."""


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _components(text: str) -> tuple[str, ...]:
    return tuple(c for c in text.split(",") if c)


class Store:
    """One database, reached from any thread."""

    def __init__(self, url: str) -> None:
        self.url = url
        scheme = urlsplit(url).scheme
        if scheme in ("postgresql", "postgres"):
            self.dialect = "postgresql"
        elif scheme in ("sqlite", ""):
            self.dialect = "sqlite"
            self.path = Path(url.removeprefix("sqlite://") if scheme else url)
        else:
            raise StoreError("--database is a file (SQLite) or a postgresql:// URL")
        self._local = threading.local()

    # -- connections --------------------------------------------------------------------------

    def _connect(self) -> Any:
        if self.dialect == "sqlite":
            try:
                conn = sqlite3.connect(self.path, timeout=30)
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open the SQLite database: {exc}") from None
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # durable across a crash of the service
            return conn
        try:
            import psycopg
        except ImportError:
            raise StoreError("PostgreSQL needs psycopg: pip install 'statusgen[postgresql]'") from None
        try:
            return psycopg.connect(self.url, connect_timeout=10)
        except psycopg.Error as exc:
            # psycopg's message names the host and user, never the password.
            raise StoreError(f"cannot connect to PostgreSQL: {' '.join(str(exc).split())}") from None

    @property
    def conn(self) -> Any:
        found = getattr(self._local, "conn", None)
        if found is None:
            found = self._local.conn = self._connect()
        return found

    def _sql(self, statement: str) -> str:
        statement = statement.format(**DIALECT[self.dialect])
        return statement.replace("?", "%s") if self.dialect == "postgresql" else statement

    def run(self, statement: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self._sql(statement), tuple(params))

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        found = getattr(self._local, "conn", None)
        if found is not None:
            found.close()
            self._local.conn = None

    # -- schema -------------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply the migrations the database lacks; the version it is at now."""
        if self.dialect == "postgresql":
            # Several instances may start together: one migrates, the others wait for it.
            self.run("SELECT pg_advisory_xact_lock(7263541)")
        else:
            self.conn.execute("BEGIN IMMEDIATE")
        self.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = self.run("SELECT MAX(version) FROM schema_version").fetchone()
        version = int(row[0] or 0)
        for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in statements:
                self.run(statement)
            self.run("INSERT INTO schema_version (version) VALUES (?)", (number,))
        self.commit()
        return len(MIGRATIONS)

    # -- subscribers --------------------------------------------------------------------------

    def subscribe(self, kind: str, address: str, components: Sequence[str], now: datetime) -> Subscriber:
        """The subscriber of ``address``, added as pending when new; a pending one takes the
        components asked now, a confirmed one keeps its own (changed only through a manage link)."""
        joined = ",".join(components)
        self.run("INSERT INTO subscribers (kind, address, components, state, created) "
                 "VALUES (?, ?, ?, 'pending', ?) ON CONFLICT (address) DO UPDATE SET "
                 "components = CASE WHEN subscribers.state = 'pending' THEN ? "
                 "ELSE subscribers.components END", (kind, address, joined, _stamp(now), joined))
        self.commit()
        found = self.by_address(address)
        assert found is not None
        return found

    def _subscriber(self, row: Any) -> Subscriber | None:
        if row is None:
            return None
        return Subscriber(int(row[0]), row[1], row[2], _components(row[3]), row[4])

    def by_address(self, address: str) -> Subscriber | None:
        return self._subscriber(self.run(
            "SELECT id, kind, address, components, state FROM subscribers WHERE address = ?",
            (address,)).fetchone())

    def by_id(self, subscriber: int) -> Subscriber | None:
        return self._subscriber(self.run(
            "SELECT id, kind, address, components, state FROM subscribers WHERE id = ?",
            (subscriber,)).fetchone())

    def confirm(self, subscriber: int, now: datetime) -> None:
        self.run("UPDATE subscribers SET state = 'confirmed', confirmed = ? WHERE id = ? "
                 "AND state = 'pending'", (_stamp(now), subscriber))
        self.commit()

    def set_components(self, subscriber: int, components: Sequence[str]) -> None:
        self.run("UPDATE subscribers SET components = ? WHERE id = ?", (",".join(components), subscriber))
        self.commit()

    def delete(self, subscriber: int) -> None:
        """Forget a subscriber, with the ledger rows that name them."""
        self.run("DELETE FROM ledger WHERE subscriber = ?", (subscriber,))
        self.run("DELETE FROM subscribers WHERE id = ?", (subscriber,))
        self.commit()

    def export(self, subscriber: int) -> dict[str, Any]:
        """Everything kept about one subscriber (a reader's request for their data)."""
        row = self.run("SELECT kind, address, components, state, created, confirmed "
                       "FROM subscribers WHERE id = ?", (subscriber,)).fetchone()
        sent = [{"event": e, "sent": s} for e, s in self.run(
            "SELECT event, sent FROM ledger WHERE subscriber = ? ORDER BY sent, event", (subscriber,))]
        keys = ("kind", "address", "components", "state", "created", "confirmed")
        found = dict(zip(keys, row, strict=True))
        found["components"] = list(_components(found["components"])) or "all"
        return {**found, "mails": sent}

    def add_confirmed(self, kind: str, address: str, components: Sequence[str], now: datetime) -> bool:
        """An imported subscriber, confirmed already (they confirmed with the old service);
        False when the address is here already."""
        cursor = self.run("INSERT INTO subscribers (kind, address, components, state, created, "
                          "confirmed) VALUES (?, ?, ?, 'confirmed', ?, ?) ON CONFLICT (address) "
                          "DO NOTHING", (kind, address, ",".join(components), _stamp(now), _stamp(now)))
        self.commit()
        return bool(cursor.rowcount)

    # -- abuse bounds and single-use links -----------------------------------------------------

    def confirmations_today(self, address: str, now: datetime) -> int:
        row = self.run("SELECT count FROM confirmations WHERE address = ? AND day = ?",
                       (address, now.astimezone(UTC).date().isoformat())).fetchone()
        return int(row[0]) if row else 0

    def count_confirmation(self, address: str, now: datetime) -> None:
        day = now.astimezone(UTC).date()
        self.run("INSERT INTO confirmations (address, day, count) VALUES (?, ?, 1) ON CONFLICT "
                 "(address, day) DO UPDATE SET count = confirmations.count + 1",
                 (address, day.isoformat()))
        self.run("DELETE FROM confirmations WHERE day < ?", ((day - timedelta(days=1)).isoformat(),))
        self.commit()

    def spend(self, nonce: str, until: datetime, now: datetime) -> bool:
        """Record a link as used; False when it was used before."""
        self.run("DELETE FROM spent WHERE until < ?", (_stamp(now),))
        cursor = self.run("INSERT INTO spent (nonce, until) VALUES (?, ?) ON CONFLICT (nonce) "
                          "DO NOTHING", (nonce, _stamp(until)))
        self.commit()
        return bool(cursor.rowcount)

    # -- events and the ledger ----------------------------------------------------------------

    def add_event(self, event_id: str, body: dict[str, Any], now: datetime) -> bool:
        """Keep an event to fan out; False when it was posted before (nothing changes)."""
        cursor = self.run("INSERT INTO events (id, body, received) VALUES (?, ?, ?) "
                          "ON CONFLICT (id) DO NOTHING", (event_id, json.dumps(body), _stamp(now)))
        self.commit()
        return bool(cursor.rowcount)

    def pending_events(self) -> list[tuple[str, dict[str, Any]]]:
        rows = self.run("SELECT id, body FROM events WHERE done IS NULL ORDER BY received, id").fetchall()
        return [(r[0], json.loads(r[1])) for r in rows]

    def lease(self, event_id: str, owner: str, now: datetime, length: timedelta) -> bool:
        """Take (or keep) the event's fan-out for ``length``: one instance fans out an event at a
        time; another takes it over only when the lease ran out (its holder stopped)."""
        cursor = self.run("UPDATE events SET lease_owner = ?, lease_until = ? WHERE id = ? AND "
                          "done IS NULL AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)",
                          (owner, _stamp(now + length), event_id, owner, _stamp(now)))
        self.commit()
        return bool(cursor.rowcount)

    def finish(self, event_id: str, now: datetime) -> None:
        self.run("UPDATE events SET done = ?, lease_owner = NULL WHERE id = ?", (_stamp(now), event_id))
        self.commit()

    def recipients(self, event_id: str) -> Iterator[Subscriber]:
        """The confirmed subscribers without a ledger row for the event, by id, a page at a time."""
        after = 0
        while True:
            rows = self.run(
                "SELECT s.id, s.kind, s.address, s.components, s.state FROM subscribers s "
                "WHERE s.state = 'confirmed' AND s.id > ? AND NOT EXISTS (SELECT 1 FROM ledger l "
                "WHERE l.event = ? AND l.subscriber = s.id) ORDER BY s.id LIMIT ?",
                (after, event_id, PAGE)).fetchall()
            self.commit()  # end the read transaction: PostgreSQL would hold it open
            for row in rows:
                found = self._subscriber(row)
                assert found is not None
                yield found
            if len(rows) < PAGE:
                return
            after = int(rows[-1][0])

    def record(self, event_id: str, subscriber: int, now: datetime) -> None:
        """The mail server accepted the event's mail to ``subscriber``: never send it again."""
        self.run("INSERT INTO ledger (event, subscriber, sent) VALUES (?, ?, ?) "
                 "ON CONFLICT (event, subscriber) DO NOTHING", (event_id, subscriber, _stamp(now)))
        self.commit()

    def sent(self, event_id: str) -> int:
        row = self.run("SELECT COUNT(*) FROM ledger WHERE event = ?", (event_id,)).fetchone()
        return int(row[0])
