#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// The records of the jobs a process executor runs, for ``ProcessExecutor/recover()`` after
/// the agent restarts: one append-only file in the state directory (`process-journal`), a line
/// `S <job JSON>` when a job starts and `E <key JSON>` when the executor is done with it.
///
/// A job costs two short appends, where a file per job cost a create, a rename and an unlink
/// (and ext4 scans recently freed inodes at every later create). Each line is one `write` on a
/// descriptor opened with `O_APPEND`, so lines from concurrent jobs never interleave; a line cut
/// short by a crash is skipped when read. When ended jobs outnumber running ones by far, the
/// file is rewritten with the running ones only (written beside it, then renamed over it).
final class JobJournal: Sendable {
    /// The journal's path.
    let path: String
    private let directory: String
    private let state: Mutex<State>

    private struct State {
        var fd: Int32 = -1
        /// The start line of every job not ended, by key.
        var live: [JobKey: [UInt8]] = [:]
        /// Lines in the file.
        var lines = 0
    }

    /// Rewrite the file when it has more lines than this and than ``compactionFactor`` × the running jobs.
    static let compactionLines = 1024
    static let compactionFactor = 4
    /// The journal's file name in the state directory.
    static let fileName = "process-journal"

    /// Opens the journal in `directory` (created when first written), reading what an earlier agent left.
    init(directory: String) {
        self.directory = directory
        self.path = directory + "/" + Self.fileName
        var state = State()
        for entry in Self.entries(at: path) {
            state.lines += 1
            switch entry {
            case .started(let job, let line): state.live[job.key] = line
            case .ended(let key): state.live[key] = nil
            }
        }
        self.state = Mutex(state)
    }

    /// The jobs started and not ended, oldest first.
    var running: [RunningJob] {
        let decoder = JSONDecoder()
        return state.withLock { Array($0.live.values) }.compactMap { line in
            try? decoder.decode(RunningJob.self, from: Data(line.dropFirst(2).dropLast()))
        }.sorted { $0.startedAt < $1.startedAt }
    }

    /// Records that `job` started.
    func started(_ job: RunningJob) throws {
        let line = Array("S ".utf8) + (try JSONEncoder().encode(job)) + [UInt8(ascii: "\n")]
        try state.withLock { state in
            try append(line, in: &state)
            state.live[job.key] = line
        }
    }

    /// Records that the executor is done with job `key` (a no-op for a job never recorded).
    func ended(_ key: JobKey) throws {
        try state.withLock { state in
            guard state.live.removeValue(forKey: key) != nil else { return }
            try append(Array("E ".utf8) + (try JSONEncoder().encode(key)) + [UInt8(ascii: "\n")], in: &state)
            if state.lines > Self.compactionLines && state.lines > Self.compactionFactor * max(1, state.live.count) {
                try compact(&state)
            }
        }
    }

    private func append(_ line: [UInt8], in state: inout State) throws {
        if state.fd < 0 { state.fd = try open() }
        try Self.write(line, to: state.fd, path: path)
        state.lines += 1
    }

    /// Rewrites the file with the running jobs' lines only.
    private func compact(_ state: inout State) throws {
        let temporary = path + ".tmp"
        let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ExecutorError.system(operation: "open \(temporary)", errno: errno) }
        do {
            try Self.write(Array(state.live.values.joined()), to: fd, path: temporary)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ExecutorError.system(operation: "rename \(temporary)", errno: code)
        }
        if state.fd >= 0 { close(state.fd) }
        state.fd = -1
        state.lines = state.live.count
    }

    private func open() throws -> Int32 {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ExecutorError.system(operation: "open \(path)", errno: errno) }
        return fd
    }

    private static func write(_ bytes: [UInt8], to fd: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ExecutorError.system(operation: "write \(path)", errno: errno)
            }
            offset += n
        }
    }

    private enum Entry {
        case started(RunningJob, line: [UInt8])
        case ended(JobKey)
    }

    /// The file's complete, readable lines in order (a line cut short by a crash is left out).
    private static func entries(at path: String) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        var entries: [Entry] = []
        var start = data.startIndex
        while let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = data[start..<end]
            start = data.index(after: end)
            guard line.count > 2 else { continue }
            let body = Data(line.dropFirst(2))
            switch line.first {
            case UInt8(ascii: "S"):
                if let job = try? decoder.decode(RunningJob.self, from: body) { entries.append(.started(job, line: Array(line) + [10])) }
            case UInt8(ascii: "E"):
                if let key = try? decoder.decode(JobKey.self, from: body) { entries.append(.ended(key)) }
            default: continue
            }
        }
        return entries
    }
}
