import ArgumentParser
import Foundation
import SuanliPostgres
import SuanliStore

/// `suanli backup`: an online backup of a platform's data directory while it serves.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Back up a platform's database and data files while it serves (SQLite online backup).",
        discussion: """
            Copies the platform database in --data (one consistent snapshot holding every write \
            acknowledged before the backup began) and the small files beside it (the operator token) \
            into one file. Task logs (DATA/logs) are not included. Restore with 'suanli restore'. \
            For a platform on PostgreSQL use pg_dump (docs/operations.md).
            """)

    @Option(help: "The backup file to write (replaced if it exists).")
    var to: String

    @Option(help: "The platform's data directory.")
    var data = "./suanli-data"

    // No default value: help would print it, and the URL may hold a password.
    @Option(name: .customLong("database"), help: "The platform's PostgreSQL URL, if it has one (default: $SUANLI_DATABASE_URL): then use pg_dump.")
    var databaseOption: String?

    func run() throws {
        if let url = databaseOption ?? ProcessInfo.processInfo.environment["SUANLI_DATABASE_URL"], !url.isEmpty {
            fail(PostgresBackupAdvice.message(databaseURL: url))
        }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let summary = try SQLiteBackup.backup(dataDirectory: data, to: to)
            let rows = summary.rows.values.reduce(0, +)
            print(
                "Backed up \(data) to \(to): \(summary.databaseBytes) bytes, \(rows) rows in \(summary.rows.count) tables, "
                    + "files: \(summary.files.joined(separator: ", ")) in \(String(format: "%.2f", seconds(clock.now - start))) s")
        } catch {
            fail(error.message)
        }
    }
}

/// `suanli restore`: a backup into a new data directory.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a backup made by 'suanli backup' into a new data directory.",
        discussion: "The directory must hold no platform database. Then start the platform with 'suanli serve --data DIR'.")

    @Option(help: "The backup file.")
    var from: String

    @Option(help: "The data directory to create (must hold no platform database).")
    var data: String

    func run() throws {
        do {
            let summary = try SQLiteBackup.restore(from: from, into: data)
            let rows = summary.rows.values.reduce(0, +)
            print(
                "Restored \(from) into \(data): \(rows) rows in \(summary.rows.count) tables, files: "
                    + "\(summary.files.joined(separator: ", ")). Start it with: suanli serve --data \(data)")
        } catch {
            fail(error.message)
        }
    }
}

/// A duration in seconds.
private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
