import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs short helper commands (`sbatch`, `squeue`, `nvidia-smi`, …) and collects their output.
public enum CommandRunner {
    /// What a finished command printed and how it ended.
    public struct Result: Sendable, Hashable {
        /// How the command ended.
        public var exitStatus: ExitStatus
        /// Standard output (UTF-8, invalid bytes replaced).
        public var stdout: String
        /// Standard error.
        public var stderr: String
        /// Whether it was killed for exceeding its timeout.
        public var timedOut: Bool

        /// Whether it exited with code 0.
        public var succeeded: Bool { exitStatus == .exited(0) && !timedOut }
    }

    /// Runs `arguments` (argv; `arguments[0]` is looked up on `environment["PATH"]`) with
    /// `environment` (default: the agent's), stdin from `/dev/null`, and returns its output.
    ///
    /// The command runs on its own thread (spawn, read both pipes, `waitpid`), so callers never
    /// block the cooperative pool. After `timeoutSeconds` it is killed with SIGKILL. Cancelling
    /// the calling task does not stop the command early (helpers are short and their effect,
    /// e.g. a submission, must be observed).
    public static func run(
        _ arguments: [String], environment: [String: String]? = nil, workingDirectory: String? = nil,
        timeoutSeconds: Double = 30
    ) async throws -> Result {
        let spec = try spec(arguments, environment: environment, workingDirectory: workingDirectory)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            do {
                try Spawner.runOnJobThread {
                    continuation.resume(
                        with: Swift.Result { () throws(ExecutorError) -> Result in try runBlocking(spec, timeoutSeconds: timeoutSeconds) }
                            .mapError { $0 as any Error })
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Runs `arguments` like ``run(_:environment:workingDirectory:timeoutSeconds:)``, blocking
    /// the calling thread: for callers on a thread of their own, never on the cooperative pool.
    public static func runOnCallingThread(
        _ arguments: [String], environment: [String: String]? = nil, workingDirectory: String? = nil,
        timeoutSeconds: Double = 30
    ) throws -> Result {
        try runBlocking(try spec(arguments, environment: environment, workingDirectory: workingDirectory), timeoutSeconds: timeoutSeconds)
    }

    /// What to spawn: `arguments[0]` looked up on the `PATH` of `environment` (default: the agent's), no process group of its own.
    private static func spec(_ arguments: [String], environment: [String: String]?, workingDirectory: String?) throws(ExecutorError) -> SpawnSpec {
        guard let program = arguments.first else { throw .invalidJob("empty command") }
        let env = environment ?? ProcessInfo.processInfo.environment
        guard let path = Spawner.resolve(program, searchPath: env["PATH"]) else { throw .commandNotFound(program) }
        return SpawnSpec(
            path: path, arguments: arguments, environment: env.map { "\($0.key)=\($0.value)" }, workingDirectory: workingDirectory,
            newProcessGroup: false)
    }

    /// The blocking body: pipes, spawn, drain both pipes with poll(2), reap.
    private static func runBlocking(_ spec: SpawnSpec, timeoutSeconds: Double) throws(ExecutorError) -> Result {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        var code = GNU.cloexecPipe(&outPipe)
        guard code == 0 else { throw .system(operation: "pipe2", errno: code) }
        code = GNU.cloexecPipe(&errPipe)
        guard code == 0 else {
            close(outPipe[0])
            close(outPipe[1])
            throw .system(operation: "pipe2", errno: code)
        }
        var spec = spec
        spec.stdout = .descriptor(outPipe[1])
        spec.stderr = .descriptor(errPipe[1])
        let pid: pid_t
        do {
            pid = try Spawner.spawn(spec)
        } catch {
            for fd in outPipe + errPipe { close(fd) }
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        var out = [UInt8]()
        var err = [UInt8]()
        var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 16384)
        while fds.contains(where: { $0.fd >= 0 }) {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0, !timedOut {
                timedOut = true
                kill(pid, SIGKILL)
            }
            let waitMs = timedOut ? 1000 : Int32(min(max(remaining * 1000, 1), 1000))
            let ready = poll(&fds, nfds_t(fds.count), waitMs)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if i == 0 { out.append(contentsOf: buffer[0..<n]) } else { err.append(contentsOf: buffer[0..<n]) }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(fds[i].fd)
                    fds[i].fd = -1
                }
            }
        }
        for fd in fds where fd.fd >= 0 { close(fd.fd) }
        let status = Spawner.waitForExit(pid)
        return Result(
            exitStatus: status == -1 ? .exited(-1) : Spawner.exitStatus(fromWaitStatus: status),
            stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self), timedOut: timedOut)
    }
}
