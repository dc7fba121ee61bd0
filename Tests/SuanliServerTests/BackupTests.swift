import Foundation
import Logging
import SuanliClient
import SuanliCore
import SuanliServer
import SuanliStore
import Synchronization
import Testing

/// `suanli backup` / `suanli restore`: an online backup taken while writes go on holds every
/// write acknowledged before it began, and restores into a platform that serves them.
@Suite struct BackupTests {
    @Test func backupUnderWriteLoadKeepsEveryAcknowledgedWrite() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let backupFile = TestPlatform.temporaryDirectory() + "/platform.backup"
        let restored = TestPlatform.temporaryDirectory() + "/restored"
        let load = WriteLoad()
        // A small file beside the database (as the operator token and keys are) travels along.
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("key material\n".utf8).write(to: URL(fileURLWithPath: directory + "/platform-key"))
        let summary = try await TestPlatform.with(directory: directory) { t in
            let (prefix, provider) = try await t.provider()
            return try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        var i = 0
                        while !load.stop.load(ordering: .relaxed) {
                            let id = "\(prefix)/w\(writer)-\(i)"
                            _ = try await provider.putResource(id, gpuSpec())
                            let now = ContinuousClock.now
                            load.acknowledged.withLock { $0.append((id, now)) }
                            i += 1
                        }
                    }
                }
                // Let the load build up, then back up while it goes on.
                while load.acknowledged.withLock({ $0.count }) < 200 { try await Task.sleep(for: .milliseconds(10)) }
                let summary = try await ExternalTools.detached {
                    load.began.withLock { $0 = .now }
                    return try SQLiteBackup.backup(dataDirectory: directory, to: backupFile)
                }
                // Keep writing a little after the backup, then stop.
                let after = load.acknowledged.withLock { $0.count }
                while load.acknowledged.withLock({ $0.count }) < after + 50 { try await Task.sleep(for: .milliseconds(10)) }
                load.stop.store(true, ordering: .relaxed)
                try await group.waitForAll()
                return summary
            }
        }
        #expect(summary.files == ["platform-key"])
        let start = try #require(load.began.withLock { $0 })
        let before = load.acknowledged.withLock { $0.filter { $0.1 < start }.map(\.0) }
        let total = load.acknowledged.withLock { $0.count }
        #expect(before.count >= 200)
        #expect(total > before.count, "writes went on during and after the backup")

        let restoredSummary = try SQLiteBackup.restore(from: backupFile, into: restored)
        #expect(restoredSummary.files == ["platform-key"])
        #expect((try? String(contentsOfFile: restored + "/platform-key", encoding: .utf8)) == "key material\n")
        // The restored platform serves every write acknowledged before the backup began.
        try await TestPlatform.with(directory: restored) { t in
            let records = try await t.anonymous.resolve(batch: before)
            let missing = zip(before, records).filter { $0.1 == nil }.map(\.0)
            #expect(missing.isEmpty, "acknowledged before the backup but missing: \(missing.prefix(5))")
            // It accepts new writes.
            let (prefix, provider) = try await t.provider("after-restore")
            _ = try await provider.putResource("\(prefix)/new", gpuSpec())
        }
    }

    @Test func restoreRefusesWhatItCannotTrust() async throws {
        let directory = TestPlatform.temporaryDirectory()
        try await TestPlatform.with(directory: directory) { t in _ = try await t.provider() }
        let backupFile = TestPlatform.temporaryDirectory() + "/b.backup"
        _ = try SQLiteBackup.backup(dataDirectory: directory, to: backupFile)
        #expect(!FileManager.default.fileExists(atPath: backupFile + ".partial"))

        // Into a directory that already holds a platform: refused, nothing changed.
        let error1 = #expect(throws: StoreError.self) { try SQLiteBackup.restore(from: backupFile, into: directory) }
        #expect(error1?.message.contains("already holds a platform database") == true)
        // A file that is not a backup, a missing file, a damaged one.
        let other = TestPlatform.temporaryDirectory()
        let notBackup = other + "/plain.txt"
        try Data("hello, not SQLite".utf8).write(to: URL(fileURLWithPath: notBackup))
        let error2 = #expect(throws: StoreError.self) { try SQLiteBackup.restore(from: notBackup, into: other + "/a") }
        #expect(error2?.message.contains("not a Suanli backup") == true)
        let error3 = #expect(throws: StoreError.self) { try SQLiteBackup.restore(from: other + "/missing", into: other + "/b") }
        #expect(error3?.message.contains("no backup file") == true)
        // A plain platform database (not made by `suanli backup`).
        let error4 = #expect(throws: StoreError.self) {
            try SQLiteBackup.restore(from: directory + "/suanli.sqlite", into: other + "/c")
        }
        #expect(error4?.message.contains("not a Suanli backup") == true)
        #expect(!FileManager.default.fileExists(atPath: other + "/c/suanli.sqlite"))
        // Backing up a directory without a platform.
        let error5 = #expect(throws: StoreError.self) { try SQLiteBackup.backup(dataDirectory: other, to: other + "/x") }
        #expect(error5?.message.contains("no platform database") == true)
    }
}

/// Writes acknowledged under load, shared by the writers and the test.
private final class WriteLoad: Sendable {
    /// Acknowledged resource identifiers, each with the instant its acknowledgement arrived.
    let acknowledged = Mutex<[(String, ContinuousClock.Instant)]>([])
    /// When the backup began.
    let began = Mutex<ContinuousClock.Instant?>(nil)
    /// Set to stop the writers.
    let stop = Atomic(false)
}
