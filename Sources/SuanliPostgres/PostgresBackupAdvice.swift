import SuanliStore

/// What `suanli backup` says for a platform on PostgreSQL: its backups are PostgreSQL's own.
public enum PostgresBackupAdvice {
    /// The message for `databaseURL` (the password is never repeated).
    public static func message(databaseURL: String) -> String {
        let target: String
        let command: String
        do {
            let configuration = try PostgresConfiguration(url: databaseURL)
            target = "PostgreSQL (\(configuration.redactedURL))"
            let schema = configuration.schema.map { " --schema=\($0)" } ?? ""
            command =
                "pg_dump --format=custom\(schema) --host=\(configuration.host) --port=\(configuration.port) "
                + "--username=\(configuration.username) --file=suanli.dump \(configuration.database)"
        } catch {
            target = "PostgreSQL (the database URL is not valid: \(error.message))"
            command = "pg_dump --format=custom --file=suanli.dump DATABASE"
        }
        return "this platform's records are in \(target), not in a SQLite file: 'suanli backup' copies SQLite only. "
            + "Back up the database with PostgreSQL's tools, e.g. \(command) (consistent while the platform serves; "
            + "restore with pg_restore), or continuous archiving for point-in-time recovery; see docs/operations.md, \"PostgreSQL\". "
            + "The data directory (--data: operator token, task logs) is backed up as files."
    }
}
