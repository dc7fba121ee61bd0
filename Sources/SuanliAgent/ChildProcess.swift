import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process its owner starts, talks to and stops: `suanli serve` under a test, the
/// platforms of `suanli up --federation`, the peers of a benchmark.
///
/// Spawned with `posix_spawn` and `posix_spawn_file_actions_addclosefrom_np` (like jobs, see
/// ``Spawner``), not Foundation's `Process`, whose `run()` lists `/proc/self/fd` with a buffer
/// over-read that crashes busy processes (swift-corelibs-foundation #5472). A reaper thread waits
/// for the child without reaping it first (`waitid` with `WNOWAIT`), so ``signal(_:)`` can never
/// reach a later process that got the same PID.
public final class ChildProcess: Sendable {
    /// Where the child's standard output or error goes.
    public enum Output: Sendable {
        /// `/dev/null`.
        case null
        /// A pipe the owner reads with ``readLine()`` / ``readToEnd()``.
        case pipe
        /// A file, created or truncated.
        case file(String)
        /// Standard error only: the same pipe or file as standard output.
        case sameAsStandardOutput
    }

    /// The child's process ID.
    public let pid: pid_t
    /// The read end of the output pipe (standard output, and standard error when merged), or -1.
    private let outputFD: Int32
    private let state = Mutex(State())
    private let ended = DispatchSemaphore(value: 0)

    private struct State {
        var status: ExitStatus?
        var buffered: [UInt8] = []
        var outputClosed = false
    }

    /// Starts `arguments` (`arguments[0]` is looked up on `PATH`) with `environment` (default:
    /// this process's), stdin from `/dev/null`.
    public init(
        _ arguments: [String], environment: [String: String]? = nil, workingDirectory: String? = nil,
        standardOutput: Output = .null, standardError: Output = .null, newProcessGroup: Bool = false
    ) throws {
        guard let program = arguments.first else { throw ExecutorError.invalidJob("empty command") }
        let env = environment ?? ProcessInfo.processInfo.environment
        guard let path = Spawner.resolve(program, searchPath: env["PATH"]) else { throw ExecutorError.commandNotFound(program) }
        var fds: [Int32] = [-1, -1]
        let wantsPipe: Bool = {
            if case .pipe = standardOutput { return true }
            if case .pipe = standardError { return true }
            return false
        }()
        if wantsPipe {
            let code = GNU.cloexecPipe(&fds)
            guard code == 0 else { throw ExecutorError.system(operation: "pipe2", errno: code) }
        }
        func target(_ output: Output) -> StdioTarget {
            switch output {
            case .null: .null
            case .pipe: .descriptor(fds[1])
            case .file(let path): .file(path, append: false)
            // The child's standard output, already set up: file actions run in order.
            case .sameAsStandardOutput: .descriptor(STDOUT_FILENO)
            }
        }
        let spec = SpawnSpec(
            path: path, arguments: arguments, environment: env.map { "\($0.key)=\($0.value)" }.sorted(),
            workingDirectory: workingDirectory, stdin: .null, stdout: target(standardOutput), stderr: target(standardError),
            newProcessGroup: newProcessGroup, cpus: nil)
        do {
            pid = try Spawner.spawn(spec)
        } catch {
            if wantsPipe { close(fds[0]); close(fds[1]) }
            throw error
        }
        if wantsPipe { close(fds[1]) }
        outputFD = fds[0]
        let pid = self.pid
        // The reaper keeps this object alive until the child has ended.
        try Spawner.runOnJobThread { [self] in
            Spawner.waitUntilEnded(pid)
            // Recorded while the zombie still holds the PID: signal() checks it under the same lock.
            state.withLock { s in
                let raw = Spawner.waitForExit(pid)
                s.status = raw == -1 ? .exited(-1) : Spawner.exitStatus(fromWaitStatus: raw)
            }
            ended.signal()
        }
    }

    deinit {
        if outputFD >= 0 { close(outputFD) }
    }

    /// Whether the child has not ended yet.
    public var isRunning: Bool { state.withLock { $0.status == nil } }

    /// How it ended, or `nil` while it runs.
    public var exitStatus: ExitStatus? { state.withLock { $0.status } }

    /// Sends `signal` to the child (or to its group with `group`), unless it has already been reaped.
    @discardableResult
    public func signal(_ signal: Int32, group: Bool = false) -> Bool {
        state.withLock { s in
            guard s.status == nil else { return false }
            return kill(group ? -pid : pid, signal) == 0
        }
    }

    /// Blocks until the child ends; call it off the cooperative pool, or use ``waitForExit()``.
    @discardableResult
    public func waitUntilExit() -> ExitStatus {
        if let status = exitStatus { return status }
        ended.wait()
        ended.signal()  // let other waiters through
        return exitStatus ?? .exited(-1)
    }

    /// Waits for the child to end without blocking a cooperative thread.
    @discardableResult
    public func waitForExit() async -> ExitStatus {
        if let status = exitStatus { return status }
        return await withCheckedContinuation { continuation in
            do {
                try Spawner.runOnJobThread { [self] in continuation.resume(returning: waitUntilExit()) }
            } catch {
                continuation.resume(returning: waitUntilExit())
            }
        }
    }

    /// The next line of output without its newline, or `nil` at end of output. Blocking.
    public func readLine() -> String? {
        while true {
            if let line = state.withLock({ s -> String? in
                guard let newline = s.buffered.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                let line = String(decoding: s.buffered[..<newline], as: UTF8.self)
                s.buffered.removeSubrange(...newline)
                return line
            }) {
                return line
            }
            guard fill() else {
                return state.withLock { s -> String? in
                    guard !s.buffered.isEmpty else { return nil }
                    defer { s.buffered = [] }
                    return String(decoding: s.buffered, as: UTF8.self)
                }
            }
        }
    }

    /// Everything left in the output until the child closes it. Blocking.
    public func readToEnd() -> String {
        while fill() {}
        return state.withLock { s in
            defer { s.buffered = [] }
            return String(decoding: s.buffered, as: UTF8.self)
        }
    }

    /// Reads one chunk of output into the buffer; false at end of output (or without a pipe).
    private func fill() -> Bool {
        guard outputFD >= 0, !state.withLock({ $0.outputClosed }) else { return false }
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
            if n > 0 {
                state.withLock { $0.buffered.append(contentsOf: chunk[0..<n]) }
                return true
            }
            if n < 0 && errno == EINTR { continue }
            state.withLock { $0.outputClosed = true }
            return false
        }
    }
}
