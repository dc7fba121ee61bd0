import Foundation
import SuanliCore
import SuanliStore

/// `GET /v1/audit`'s filters and page.
public struct AuditQuery: Sendable, Hashable {
    /// Entries at or after this time.
    public var since: Date?
    /// Entries before this time.
    public var until: Date?
    /// A token id, an owner (`c1`, `86.1.7`, `a1`, `operator`) or a role (`provider`, `anonymous`, …).
    public var actor: String?
    /// An exact action, e.g. `POST /v1/tasks`.
    public var action: String?
    /// 1–1000.
    public var limit: Int
    /// The `next_cursor` of the previous page: entries older than it.
    public var cursor: String?

    /// Creates a query.
    public init(since: Date? = nil, until: Date? = nil, actor: String? = nil, action: String? = nil, limit: Int = 100, cursor: String? = nil) {
        self.since = since
        self.until = until
        self.actor = actor
        self.action = action
        self.limit = limit
        self.cursor = cursor
    }
}

extension Platform {
    /// A new entry for a request (numbered now; time and result are set when it is written).
    func auditEntry(token: String?, role: String, owner: String?, action: String, target: [String: String], from: String)
        -> AuditEntry
    {
        AuditEntry(
            id: audit.nextID(), at: clock(), token: token, role: role, owner: owner, action: action, target: target, from: from,
            status: audit.expectedStatus(for: action), error: nil)
    }

    /// Makes `entry` durable with the request's result and returns once it is: if `scope` put it
    /// into the batch of the request's write, waits for that batch and corrects the status if the
    /// answer differs; otherwise writes it now. A failure to store it is logged (the request's
    /// own write, if any, is durable already).
    func completeAudit(_ entry: AuditEntry, scope: AuditScope?, status: Int, error: String?) async {
        audit.learn(entry.action, status: status)
        do {
            if let (written, ticket) = scope?.attached, (try? await committer.waitDurable(ticket)) != nil {
                guard written.status != status || written.error != error else { return }
                try await persistAside([
                    .update(AuditEntry.self, key: [.integer(written.id)], set: ["status": .integer(status), "error": .text(error)])
                ])
                return
            }
            var entry = entry
            entry.at = clock()
            entry.status = status
            entry.error = error
            try await persistAside([.put(entry)])
        } catch {
            logger.error(
                "audit entry not stored", metadata: ["action": "\(entry.action)", "status": "\(status)", "error": "\(error.message)"])
        }
    }

    /// A page of the audit log, newest first; the operator and auditors.
    public func auditEntries(_ query: AuditQuery, by principal: Principal) async throws(SuanliError) -> Page<AuditEntry> {
        try requireOverseer(principal)
        guard (1...1000).contains(query.limit) else {
            throw SuanliError(.badRequest, "limit must be between 1 and 1000", field: "limit")
        }
        var conditions: [StoreQuery.Condition] = []
        if let cursor = query.cursor {
            guard let before = Int64(cursor), before > 0 else {
                throw SuanliError(.badRequest, "cursor '\(Validation.excerpt(cursor, maxCharacters: 40))' is not one this server issued", field: "cursor")
            }
            conditions.append(.compare("seq", .less, .integer(before)))
        }
        if let since = query.since { conditions.append(.compare("at", .greaterOrEqual, .date(since))) }
        if let until = query.until { conditions.append(.compare("at", .less, .date(until))) }
        if let actor = query.actor {
            conditions.append(
                .any([.compare("token", .equal, .text(actor)), .compare("owner", .equal, .text(actor)), .compare("role", .equal, .text(actor))]))
        }
        if let action = query.action { conditions.append(.compare("action", .equal, .text(action))) }
        let rows: [AuditEntry]
        do {
            rows = try await store.select(
                AuditEntry.self, StoreQuery(conditions, order: [.init("seq", descending: true)], limit: query.limit + 1))
        } catch {
            throw SuanliError(.unavailable, "the audit log cannot be read now (\(error)); retry")
        }
        let items = Array(rows.prefix(query.limit))
        return Page(items: items, nextCursor: rows.count > query.limit ? items.last.map { String($0.id) } : nil)
    }

    /// Deletes audit entries older than the retention (``PlatformConfiguration/auditRetentionDays``,
    /// by the platform's clock), in slices of `slice` rows, each its own transaction.
    public func pruneAudit(slice: Int = 10_000) async throws(SuanliError) {
        let days = configuration.auditRetentionDays
        guard days > 0 else { return }
        let cutoff = clock().addingTimeInterval(-Double(days) * 86_400)
        let old = StoreQuery([.compare("at", .less, .date(cutoff))], order: [.init("seq")], limit: slice)
        while true {
            let remaining: [AuditEntry]
            do {
                remaining = try await store.select(AuditEntry.self, StoreQuery(old.conditions, order: old.order, limit: 1))
            } catch {
                throw SuanliError(.unavailable, "the audit log cannot be read now (\(error))")
            }
            guard !remaining.isEmpty else { return }
            try await persistAside([.deleteMatching(AuditEntry.self, old)])
        }
    }
}
