/// The SQL dialect a migration runs against.
public enum StoreDialect: String, Sendable, Hashable {
    /// SQLite 3 (``SQLiteStore``).
    case sqlite
    /// PostgreSQL (`PostgresStore` in SuanliPostgres; SQLite's `INTEGER`, `REAL`, `BLOB` and `WITHOUT ROWID` are translated).
    case postgresql
}

/// The database handle a migration receives: it runs inside the migration's transaction.
public protocol SchemaDatabase {
    /// The dialect to write SQL in; a migration meant for several backends switches on it.
    var dialect: StoreDialect { get }
    /// Runs one or more SQL statements without results.
    func execute(_ sql: String) throws
}

/// What ``SchemaMigrator`` needs from a backend to apply migrations: the names already
/// applied, a transaction, and a place to record a name (`schema_migrations` in SQLite).
public protocol MigratableDatabase: SchemaDatabase {
    /// The names recorded as applied, in any order.
    func appliedMigrationNames() throws -> Set<String>
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func inTransaction(_ body: () throws -> Void) throws
    /// Records `name` as applied (inside the current transaction).
    func recordMigration(_ name: String) throws
}
