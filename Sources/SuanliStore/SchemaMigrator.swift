/// Named, ordered schema migrations, each applied once and recorded, after GRDB's
/// `DatabaseMigrator`: register migrations in order; ``migrate(_:)`` applies those not yet
/// recorded, each in its own transaction together with its record. A database that records a
/// migration this build does not know was written by a newer build, and opening it fails.
public struct SchemaMigrator: Sendable {
    /// The registered migrations, in order.
    public private(set) var migrations: [SchemaMigration] = []

    /// An empty migrator.
    public init() {}

    /// The registered names, in order.
    public var names: [String] { migrations.map(\.name) }

    /// Registers a migration after those already registered.
    public mutating func registerMigration(_ name: String, migrate: @escaping @Sendable (any SchemaDatabase) throws -> Void) {
        migrations.append(SchemaMigration(name, migrate: migrate))
    }

    /// Registers a migration after those already registered.
    public mutating func register(_ migration: SchemaMigration) {
        migrations.append(migration)
    }

    /// Checks that names are non-empty and unique.
    public func validate() throws(StoreError) {
        var seen: Set<String> = []
        for name in names {
            guard !name.isEmpty else { throw StoreError("a schema migration has an empty name") }
            guard seen.insert(name).inserted else { throw StoreError("schema migration '\(name)' is registered twice") }
        }
    }

    /// The registered migrations not in `applied`, in order. Throws when `applied` holds names
    /// this build does not know.
    public func pending(applied: Set<String>) throws(StoreError) -> [SchemaMigration] {
        let unknown = applied.subtracting(names)
        guard unknown.isEmpty else {
            throw StoreError(
                "the database records schema migrations this build does not know: \(unknown.sorted().joined(separator: ", ")); "
                    + "it was written by a newer suanli (or one with more features registered): upgrade suanli")
        }
        return migrations.filter { !applied.contains($0.name) }
    }

    /// Applies the pending migrations, each in its own transaction with its record; returns their names.
    @discardableResult
    public func migrate(_ db: some MigratableDatabase) throws -> [String] {
        try validate()
        let pending = try pending(applied: try db.appliedMigrationNames())
        for migration in pending {
            do {
                try db.inTransaction {
                    try migration.migrate(db)
                    try db.recordMigration(migration.name)
                }
            } catch {
                throw StoreError("schema migration '\(migration.name)' failed: \(error)")
            }
        }
        return pending.map(\.name)
    }
}
