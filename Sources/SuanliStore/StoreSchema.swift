import SuanliCore

/// The record types a store holds and the migrations that build their tables, in order.
/// A store is opened with a schema; a feature adds its record type with ``register(_:)``.
public struct StoreSchema: Sendable {
    /// The registered record types, in registration order.
    public private(set) var recordTypes: [any StoreRecord.Type] = []
    /// Every migration: each record type's, and standalone ones, in registration order.
    public private(set) var migrator = SchemaMigrator()

    /// An empty schema.
    public init() {}

    /// The platform's records: settings, providers, resources with live state, measured
    /// latencies, consumers, tasks, tokens, auditors, the audit log and delegated child platforms.
    public static var core: StoreSchema {
        var schema = StoreSchema()
        schema.register(MetaRecord.self)
        schema.register(StoredProvider.self)
        schema.register(StoredResourceRecord.self)
        schema.register(LatencyOverride.self)
        schema.register(StoredConsumer.self)
        schema.register(StoredTask.self)
        schema.register(StoredToken.self)
        schema.register(StoredAuditor.self)
        schema.register(AuditEntry.self)
        schema.register(StoredChildPlatform.self)
        schema.register(StoredQuote.self)
        schema.register(StoredConsumerLimits.self)
        schema.register(StoredFederatedTask.self)
        schema.register(StoredUsageStatement.self)
        return schema
    }

    /// Adds a record type and, after those already registered, its migrations.
    public mutating func register<R: StoreRecord>(_ type: R.Type) {
        recordTypes.append(type)
        for migration in type.migrations { migrator.register(migration) }
    }

    /// Adds a migration that belongs to no single record type (e.g. a data backfill across tables).
    public mutating func registerMigration(_ name: String, migrate: @escaping @Sendable (any SchemaDatabase) throws -> Void) {
        migrator.registerMigration(name, migrate: migrate)
    }

    /// The table of each record type, by name.
    public var tables: [String: RecordTable] {
        Dictionary(recordTypes.map { ($0.table.name, $0.table) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether `type` is registered.
    public func contains<R: StoreRecord>(_ type: R.Type) -> Bool {
        recordTypes.contains { ObjectIdentifier($0) == ObjectIdentifier(type) }
    }

    /// Checks tables (names, keys, no table twice) and migrations (unique names).
    public func validate() throws(StoreError) {
        var names: Set<String> = []
        for type in recordTypes {
            try type.table.validate()
            guard names.insert(type.table.name).inserted else {
                throw StoreError("two record types use the table '\(type.table.name)'")
            }
        }
        try migrator.validate()
    }
}
