import SuanliCore

/// One attempt of a task as an executor runs it: what to execute, where, and with which units.
///
/// Paths are absolute. ``WorkLayout`` builds jobs with the agent's standard directory layout;
/// executors create the working, checkpoint and log directories if they are missing.
public struct Job: Sendable, Codable, Hashable {
    /// The platform's task id (e.g. `t42`).
    public var taskID: String
    /// 1 for the first run, 2 for the first re-placement, …
    public var attempt: Int
    /// The program and its arguments (argv; no shell is involved).
    public var command: [String]
    /// Environment variables the task asked for (added to the executor's base environment).
    public var environment: [String: String]
    /// The directory the command runs in (per attempt, e.g. `WORK/t42/attempt2`).
    public var workingDirectory: String
    /// A per-task directory that survives attempts (`SUANLI_CHECKPOINT_DIR`).
    public var checkpointDirectory: String
    /// The kind of the units the job was given.
    public var kind: ResourceKind
    /// How many units (cores for `cpu`, accelerators otherwise).
    public var units: Int
    /// Accelerator indexes the job may use (exported as `CUDA_VISIBLE_DEVICES` and the like); `nil`: not pinned.
    public var devices: [Int]?
    /// Logical CPUs the job is bound to (CPU affinity); `nil`: not pinned.
    public var cpus: [Int]?
    /// Wall-clock limit in seconds; `nil`: none.
    public var timeLimitSeconds: Double?
    /// Where standard output goes (truncated at start).
    public var stdoutPath: String
    /// Where standard error goes (truncated at start).
    public var stderrPath: String
    /// The resource this part runs on, when one attempt has several parts on this agent (a
    /// split task): it keeps their keys, directories and logs apart. `nil` for a lone part.
    public var part: String?

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case attempt, command, environment, kind, units, devices, cpus
        case workingDirectory = "working_directory"
        case checkpointDirectory = "checkpoint_directory"
        case timeLimitSeconds = "time_limit_seconds"
        case stdoutPath = "stdout_path"
        case stderrPath = "stderr_path"
        case part
    }

    /// Creates a job description.
    public init(
        taskID: String, attempt: Int, command: [String], environment: [String: String] = [:],
        workingDirectory: String, checkpointDirectory: String, kind: ResourceKind, units: Int,
        devices: [Int]? = nil, cpus: [Int]? = nil, timeLimitSeconds: Double? = nil,
        stdoutPath: String, stderrPath: String, part: String? = nil
    ) {
        self.taskID = taskID
        self.attempt = attempt
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.checkpointDirectory = checkpointDirectory
        self.kind = kind
        self.units = units
        self.devices = devices
        self.cpus = cpus
        self.timeLimitSeconds = timeLimitSeconds
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.part = part
    }

    /// The key executors index running jobs by.
    public var key: JobKey { JobKey(taskID: taskID, attempt: attempt, part: part) }

    /// Checks what every executor needs, naming the first problem.
    public func validate() throws(ExecutorError) {
        guard !taskID.isEmpty else { throw .invalidJob("task id is empty") }
        guard attempt >= 1 else { throw .invalidJob("attempt must be at least 1, got \(attempt)") }
        guard let program = command.first, !program.isEmpty else { throw .invalidJob("command is empty") }
        guard units >= 1 else { throw .invalidJob("units must be at least 1, got \(units)") }
        for path in [workingDirectory, checkpointDirectory, stdoutPath, stderrPath] where !path.hasPrefix("/") {
            throw .invalidJob("paths must be absolute, got '\(path)'")
        }
        if command.contains(where: { $0.utf8.contains(0) }) || environment.contains(where: { $0.key.utf8.contains(0) || $0.value.utf8.contains(0) }) {
            throw .invalidJob("command and environment must not contain NUL bytes")
        }
        if let bad = environment.keys.first(where: { $0.isEmpty || $0.contains("=") }) {
            throw .invalidJob("invalid environment variable name '\(bad)'")
        }
        if let devices, devices.contains(where: { $0 < 0 }) { throw .invalidJob("device indexes must be ≥ 0") }
        if let cpus {
            guard !cpus.isEmpty, cpus.allSatisfy({ $0 >= 0 && $0 < 65536 }) else {
                throw .invalidJob("cpus must be a non-empty list of CPU numbers")
            }
        }
        if let limit = timeLimitSeconds, !(limit.isFinite && limit > 0) {
            throw .invalidJob("time limit must be a positive number of seconds")
        }
    }
}

/// Identifies one attempt of one task (and the part, when the attempt has several here).
public struct JobKey: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The platform's task id.
    public var taskID: String
    /// The attempt number.
    public var attempt: Int
    /// The resource of the part, when the attempt has several parts on this agent (``Job/part``).
    public var part: String?

    /// Creates a key.
    public init(taskID: String, attempt: Int, part: String? = nil) {
        self.taskID = taskID
        self.attempt = attempt
        self.part = part
    }

    public var description: String { "\(taskID)#\(attempt)" + (part.map { "@" + $0 } ?? "") }
}
