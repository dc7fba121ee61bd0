import SuanliCore

/// A failure of durable storage. The platform answers the affected requests with 503.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String

    /// Creates a store error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Durable storage for the platform: records of registered ``StoreRecord`` types. Reads happen
/// once at start; afterwards the platform serves from memory and sends every change here, in
/// batches, before acknowledging it.
///
/// The contract is backend-neutral (``StoreValue``, ``RecordTable``, ``StoreMutation``):
/// ``SQLiteStore`` (embedded, the default); `PostgresStore` (module SuanliPostgres) for `serve --database`.
public protocol SuanliStore: Sendable {
    /// Calls `body` with every `R` record, in `R.table.orderBy` order. A row that does not decode
    /// stops the load with a ``RecordDecodingError`` naming it; `R` must be in the store's schema.
    func forEach<R: StoreRecord>(_ type: R.Type, _ body: @escaping @Sendable (R) throws -> Void) async throws
    /// Every `R` record, in `R.table.orderBy` order; see ``forEach(_:_:)``.
    func load<R: StoreRecord>(_ type: R.Type) async throws -> [R]
    /// Applies `mutations` in order, in one transaction (all or nothing); returns once they are durable.
    func apply(_ mutations: [StoreMutation]) async throws
    /// The `R` records that match `query`, in its order, at most its limit (for tables read
    /// from storage rather than memory, such as the audit log).
    func select<R: StoreRecord>(_ type: R.Type, _ query: StoreQuery) async throws -> [R]
    /// Releases the storage.
    func close() async
}

extension SuanliStore {
    /// Loads every record and filters in memory: correct for any backend; SQL backends
    /// answer with one indexed query instead.
    public func select<R: StoreRecord>(_ type: R.Type, _ query: StoreQuery) async throws -> [R] {
        try query.validate(for: R.table)
        let matching = try await load(type).filter { query.matches($0.columnValues, in: R.table) }
        return query.ordered(matching, in: R.table)
    }
}

// The platform's loads, named as before.
extension SuanliStore {
    /// All platform settings.
    public func loadMeta() async throws -> [String: String] {
        Dictionary(try await load(MetaRecord.self).map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// All providers.
    public func loadProviders() async throws -> [StoredProvider] { try await load(StoredProvider.self) }

    /// All operator-measured RTTs.
    public func loadLatency() async throws -> [LatencyOverride] { try await load(LatencyOverride.self) }

    /// All consumers.
    public func loadConsumers() async throws -> [StoredConsumer] { try await load(StoredConsumer.self) }

    /// All tasks, in submission (`seq`) order.
    public func loadTasks() async throws -> [StoredTask] { try await load(StoredTask.self) }

    /// Streams every resource with its live state, in registration (`seq`) order.
    public func forEachResource(_ body: @escaping @Sendable (StoredResource, StoredState) -> Void) async throws {
        try await forEach(StoredResourceRecord.self) { body($0.resource, $0.state) }
    }
}
