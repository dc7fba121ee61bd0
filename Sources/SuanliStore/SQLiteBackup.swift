import CSQLite
import Foundation

/// Online backup and restore of a platform's data directory: the SQLite database through
/// SQLite's online backup API, while the platform keeps serving, plus the small files beside
/// it (the operator token, keys), in one SQLite file.
///
/// The copy is one consistent snapshot: it holds every transaction committed before it began
/// (every write the platform acknowledged, since the platform acknowledges only committed
/// writes) and none that committed later. Task logs (`logs/`) are not included.
public enum SQLiteBackup {
    /// The database file's name in a data directory.
    public static let databaseName = "suanli.sqlite"
    /// The table in a backup file that holds its metadata and the data directory's files.
    static let filesTable = "suanli_backup_files"
    /// The largest data-directory file copied into a backup (larger ones are refused, not skipped).
    static let maxFileBytes = 1 << 20

    /// What a backup or a restore did.
    public struct Summary: Sendable, Hashable {
        /// Bytes of the database copied.
        public var databaseBytes: Int64
        /// Names of the data directory's files carried along.
        public var files: [String]
        /// Rows per table in the copy.
        public var rows: [String: Int64]
    }

    /// Copies the platform database in `dataDirectory` and its small files into `file`
    /// (written to `file.partial`, synced, then renamed: `file` is complete or absent).
    public static func backup(dataDirectory: String, to file: String) throws(StoreError) -> Summary {
        let source = (dataDirectory as NSString).appendingPathComponent(databaseName)
        guard FileManager.default.fileExists(atPath: source) else {
            throw StoreError("no platform database at \(source); pass the platform's --data directory")
        }
        let files = try dataFiles(in: dataDirectory)
        let partial = file + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do throws(StoreError) {
            let from = try SQLiteConnection(path: source, create: false)
            let to = try SQLiteConnection(path: partial)
            guard let backup = sqlite3_backup_init(to.handle, "main", from.handle, "main") else {
                throw StoreError("cannot start the backup into \(partial): \(to.lastError)")
            }
            // One step copies every page under one read transaction: a consistent snapshot.
            // The serving platform keeps writing meanwhile (WAL); a busy source is retried.
            var rc = sqlite3_backup_step(backup, -1)
            var retries = 0
            while rc == SQLITE_BUSY || rc == SQLITE_LOCKED, retries < 100 {
                usleep(50_000)
                retries += 1
                rc = sqlite3_backup_step(backup, -1)
            }
            let finish = sqlite3_backup_finish(backup)
            guard rc == SQLITE_DONE, finish == SQLITE_OK else {
                throw StoreError("the backup of \(source) failed: \(String(cString: sqlite3_errstr(rc)))")
            }
            try to.exec("PRAGMA journal_mode=DELETE")
            try to.exec("CREATE TABLE \(filesTable) (name TEXT PRIMARY KEY, content BLOB NOT NULL)")
            do {
                let insert = try to.statement("INSERT INTO \(filesTable) (name, content) VALUES (?, ?)")
                let meta = "format=1\ncreated_at=\(Date().timeIntervalSince1970)\nsource=\(source)\n"
                for (name, content) in [(".backup", Array(meta.utf8))] + files {
                    insert.reset()
                    insert.bind(1, name)
                    insert.bind(2, .blob(content))
                    try insert.run()
                }
            }
            let summary = Summary(
                databaseBytes: fileSize(partial), files: files.map(\.0).sorted(), rows: try rowCounts(to))
            to.close()
            from.close()
            try sync(path: partial)
            guard rename(partial, file) == 0 else {
                throw StoreError("cannot move the backup to \(file): \(String(cString: strerror(errno)))")
            }
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Restores `file` (made by ``backup(dataDirectory:to:)``) into `dataDirectory`, which must
    /// hold no platform database; the database is checked before it is put in place.
    public static func restore(from file: String, into dataDirectory: String) throws(StoreError) -> Summary {
        guard FileManager.default.fileExists(atPath: file) else { throw StoreError("no backup file at \(file)") }
        let target = (dataDirectory as NSString).appendingPathComponent(databaseName)
        guard !FileManager.default.fileExists(atPath: target) else {
            throw StoreError("\(dataDirectory) already holds a platform database; restore into a new or empty --data directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw StoreError("cannot create \(dataDirectory): \(error.localizedDescription)")
        }
        let partial = target + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do throws(StoreError) {
            do { try FileManager.default.copyItem(atPath: file, toPath: partial) } catch {
                throw StoreError("cannot copy \(file) into \(dataDirectory): \(error.localizedDescription)")
            }
            let db: SQLiteConnection
            do { db = try SQLiteConnection(path: partial, create: false) } catch {
                throw StoreError("\(file) is not a Suanli backup (\(error.message))")
            }
            var files: [(String, [UInt8])] = []
            // Statements live in this scope only, so that closing the connection below is immediate.
            do {
                let check: SQLiteStatement
                let stepped: Bool
                do {
                    check = try db.statement("PRAGMA quick_check")
                    stepped = try check.step()
                } catch {
                    throw StoreError("\(file) is not a Suanli backup (\(error.message))")
                }
                guard stepped, check.text(0) == "ok" else {
                    throw StoreError("\(file) is damaged (SQLite's check says: \(check.text(0))); use another backup")
                }
                check.reset()
                let has = try db.statement("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '\(filesTable)'")
                guard try has.step(), has.int(0) == 1 else {
                    throw StoreError("\(file) is not a Suanli backup (no \(filesTable) table); make one with 'suanli backup --to FILE'")
                }
                has.reset()
                let select = try db.statement("SELECT name, content FROM \(filesTable) WHERE name <> '.backup' ORDER BY name")
                while try select.step() {
                    guard case .blob(let content) = select.value(1) else { continue }
                    files.append((select.text(0), content))
                }
                select.reset()
            }
            try db.exec("DROP TABLE \(filesTable)")
            let rows = try rowCounts(db)
            db.close()
            for (name, content) in files {
                guard isPlainName(name) else { throw StoreError("\(file) names a file outside the data directory: \(name)") }
                let path = (dataDirectory as NSString).appendingPathComponent(name)
                guard FileManager.default.createFile(atPath: path, contents: Data(content), attributes: [.posixPermissions: 0o600]) else {
                    throw StoreError("cannot write \(path)")
                }
            }
            try sync(path: partial)
            guard rename(partial, target) == 0 else {
                throw StoreError("cannot move the database to \(target): \(String(cString: strerror(errno)))")
            }
            return Summary(databaseBytes: fileSize(target), files: files.map(\.0), rows: rows)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// The small regular files at the top of the data directory, other than the database's own.
    static func dataFiles(in directory: String) throws(StoreError) -> [(String, [UInt8])] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw StoreError("cannot read \(directory): \(error.localizedDescription)")
        }
        var files: [(String, [UInt8])] = []
        for name in names.sorted() where !name.hasPrefix(databaseName) && isPlainName(name) {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            guard let data = FileManager.default.contents(atPath: path) else { throw StoreError("cannot read \(path)") }
            guard data.count <= maxFileBytes else {
                throw StoreError("\(path) is larger than \(maxFileBytes) bytes; move it out of the data directory")
            }
            files.append((name, Array(data)))
        }
        return files
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.hasSuffix(".partial")
    }

    static func rowCounts(_ db: SQLiteConnection) throws(StoreError) -> [String: Int64] {
        var tables: [String] = []
        let list = try db.statement("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        while try list.step() { tables.append(list.text(0)) }
        list.reset()
        var rows: [String: Int64] = [:]
        for table in tables where table != filesTable {
            let count = try db.statement("SELECT count(*) FROM \"\(table)\"")
            _ = try count.step()
            rows[table] = count.int(0)
            count.reset()
        }
        return rows
    }

    static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// fsyncs `path` and its directory, so that a rename after it is durable.
    static func sync(path: String) throws(StoreError) {
        for target in [path, (path as NSString).deletingLastPathComponent] {
            let fd = open(target.isEmpty ? "." : target, O_RDONLY)
            guard fd >= 0 else { throw StoreError("cannot open \(target) to sync it: \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw StoreError("cannot sync \(target): \(String(cString: strerror(errno)))") }
        }
    }
}
