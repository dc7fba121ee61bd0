/// One named, permanent step of the schema: applied once, recorded by name.
public struct SchemaMigration: Sendable {
    /// The name, unique across every record type (convention: `table.step`, e.g. `tasks.create`).
    public let name: String
    let migrate: @Sendable (any SchemaDatabase) throws -> Void

    /// Creates a migration running `migrate` in its own transaction.
    public init(_ name: String, migrate: @escaping @Sendable (any SchemaDatabase) throws -> Void) {
        self.name = name
        self.migrate = migrate
    }

    /// Runs the migration's statements on `db` (a backend that applies migrations itself, such as PostgreSQL's).
    public func run(_ db: any SchemaDatabase) throws { try migrate(db) }
}
