import Foundation
import SuanliCore

/// The audit log: one row per audited request, read from storage (never loaded whole), pruned
/// by age. Indexed by time, token and owner.
extension AuditEntry: StoreRecord {
    public static let table = RecordTable(
        name: "audit", columns: ["seq", "at", "token", "role", "owner", "action", "target", "client", "status", "error"],
        key: ["seq"], orderBy: ["seq"])

    public static let migrations = [
        SchemaMigration("audit.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS audit(
                  seq INTEGER PRIMARY KEY, at REAL NOT NULL, token TEXT, role TEXT NOT NULL, owner TEXT,
                  action TEXT NOT NULL, target TEXT NOT NULL, client TEXT NOT NULL, status INTEGER NOT NULL, error TEXT
                );
                CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
                CREATE INDEX IF NOT EXISTS audit_token ON audit(token, seq);
                CREATE INDEX IF NOT EXISTS audit_owner ON audit(owner, seq)
                """)
        }
    ]

    public var columnValues: [StoreValue] {
        let targetJSON = (try? JSONSerialization.data(withJSONObject: target, options: [.sortedKeys])).map {
            String(decoding: $0, as: UTF8.self)
        }
        return [
            .integer(id), .date(at), .text(token), .text(role), .text(owner), .text(action), .text(targetJSON ?? "{}"),
            .text(from), .integer(status), .text(error),
        ]
    }

    public init(row: StoreRow) throws {
        self.init(
            id: try row.integer(0), at: try row.date(1), token: try row.optionalText(2), role: try row.text(3),
            owner: try row.optionalText(4), action: try row.text(5), target: try row.decode([String: String].self, 6),
            from: try row.text(7), status: try row.int(8), error: try row.optionalText(9))
    }
}
