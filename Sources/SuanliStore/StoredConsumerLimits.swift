import Foundation
import SuanliCore

/// A consumer's budget and unit quotas as the operator set them (`PUT /v1/consumers/{id}/budget`
/// and `…/quotas`), keyed by consumer id.
public struct StoredConsumerLimits: StoreRecord, Hashable {
    public var consumer: String
    /// The budget in fen; nil: none.
    public var budgetFen: Int64?
    /// Units per kind; kinds not named have no quota.
    public var quotas: [ResourceKind: Int]
    public var updatedAt: Date

    /// Creates a record.
    public init(consumer: String, budgetFen: Int64?, quotas: [ResourceKind: Int], updatedAt: Date) {
        self.consumer = consumer
        self.budgetFen = budgetFen
        self.quotas = quotas
        self.updatedAt = updatedAt
    }

    public static let table = RecordTable(
        name: "consumer_limits", columns: ["consumer", "budget_fen", "quotas", "updated_at"], key: ["consumer"])

    public static let migrations = [
        SchemaMigration("consumer_limits.create") { db in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS consumer_limits(
                  consumer TEXT PRIMARY KEY, budget_fen INTEGER, quotas TEXT NOT NULL, updated_at REAL NOT NULL
                )
                """)
        }
    ]

    public var columnValues: [StoreValue] {
        let quotaJSON = (try? JSONEncoder().encode(QuotaUpdate(quotas).json)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return [.text(consumer), budgetFen.map { .integer($0) } ?? .null, .text(quotaJSON), .date(updatedAt)]
    }

    public init(row: StoreRow) throws {
        let consumer = try row.text(0)
        var budget: Int64? = nil
        if case .null = row[1] {} else { budget = try row.integer(1) }
        let json = try row.decode([String: Int].self, 2)
        let quotas: QuotaUpdate
        do { quotas = try QuotaUpdate(json: json) } catch {
            throw RecordDecodingError(table: Self.table.name, key: consumer, column: "quotas", reason: error.message)
        }
        self.init(consumer: consumer, budgetFen: budget, quotas: quotas.quotas, updatedAt: try row.date(3))
    }
}
