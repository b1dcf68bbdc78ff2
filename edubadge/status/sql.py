"""The status store in SQL, shared by the SQLite and PostgreSQL backends.

Allocation takes the next positions of a list's stored random permutation: one write
transaction (serialised per list spec) bumps the list's counter, reads the permutation slice
and records the allocations, so an index is handed out once or not at all, whatever
process dies where. Backends supply connections, transactions and a few dialect details.
"""

from __future__ import annotations

import json
import os
import threading
from abc import abstractmethod
from array import array
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ..errors import StatusChangeError, StatusStoreError
from .bitstring import Bitstring
from .store import (
    Allocation,
    AuditEntry,
    ListSpec,
    Publication,
    StatusChange,
    StatusCounts,
    StatusList,
    StatusStore,
    check_change,
    now_iso,
)

SCHEMA_VERSION = "1"


def random_permutation(length: int) -> bytes:
    """A uniformly random permutation of range(length), as big-endian uint32s."""
    keys = array("Q", os.urandom(8 * length))  # sorting by random keys: a uniform shuffle
    order = array("I", sorted(range(length), key=keys.__getitem__))
    if order.itemsize != 4:  # pragma: no cover - every platform CPython runs on has 32-bit I
        raise StatusStoreError("this platform has no 32-bit unsigned array type")
    if array("I", [1]).tobytes()[0] == 1:
        order.byteswap()
    return order.tobytes()


def _indexes(blob: bytes) -> list[int]:
    values = array("I")
    values.frombytes(bytes(blob))
    if array("I", [1]).tobytes()[0] == 1:
        values.byteswap()
    return values.tolist()


class SqlStatusStore(StatusStore):
    """The store's logic in SQL; subclasses provide the connection and the dialect."""

    blob_type = "BLOB"
    id_type = "INTEGER PRIMARY KEY"  # a list id the database assigns

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.RLock()
        self._pid = -1
        self._conn: Any = None
        with self._lock:
            self._connection()
            self._create_schema()

    # --- what a backend provides -------------------------------------------------------

    @abstractmethod
    def _connect(self) -> Any:
        """A new connection."""

    @abstractmethod
    def _write(self, lock: str | None = None) -> AbstractContextManager[Any]:
        """A write transaction (serialised with others holding the same `lock`): a cursor."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Any]:
        """A read transaction: a cursor."""

    @abstractmethod
    def _stream(self, sql: str, params: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        """Rows of a query, fetched in batches (never all at once)."""

    @abstractmethod
    def _insert_allocations(self, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        """Insert (list_id, idx, credential_id, allocated_at) rows."""

    def q(self, sql: str) -> str:
        """The SQL in this backend's parameter style (`?` is the portable one)."""
        return sql

    slice_sql = "SELECT substr(permutation, ?, ?) FROM status_lists WHERE id = ?"
    for_update = ""

    # --- connection ----------------------------------------------------------------------

    def _connection(self) -> Any:
        if self._pid != os.getpid():  # a forked child opens its own connection
            self._conn = self._connect()
            self._pid = os.getpid()
        return self._conn

    def _create_schema(self) -> None:
        with self._write("schema") as cur:
            for statement in self._schema():
                cur.execute(statement)
            cur.execute(self.q("SELECT value FROM status_meta WHERE key = 'schema'"))
            row = cur.fetchone()
            if row is None:
                cur.execute(
                    self.q("INSERT INTO status_meta (key, value) VALUES ('schema', ?)"),
                    (SCHEMA_VERSION,),
                )
            elif row[0] != SCHEMA_VERSION:
                raise StatusStoreError(
                    f"{self.url} holds status schema {row[0]}; this edubadge reads {SCHEMA_VERSION}"
                )

    def _schema(self) -> list[str]:
        return [
            "CREATE TABLE IF NOT EXISTS status_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            f"""CREATE TABLE IF NOT EXISTS status_lists (
                id {self.id_type},
                spec_key TEXT NOT NULL,
                spec TEXT NOT NULL,
                issuer TEXT NOT NULL,
                length INTEGER NOT NULL,
                used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= length),
                permutation {self.blob_type} NOT NULL,
                created_at TEXT NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS status_lists_spec ON status_lists (spec_key, id)",
            """CREATE TABLE IF NOT EXISTS status_allocations (
                list_id INTEGER NOT NULL REFERENCES status_lists (id),
                idx INTEGER NOT NULL,
                credential_id TEXT,
                allocated_at TEXT NOT NULL,
                PRIMARY KEY (list_id, idx))""",
            "CREATE INDEX IF NOT EXISTS status_allocations_credential"
            " ON status_allocations (credential_id)",
            """CREATE TABLE IF NOT EXISTS status_values (
                list_id INTEGER NOT NULL,
                idx INTEGER NOT NULL,
                purpose TEXT NOT NULL,
                value INTEGER NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (list_id, purpose, idx),
                FOREIGN KEY (list_id, idx) REFERENCES status_allocations (list_id, idx))""",
            f"""CREATE TABLE IF NOT EXISTS status_audit (
                id {self.id_type},
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                list_id INTEGER NOT NULL,
                idx INTEGER,
                purpose TEXT,
                old_value INTEGER,
                new_value INTEGER,
                reason TEXT,
                credential_id TEXT)""",
            "CREATE INDEX IF NOT EXISTS status_audit_entry ON status_audit (list_id, idx)",
            """CREATE TABLE IF NOT EXISTS status_publications (
                list_id INTEGER NOT NULL,
                purpose TEXT NOT NULL,
                bits_sha256 TEXT NOT NULL,
                document TEXT NOT NULL,
                valid_until TEXT,
                published_at TEXT NOT NULL,
                PRIMARY KEY (list_id, purpose))""",
        ]

    # --- allocation ----------------------------------------------------------------------

    def allocate_many(
        self, spec: ListSpec, count: int, credential_ids: Sequence[str | None] | None = None
    ) -> list[Allocation]:
        if count < 0:
            raise StatusStoreError(f"cannot allocate {count} indexes")
        ids = list(credential_ids) if credential_ids is not None else [None] * count
        if len(ids) != count:
            raise StatusStoreError(f"{len(ids)} credential ids for {count} indexes")
        if not count:
            return []
        allocations: list[Allocation] = []
        with self._lock, self._write(spec.key) as cur:
            stamp = now_iso()
            while len(allocations) < count:
                list_id, used = self._open_list(cur, spec, stamp)
                take = min(count - len(allocations), spec.length - used)
                cur.execute(self.q(self.slice_sql), (used * 4 + 1, take * 4, list_id))
                indexes = _indexes(cur.fetchone()[0])
                cur.execute(
                    self.q("UPDATE status_lists SET used = ? WHERE id = ? AND used = ?"),
                    (used + take, list_id, used),
                )
                if cur.rowcount != 1:  # pragma: no cover - the write lock makes this impossible
                    raise StatusStoreError(f"list {list_id} changed during allocation")
                first = len(allocations)
                rows = [(list_id, index, ids[first + n], stamp) for n, index in enumerate(indexes)]
                self._insert_allocations(cur, rows)
                allocations += [Allocation(list_id, i, spec, c) for _, i, c, _ in rows]
        return allocations

    def _open_list(self, cur: Any, spec: ListSpec, stamp: str) -> tuple[int, int]:
        cur.execute(
            self.q(
                "SELECT id, used FROM status_lists WHERE spec_key = ? AND used < length"
                " ORDER BY id LIMIT 1"
            ),
            (spec.key,),
        )
        row = cur.fetchone()
        if row is not None:
            return int(row[0]), int(row[1])
        spec_json = json.dumps(spec.to_json(), sort_keys=True)
        cur.execute(
            self.q(
                "INSERT INTO status_lists (spec_key, spec, issuer, length, used, permutation,"
                " created_at) VALUES (?, ?, ?, ?, 0, ?, ?) RETURNING id"
            ),
            (spec.key, spec_json, spec.issuer, spec.length, random_permutation(spec.length), stamp),
        )
        return int(cur.fetchone()[0]), 0

    # --- reading -------------------------------------------------------------------------

    _LIST_COLUMNS = "id, spec, used, created_at"

    @staticmethod
    def _list(row: Sequence[Any]) -> StatusList:
        return StatusList(int(row[0]), ListSpec.from_json(json.loads(row[1])), int(row[2]), row[3])

    def lists(self, issuer: str | None = None) -> list[StatusList]:
        sql = f"SELECT {self._LIST_COLUMNS} FROM status_lists"
        params: tuple[Any, ...] = ()
        if issuer is not None:
            sql, params = sql + " WHERE issuer = ?", (issuer,)
        with self._lock, self._read() as cur:
            cur.execute(self.q(sql + " ORDER BY id"), params)
            return [self._list(row) for row in cur.fetchall()]

    def get_list(self, list_id: int) -> StatusList:
        with self._lock, self._read() as cur:
            cur.execute(
                self.q(f"SELECT {self._LIST_COLUMNS} FROM status_lists WHERE id = ?"), (list_id,)
            )
            row = cur.fetchone()
        if row is None:
            raise StatusChangeError(f"there is no status list {list_id} in {self.url}")
        return self._list(row)

    _ALLOCATION_SQL = (
        "SELECT a.list_id, a.idx, l.spec, a.credential_id FROM status_allocations a"
        " JOIN status_lists l ON l.id = a.list_id"
    )

    @staticmethod
    def _allocation(row: Sequence[Any]) -> Allocation:
        spec = ListSpec.from_json(json.loads(row[2]))
        return Allocation(int(row[0]), int(row[1]), spec, row[3])

    def find(self, credential_id: str) -> list[Allocation]:
        with self._lock, self._read() as cur:
            cur.execute(
                self.q(self._ALLOCATION_SQL + " WHERE a.credential_id = ? ORDER BY a.list_id"),
                (credential_id,),
            )
            return [self._allocation(row) for row in cur.fetchall()]

    def allocation(self, list_id: int, index: int) -> Allocation | None:
        with self._lock, self._read() as cur:
            cur.execute(
                self.q(self._ALLOCATION_SQL + " WHERE a.list_id = ? AND a.idx = ?"),
                (list_id, index),
            )
            row = cur.fetchone()
        return None if row is None else self._allocation(row)

    def values(self, list_id: int, index: int) -> dict[str, int]:
        allocation = self.allocation(list_id, index)
        if allocation is None:
            raise StatusChangeError(f"index {index} of list {list_id} was never handed out")
        found = {p.purpose: 0 for p in allocation.spec.purposes}
        with self._lock, self._read() as cur:
            cur.execute(
                self.q("SELECT purpose, value FROM status_values WHERE list_id = ? AND idx = ?"),
                (list_id, index),
            )
            found.update({purpose: int(value) for purpose, value in cur.fetchall()})
        return found

    def bitstring(self, list_id: int, purpose: str) -> Bitstring:
        spec = self.get_list(list_id).spec
        size = spec.purpose(purpose).size
        bits = Bitstring.zeros(spec.length, size)
        with self._lock:
            rows = self._stream(
                self.q(
                    "SELECT idx, value FROM status_values"
                    " WHERE list_id = ? AND purpose = ? AND value <> 0"
                ),
                (list_id, purpose),
            )
            for index, value in rows:
                bits.set(index, value, size)
        return bits

    def counts(self, list_id: int, purpose: str) -> StatusCounts:
        with self._lock, self._read() as cur:
            cur.execute(
                self.q(
                    "SELECT value, count(*) FROM status_values"
                    " WHERE list_id = ? AND purpose = ? AND value <> 0 GROUP BY value"
                ),
                (list_id, purpose),
            )
            counts = {int(value): int(n) for value, n in cur.fetchall()}
        return StatusCounts(list_id, purpose, counts)

    # --- changes -------------------------------------------------------------------------

    def change(
        self, changes: Sequence[StatusChange], *, actor: str, reason: str | None = None
    ) -> list[AuditEntry]:
        if not actor:
            raise StatusChangeError("a status change needs an actor (who made it)")
        entries: list[AuditEntry] = []
        with self._lock, self._write() as cur:
            stamp = now_iso()
            for change in changes:
                where = " WHERE a.list_id = ? AND a.idx = ?" + self.for_update
                cur.execute(self.q(self._ALLOCATION_SQL + where), (change.list_id, change.index))
                row = cur.fetchone()
                if row is None:
                    raise StatusChangeError(
                        f"index {change.index} of list {change.list_id} was never handed out"
                    )
                allocation = self._allocation(row)
                cur.execute(
                    self.q(
                        "SELECT value FROM status_values"
                        " WHERE list_id = ? AND purpose = ? AND idx = ?"
                    ),
                    (change.list_id, change.purpose, change.index),
                )
                found = cur.fetchone()
                old = int(found[0]) if found else 0
                check_change(allocation.spec, change, old)
                if old == change.value:
                    continue
                cur.execute(
                    self.q(
                        "INSERT INTO status_values (list_id, idx, purpose, value, updated_at)"
                        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (list_id, purpose, idx)"
                        " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
                    ),
                    (change.list_id, change.index, change.purpose, change.value, stamp),
                )
                entry = AuditEntry(
                    stamp,
                    actor,
                    change.action,
                    change.list_id,
                    change.index,
                    change.purpose,
                    old,
                    change.value,
                    reason,
                    allocation.credential_id,
                )
                self._insert_audit(cur, entry)
                entries.append(entry)
        return entries

    def _insert_audit(self, cur: Any, entry: AuditEntry) -> None:
        cur.execute(
            self.q(
                "INSERT INTO status_audit (at, actor, action, list_id, idx, purpose, old_value,"
                " new_value, reason, credential_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            (
                entry.at,
                entry.actor,
                entry.action,
                entry.list_id,
                entry.index,
                entry.purpose,
                entry.old_value,
                entry.new_value,
                entry.reason,
                entry.credential_id,
            ),
        )

    def audit(self, list_id: int | None = None, index: int | None = None) -> list[AuditEntry]:
        sql = (
            "SELECT at, actor, action, list_id, idx, purpose, old_value, new_value, reason,"
            " credential_id FROM status_audit"
        )
        where, params = [], []
        if list_id is not None:
            where.append("list_id = ?")
            params.append(list_id)
        if index is not None:
            where.append("idx = ?")
            params.append(index)
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._lock, self._read() as cur:
            cur.execute(self.q(sql + " ORDER BY id"), params)
            return [AuditEntry(*row) for row in cur.fetchall()]

    # --- publications --------------------------------------------------------------------

    def publication(self, list_id: int, purpose: str) -> Publication | None:
        with self._lock, self._read() as cur:
            cur.execute(
                self.q(
                    "SELECT list_id, purpose, bits_sha256, document, valid_until, published_at"
                    " FROM status_publications WHERE list_id = ? AND purpose = ?"
                ),
                (list_id, purpose),
            )
            row = cur.fetchone()
        return None if row is None else Publication(*row)

    def save_publication(self, publication: Publication, *, actor: str) -> None:
        p = publication
        with self._lock, self._write() as cur:
            cur.execute(
                self.q(
                    "INSERT INTO status_publications (list_id, purpose, bits_sha256, document,"
                    " valid_until, published_at) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (list_id, purpose) DO UPDATE SET"
                    " bits_sha256 = excluded.bits_sha256, document = excluded.document,"
                    " valid_until = excluded.valid_until, published_at = excluded.published_at"
                ),
                (p.list_id, p.purpose, p.bits_sha256, p.document, p.valid_until, p.published_at),
            )
            self._insert_audit(
                cur,
                AuditEntry(p.published_at, actor, "publish", p.list_id, purpose=p.purpose),
            )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None
            self._pid = -1
