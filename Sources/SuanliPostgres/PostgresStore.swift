import Logging
import PostgresNIO
import SuanliCore
import SuanliStore

/// The PostgreSQL store: the platform's records in one PostgreSQL database (or schema), for
/// several instances sharing one platform.
public final class PostgresStore: SuanliStore, Sendable {
    /// The record types and migrations the store was opened with.
    public let schema: StoreSchema

    /// A store for `schema` (not yet connected).
    public init(schema: StoreSchema = .core) {
        self.schema = schema
    }

    public func forEach<R: StoreRecord>(_ type: R.Type, _ body: @escaping @Sendable (R) throws -> Void) async throws {
        throw StoreError("PostgresStore is not implemented yet")
    }

    public func load<R: StoreRecord>(_ type: R.Type) async throws -> [R] {
        throw StoreError("PostgresStore is not implemented yet")
    }

    public func apply(_ mutations: [StoreMutation]) async throws {
        throw StoreError("PostgresStore is not implemented yet")
    }

    public func close() async {}
}
