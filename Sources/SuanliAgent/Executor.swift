import Foundation

/// Runs jobs somewhere (local processes, a Slurm cluster) and follows them to their end.
///
/// Every method is safe to call concurrently and from cancelled tasks:
/// - ``start(_:)`` returns once the job exists (spawned, or accepted by the batch system);
///   a job that was started is always returned, never leaked, even if the calling task is
///   cancelled meanwhile (it checks cancellation only before starting).
/// - ``wait(_:)`` suspends until the job ends. Cancelling the *waiting task* throws
///   `CancellationError` from `wait` and leaves the job running; use ``cancel(_:)`` to stop it.
/// - ``cancel(_:)`` stops the job (process group: SIGTERM, then SIGKILL after the grace
///   period; Slurm: `scancel`) and returns its final outcome. Calling it on a finished job
///   returns the recorded outcome.
/// - ``recover()`` lists jobs an earlier run of the agent started and recorded, so a
///   restarted agent can follow or kill them.
public protocol Executor: Sendable {
    /// A short name for logs and the agent's flags (`process`, `slurm`).
    var name: String { get }
    /// Starts a job; throws ``ExecutorError`` when it cannot be started.
    func start(_ job: Job) async throws -> RunningJob
    /// Where the job is now, without waiting.
    func status(_ job: RunningJob) async throws -> JobStatus
    /// Waits until the job ends and returns how it ended.
    func wait(_ job: RunningJob) async throws -> JobOutcome
    /// Stops the job and returns how it ended.
    func cancel(_ job: RunningJob) async throws -> JobOutcome
    /// Jobs started (and recorded) by an earlier run of the agent that have not been seen to end.
    func recover() async throws -> [RunningJob]
}

/// A handle on a started job; `Codable` so an agent can keep it across restarts.
public struct RunningJob: Sendable, Codable, Hashable {
    /// What was started.
    public var job: Job
    /// Where the executor finds it.
    public var handle: Handle
    /// When the executor started (spawned or submitted) it.
    public var startedAt: Date

    /// How an executor refers to a job.
    public enum Handle: Sendable, Codable, Hashable {
        /// A local process that leads its own process group (`pgid == pid`); `startTicks` is
        /// field 22 of `/proc/PID/stat` and tells the process apart from a later one with the same PID.
        case process(pid: Int32, startTicks: UInt64)
        /// A Slurm batch job.
        case slurm(jobID: String)
    }

    enum CodingKeys: String, CodingKey {
        case job, handle
        case startedAt = "started_at"
    }

    /// Creates a handle.
    public init(job: Job, handle: Handle, startedAt: Date) {
        self.job = job
        self.handle = handle
        self.startedAt = startedAt
    }

    /// The task id and attempt.
    public var key: JobKey { job.key }
}

/// Where a job is.
public enum JobStatus: Sendable, Hashable {
    /// Accepted but not started yet (Slurm: pending), with the batch system's reason.
    case pending(reason: String?)
    /// Running.
    case running
    /// Ended.
    case finished(JobOutcome)

    /// The outcome, if the job ended.
    public var outcome: JobOutcome? {
        if case .finished(let outcome) = self { return outcome }
        return nil
    }
}

/// How a job ended.
public enum JobResult: String, Sendable, Codable, Hashable {
    /// Exit code 0.
    case succeeded
    /// A non-zero exit code, a signal, or a batch-system failure (node failure, out of memory, …).
    case failed
    /// Stopped by ``Executor/cancel(_:)`` (or by an administrator, for Slurm).
    case cancelled
    /// Stopped because it reached its time limit.
    case timedOut = "timed_out"
    /// Ended while nobody could see how: a job recovered after an agent restart whose exit
    /// status was collected by someone else.
    case unknown
}

/// A process's exit: an exit code or the signal that killed it.
public enum ExitStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `exit(code)`.
    case exited(Int32)
    /// Killed by a signal.
    case signaled(Int32)

    /// The exit code, if the process exited.
    public var exitCode: Int32? {
        if case .exited(let code) = self { return code }
        return nil
    }

    /// The signal, if a signal killed the process.
    public var signal: Int32? {
        if case .signaled(let signal) = self { return signal }
        return nil
    }

    /// One number as shells report it: the exit code, or 128 + the signal.
    public var shellCode: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "signal \(signal)"
        }
    }

    enum CodingKeys: String, CodingKey { case code, signal }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let signal = try c.decodeIfPresent(Int32.self, forKey: .signal) {
            self = .signaled(signal)
        } else {
            self = .exited(try c.decode(Int32.self, forKey: .code))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .exited(let code): try c.encode(code, forKey: .code)
        case .signaled(let signal): try c.encode(signal, forKey: .signal)
        }
    }
}

/// The end of a job: result, exit status and times.
public struct JobOutcome: Sendable, Codable, Hashable {
    /// How it ended.
    public var result: JobResult
    /// The exit code or signal, when known.
    public var exitStatus: ExitStatus?
    /// When it started running, when known.
    public var startedAt: Date?
    /// When it ended (or when the executor noticed).
    public var endedAt: Date
    /// More to say: the batch system's state and reason, why the status is unknown, …
    public var detail: String?

    enum CodingKeys: String, CodingKey {
        case result, detail
        case exitStatus = "exit_status"
        case startedAt = "started_at"
        case endedAt = "ended_at"
    }

    /// Creates an outcome.
    public init(result: JobResult, exitStatus: ExitStatus?, startedAt: Date?, endedAt: Date, detail: String? = nil) {
        self.result = result
        self.exitStatus = exitStatus
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.detail = detail
    }
}

/// Why an executor could not do what was asked.
public enum ExecutorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The job description is unusable.
    case invalidJob(String)
    /// The program was not found on the job's `PATH`.
    case commandNotFound(String)
    /// The operating system refused (spawn, directories, affinity), with `errno`.
    case system(operation: String, errno: Int32)
    /// A batch-system command failed or answered something unexpected.
    case batchSystem(String)
    /// The handle belongs to another executor.
    case foreignHandle

    public var description: String {
        switch self {
        case .invalidJob(let message): "invalid job: \(message)"
        case .commandNotFound(let program): "command not found: \(program)"
        case .system(let operation, let code): "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .batchSystem(let message): message
        case .foreignHandle: "the job handle belongs to another executor"
        }
    }
}
