import Foundation
import Logging
import PostgresNIO
import SuanliCore

/// The cluster's two tables in the platform's PostgreSQL database: the leader lease
/// (`suanli_leader`, one row) and the instances' heartbeats (`suanli_instances`).
///
/// ```sql
/// suanli_leader(singleton BOOLEAN PRIMARY KEY CHECK (singleton), instance_id TEXT, url TEXT,
///               generation BIGINT, expires_at TIMESTAMPTZ)
/// suanli_instances(id TEXT PRIMARY KEY, url TEXT, started_at TIMESTAMPTZ, last_seen_at TIMESTAMPTZ)
/// ```
///
/// Every time is the database's (`now()`), so the instances' clocks never need to agree.
public struct ClusterDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Uses `client` (its `run()` must be running).
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Creates the tables if missing (under an advisory lock, so instances starting together do
    /// not race on the catalogue).
    public func prepare() async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7365736142)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS suanli_leader(
                    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
                    instance_id TEXT NOT NULL, url TEXT NOT NULL,
                    generation BIGINT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)
                """, logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS suanli_instances(
                    id TEXT PRIMARY KEY, url TEXT NOT NULL,
                    started_at TIMESTAMPTZ NOT NULL, last_seen_at TIMESTAMPTZ NOT NULL)
                """, logger: logger)
        }
    }

    /// One lease attempt: renews the lease `instance` holds under `generation`, or takes the
    /// lease if it has expired (or never existed) with the next generation; otherwise reports
    /// who holds it. One statement, so two instances never both take it.
    public func attempt(instance: String, url: String, generation: Int64?, lease: Double) async throws -> LeaderLease.Outcome {
        let held = generation ?? -1
        let rows = try await client.query(
            """
            INSERT INTO suanli_leader AS l (singleton, instance_id, url, generation, expires_at)
            VALUES (TRUE, \(instance), \(url), 1, now() + make_interval(secs => \(lease)))
            ON CONFLICT (singleton) DO UPDATE SET
                instance_id = EXCLUDED.instance_id, url = EXCLUDED.url, expires_at = EXCLUDED.expires_at,
                generation = CASE WHEN l.instance_id = EXCLUDED.instance_id AND l.generation = \(held)
                                  THEN l.generation ELSE l.generation + 1 END
            WHERE (l.instance_id = EXCLUDED.instance_id AND l.generation = \(held)) OR l.expires_at < now()
            RETURNING generation
            """, logger: logger)
        for try await generation in rows.decode(Int64.self) {
            return .held(generation: generation)
        }
        let current = try await client.query(
            "SELECT instance_id, url, generation FROM suanli_leader WHERE singleton", logger: logger)
        for try await (holder, holderURL, generation) in current.decode((String, String, Int64).self) {
            return .heldByOther(instance: holder, url: holderURL, generation: generation)
        }
        return .failed
    }

    /// Ends the lease `instance` holds under `generation` now, so a standby takes over at its
    /// next attempt instead of waiting for the expiry (graceful shutdown).
    public func release(instance: String, generation: Int64) async throws {
        try await client.query(
            "UPDATE suanli_leader SET expires_at = now() - interval '1 millisecond' WHERE instance_id = \(instance) AND generation = \(generation)",
            logger: logger)
    }

    /// Records that `instance` is alive (inserted at its first heartbeat).
    public func heartbeat(instance: String, url: String, startedAt: Date) async throws {
        try await client.query(
            """
            INSERT INTO suanli_instances(id, url, started_at, last_seen_at) VALUES (\(instance), \(url), \(startedAt), now())
            ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, last_seen_at = now()
            """, logger: logger)
    }

    /// Removes `instance` (graceful shutdown) and instances not seen for `forgetAfter` seconds.
    public func forget(instance: String? = nil, forgetAfter: Double = 3600) async throws {
        try await client.query(
            "DELETE FROM suanli_instances WHERE id = \(instance ?? "") OR last_seen_at < now() - make_interval(secs => \(forgetAfter))",
            logger: logger)
    }

    /// The instances seen in the last hour, oldest first, with the one holding an unexpired lease marked.
    public func instances() async throws -> [PlatformInstance] {
        let rows = try await client.query(
            """
            SELECT i.id, i.url, COALESCE(l.instance_id = i.id AND l.expires_at > now(), FALSE), i.started_at, i.last_seen_at
            FROM suanli_instances i LEFT JOIN suanli_leader l ON l.singleton
            WHERE i.last_seen_at > now() - interval '1 hour'
            ORDER BY i.started_at, i.id
            """, logger: logger)
        var result: [PlatformInstance] = []
        for try await (id, url, leader, startedAt, lastSeenAt) in rows.decode((String, String, Bool, Date, Date).self) {
            result.append(PlatformInstance(id: id, url: url, leader: leader, startedAt: startedAt, lastSeenAt: lastSeenAt))
        }
        return result
    }

    /// The fencing check, run first in every transaction of a leader's store: the lease row must
    /// still name `instance` with `generation`, unexpired. `FOR SHARE` holds the row until the
    /// transaction ends, so a standby's takeover (an update of that row) waits for the
    /// transaction to commit, and a transaction that starts after a takeover finds no row and
    /// fails: a deposed leader can never write.
    ///
    /// A leader frozen in the middle of a transaction (a stopped process, a paused VM) would hold
    /// that lock and so block every takeover; `idle_in_transaction_session_timeout` (the lease)
    /// makes PostgreSQL abort such a transaction, so a takeover waits at most one more lease.
    public static func fence(
        instance: String, generation: Int64, lease: Double, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let idleLimit = max(100, Int(lease * 1000))
        try await connection.query(
            PostgresQuery(unsafeSQL: "SET LOCAL idle_in_transaction_session_timeout = \(idleLimit)"), logger: logger)
        let rows = try await connection.query(
            """
            SELECT generation FROM suanli_leader
            WHERE singleton AND instance_id = \(instance) AND generation = \(generation) AND expires_at > now()
            FOR SHARE
            """, logger: logger)
        for try await _ in rows { return }
        throw LeaseLostError(generation: generation)
    }
}

/// A write refused because this instance no longer holds the leader lease it was opened under.
public struct LeaseLostError: Error, Sendable, CustomStringConvertible {
    /// The generation this instance led.
    public var generation: Int64

    /// What happened, for logs and the 503 message.
    public var description: String {
        "this instance no longer holds the leader lease (generation \(generation)); another instance leads the platform"
    }
}
