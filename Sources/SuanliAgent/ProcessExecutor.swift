import Foundation
import Logging
import SuanliCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs jobs as local processes, each leading its own process group.
///
/// - **Spawning**: `posix_spawn` with `POSIX_SPAWN_SETPGROUP` (so the whole tree can be
///   signalled), stdin from `/dev/null`, stdout/stderr to the job's files, every signal
///   disposition reset to default, descriptors ≥ 3 closed, working directory set in the child.
///   The program is looked up on the job's own `PATH`.
/// - **Threads**: each job gets one small OS thread that spawns it and then blocks in
///   `waitpid` for exactly that PID, so the cooperative thread pool never blocks and other
///   children of the agent (e.g. Foundation `Process`) are never reaped by mistake. The
///   thread ends when the child is reaped.
/// - **Units**: `cpus` → CPU affinity: the spawning thread binds itself with
///   `sched_setaffinity` and the child inherits the mask from its first instruction (no race,
///   no `taskset` needed); `devices` → `CUDA_VISIBLE_DEVICES` (gpu) or
///   `ASCEND_RT_VISIBLE_DEVICES` (npu), see ``Configuration/deviceVariables``.
/// - **Ending**: when the main process exits, any process it left in its group is killed
///   (SIGKILL), as batch systems do. When the agent dies, even by SIGKILL, every job's group
///   is killed by the ``Lifeline`` watcher. ``cancel(_:)`` and time limits send SIGTERM (and SIGCONT)
///   to the group, then SIGKILL after ``Configuration/terminationGrace``.
/// - **Recovery**: with a ``Configuration/stateDirectory``, a record of each running job is
///   kept there (``JobJournal``) until it is reaped; ``recover()`` returns the records a previous agent
///   left, and ``status(_:)``/``wait(_:)``/``cancel(_:)`` work on them by PID and start time
///   (their exit status is unknowable: result ``JobResult/unknown``).
public final class ProcessExecutor: Executor {
    /// Settings of a process executor.
    public struct Configuration: Sendable {
        /// The environment every job starts from; the job's variables and the `SUANLI_*`
        /// variables are added on top. Default: the agent's own environment without the
        /// variables whose names start with `SUANLI_` (the agent's token stays private).
        public var baseEnvironment: [String: String]
        /// Seconds between SIGTERM and SIGKILL when cancelling or at the time limit.
        public var terminationGrace: Double
        /// Where records of running jobs are kept for ``recover()``; `nil`: no records.
        public var stateDirectory: String?
        /// Variables that receive a job's device indexes (comma-separated), by resource kind.
        public var deviceVariables: [ResourceKind: [String]]
        /// How many finished jobs' outcomes are kept for late ``status(_:)``/``wait(_:)`` calls.
        public var retainedOutcomes: Int

        /// Creates a configuration.
        public init(
            baseEnvironment: [String: String] = Configuration.defaultBaseEnvironment(),
            terminationGrace: Double = 10,
            stateDirectory: String? = nil,
            deviceVariables: [ResourceKind: [String]] = Configuration.defaultDeviceVariables,
            retainedOutcomes: Int = 4096
        ) {
            self.baseEnvironment = baseEnvironment
            self.terminationGrace = terminationGrace
            self.stateDirectory = stateDirectory
            self.deviceVariables = deviceVariables
            self.retainedOutcomes = retainedOutcomes
        }

        /// `CUDA_VISIBLE_DEVICES` for gpu, `ASCEND_RT_VISIBLE_DEVICES` for npu.
        public static let defaultDeviceVariables: [ResourceKind: [String]] = [
            .gpu: ["CUDA_VISIBLE_DEVICES"],
            .npu: ["ASCEND_RT_VISIBLE_DEVICES"],
        ]

        /// The agent's environment without `SUANLI_*` variables.
        public static func defaultBaseEnvironment() -> [String: String] {
            defaultBaseEnvironment(from: ProcessInfo.processInfo.environment)
        }

        /// `environment` without the agent's own `SUANLI_*` settings (tokens among them).
        public static func defaultBaseEnvironment(from environment: [String: String]) -> [String: String] {
            environment.filter { !$0.key.hasPrefix("SUANLI_") }
        }
    }

    /// `process`.
    public let name = "process"
    /// The settings in use.
    public let configuration: Configuration
    private let logger: Logger
    private let state = Mutex(State())
    /// The records of running jobs in ``Configuration/stateDirectory``, if any.
    private let journal: JobJournal?

    /// Creates a process executor.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "suanli.agent.process")) {
        self.configuration = configuration
        self.logger = logger
        self.journal = configuration.stateDirectory.map { JobJournal(directory: $0) }
    }

    // MARK: - Executor

    /// Spawns the job and returns once the process exists.
    public func start(_ job: Job) async throws -> RunningJob {
        try Task.checkCancellation()
        try job.validate()
        let key = job.key
        try state.withLock { s throws(ExecutorError) in
            if let existing = s.records[key], existing.outcome == nil {
                throw .invalidJob("\(key) is already running (pid \(existing.pid))")
            }
        }
        try Self.makeDirectories(for: job)
        let environment = Self.environment(for: job, configuration: configuration)
        guard let executable = Spawner.resolve(job.command[0], searchPath: environment["PATH"]) else {
            throw ExecutorError.commandNotFound(job.command[0])
        }
        let spec = SpawnSpec(
            path: executable, arguments: job.command,
            environment: environment.map { "\($0.key)=\($0.value)" }.sorted(),
            workingDirectory: job.workingDirectory,
            stdin: .null, stdout: .file(job.stdoutPath, append: false), stderr: .file(job.stderrPath, append: false),
            newProcessGroup: true, cpus: job.cpus)

        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RunningJob, any Error>) in
            do {
                try Spawner.runOnJobThread { [self] in
                    self.runChild(job: job, spec: spec, started: continuation)
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Running, or finished with its outcome.
    public func status(_ job: RunningJob) async throws -> JobStatus {
        let (pid, ticks) = try Self.processHandle(job)
        if let known = state.withLock({ s in s.records[job.key].map { $0.outcome } }) {
            return known.map(JobStatus.finished) ?? .running
        }
        // Not started by this executor (recovered after a restart): judge by PID and start time.
        if Spawner.processAlive(pid, startTicks: ticks) { return .running }
        removeRecordFile(job.key)
        return .finished(Self.unknownOutcome(job))
    }

    /// Waits for the job to end; cancelling the calling task throws `CancellationError` and leaves the job running.
    public func wait(_ job: RunningJob) async throws -> JobOutcome {
        let (pid, ticks) = try Self.processHandle(job)
        let key = job.key
        let waiterID = state.withLock { s in
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        let tracked = state.withLock { s in s.records[key] != nil }
        guard tracked else {
            // Recovered job: not our child, so poll.
            while Spawner.processAlive(pid, startTicks: ticks) {
                try await Task.sleep(for: .milliseconds(100))
            }
            removeRecordFile(key)
            return Self.unknownOutcome(job)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JobOutcome, any Error>) in
                enum Action { case resume(JobOutcome), cancelled, none }
                let action: Action = state.withLock { s in
                    guard let record = s.records[key] else { return .resume(Self.unknownOutcome(job)) }
                    if let outcome = record.outcome { return .resume(outcome) }
                    if Task.isCancelled { return .cancelled }
                    s.records[key]!.waiters[waiterID] = continuation
                    return .none
                }
                switch action {
                case .resume(let outcome): continuation.resume(returning: outcome)
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .none: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { s in s.records[key]?.waiters.removeValue(forKey: waiterID) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Stops the process group (SIGTERM, then SIGKILL after the grace period) and returns the outcome.
    ///
    /// If the calling task is cancelled meanwhile, SIGKILL is sent at once.
    public func cancel(_ job: RunningJob) async throws -> JobOutcome {
        try await stop(job, reason: .cancelled)
    }

    /// Records left by an earlier agent in ``Configuration/stateDirectory`` (oldest first).
    public func recover() async throws -> [RunningJob] {
        guard let dir = configuration.stateDirectory, let journal else { return [] }
        // A file per job, as agents before the journal kept them: moved into it.
        for legacy in Self.readRecords(in: dir, prefix: "process-") {
            try journal.started(legacy)
            unlink(Self.recordPath(in: dir, prefix: "process-", key: legacy.key))
        }
        let tracked = state.withLock { s in Set(s.records.keys) }
        return journal.running.filter { !tracked.contains($0.key) }
    }

    // MARK: - Internals

    /// What is known of a job while it runs and, for the last ``Configuration/retainedOutcomes``
    /// jobs, after it ended: small on purpose (no copy of the job and its environment, which
    /// made 4,096 retained records grow an agent by megabytes).
    private struct Record {
        var pid: pid_t
        var outcome: JobOutcome?
        /// Set by cancel or the time limit; decides the result when the process ends.
        var stopReason: JobResult?
        var waiters: [UInt64: CheckedContinuation<JobOutcome, any Error>] = [:]
        var timer: Task<Void, Never>?
    }

    private struct State {
        var records: [JobKey: Record] = [:]
        /// Finished keys, oldest first, for bounded retention.
        var finished: [JobKey] = []
        var nextWaiterID: UInt64 = 0
    }

    /// The body of a job's thread: spawn, register, report the start, reap, report the end.
    private func runChild(job: Job, spec: SpawnSpec, started: CheckedContinuation<RunningJob, any Error>) {
        let pid: pid_t
        do {
            pid = try Spawner.spawn(spec)
        } catch {
            started.resume(throwing: error)
            return
        }
        let startedAt = Date()
        let ticks = Spawner.processStartTicks(pid) ?? 0
        // The job's group dies with the agent, even with a kill -9 (see ``Lifeline``).
        let guarded = Lifeline.guardGroup(pid, ticks: ticks)
        if !guarded {
            logger.warning("job not guarded: it would outlive a killed agent", metadata: ["job": "\(job.key)", "pid": "\(pid)"])
        }
        let running = RunningJob(job: job, handle: .process(pid: pid, startTicks: ticks), startedAt: startedAt)
        state.withLock { s in
            s.records[job.key] = Record(pid: pid)
        }
        writeRecordFile(running)
        if let limit = job.timeLimitSeconds {
            let timer = Task { [self] in
                guard (try? await Task.sleep(for: .seconds(limit))) != nil else { return }
                _ = try? await self.stop(running, reason: .timedOut)
            }
            state.withLock { s in s.records[job.key]?.timer = timer }
        }
        started.resume(returning: running)

        // While the ended leader is unreaped its group id cannot be reused: unlist the group
        // from the watcher and kill whatever the job left behind in it, then reap.
        Spawner.waitUntilEnded(pid)
        let endedAt = Date()
        if guarded { Lifeline.forget(pid) }
        kill(-pid, SIGKILL)
        let status = Spawner.waitForExit(pid)
        let exit = status == -1 ? nil : Spawner.exitStatus(fromWaitStatus: status)
        removeRecordFile(job.key)
        let (waiters, timer, outcome) = state.withLock { s -> ([CheckedContinuation<JobOutcome, any Error>], Task<Void, Never>?, JobOutcome) in
            guard var record = s.records[job.key] else {
                return ([], nil, JobOutcome(result: .unknown, exitStatus: exit, startedAt: startedAt, endedAt: endedAt))
            }
            let result = record.stopReason ?? (exit == .exited(0) ? .succeeded : .failed)
            let detail: String? =
                switch record.stopReason {
                case .timedOut: "time limit of \(job.timeLimitSeconds.map { "\($0)" } ?? "?") s reached"
                case .cancelled: "cancelled"
                default: nil
                }
            let outcome = JobOutcome(result: result, exitStatus: exit, startedAt: startedAt, endedAt: endedAt, detail: detail)
            let waiters = Array(record.waiters.values)
            let timer = record.timer
            record.outcome = outcome
            record.waiters = [:]
            record.timer = nil
            s.records[job.key] = record
            s.finished.append(job.key)
            if s.finished.count > max(configuration.retainedOutcomes, 0) {
                let evicted = s.finished.removeFirst()
                if s.records[evicted]?.outcome != nil { s.records[evicted] = nil }
            }
            return (waiters, timer, outcome)
        }
        timer?.cancel()
        for waiter in waiters { waiter.resume(returning: outcome) }
        logger.debug("job ended", metadata: ["job": "\(job.key)", "pid": "\(pid)", "result": "\(outcome.result.rawValue)"])
    }

    /// Stops a job for `reason` (cancelled or timed out).
    private func stop(_ job: RunningJob, reason: JobResult) async throws -> JobOutcome {
        let (pid, ticks) = try Self.processHandle(job)
        enum Known { case finished(JobOutcome), running, untracked }
        let known: Known = state.withLock { s in
            guard let record = s.records[job.key] else { return .untracked }
            if let outcome = record.outcome { return .finished(outcome) }
            if s.records[job.key]!.stopReason == nil { s.records[job.key]!.stopReason = reason }
            return .running
        }
        switch known {
        case .finished(let outcome):
            return outcome
        case .untracked:
            // A recovered job: signal the group only if its leader is still the same process.
            // (Without the leader, its group cannot be told apart from a later one with the same id.)
            if Spawner.processAlive(pid, startTicks: ticks) {
                await terminateGroup(pid)
            }
            removeRecordFile(job.key)
            return JobOutcome(result: reason, exitStatus: nil, startedAt: job.startedAt, endedAt: Date(),
                              detail: "recovered job; exit status unknown")
        case .running:
            logger.info("stopping job", metadata: ["job": "\(job.key)", "pid": "\(pid)", "reason": "\(reason.rawValue)"])
            await terminateGroup(pid)
            do {
                return try await wait(job)
            } catch {
                return JobOutcome(result: reason, exitStatus: nil, startedAt: job.startedAt, endedAt: Date())
            }
        }
    }

    /// SIGTERM (+SIGCONT) to the group, SIGKILL after the grace period, then wait until no live member remains.
    private func terminateGroup(_ pgid: pid_t) async {
        kill(-pgid, SIGTERM)
        kill(-pgid, SIGCONT)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(configuration.terminationGrace)
        var pause = Duration.milliseconds(2)
        while clock.now < deadline, !Task.isCancelled {
            if !Spawner.processGroupAlive(pgid) { return }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
        kill(-pgid, SIGKILL)
        let killDeadline = clock.now + .seconds(5)
        while clock.now < killDeadline, Spawner.processGroupAlive(pgid) {
            // SIGKILL has been sent; this only waits for the kernel, cancelled or not.
            if Task.isCancelled {
                usleep(2_000)
            } else {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    private static func processHandle(_ job: RunningJob) throws(ExecutorError) -> (pid_t, UInt64) {
        guard case .process(let pid, let ticks) = job.handle else { throw .foreignHandle }
        return (pid, ticks)
    }

    private static func unknownOutcome(_ job: RunningJob) -> JobOutcome {
        JobOutcome(result: .unknown, exitStatus: nil, startedAt: job.startedAt, endedAt: Date(),
                   detail: "exit status unknown (the process was not started by this agent run)")
    }

    /// The job's full environment: base, then the job's own, then what the agent enforces.
    static func environment(for job: Job, configuration: Configuration) -> [String: String] {
        var environment = configuration.baseEnvironment
        environment.merge(job.environment) { _, new in new }
        environment.merge(suanliVariables(for: job)) { _, new in new }
        environment["SUANLI_PREEMPT_NOTICE_S"] = PreemptNotice.format(configuration.terminationGrace)
        if let devices = job.devices {
            let list = devices.map(String.init).joined(separator: ",")
            for variable in configuration.deviceVariables[job.kind] ?? [] { environment[variable] = list }
        }
        return environment
    }

    /// `SUANLI_TASK_ID`, `SUANLI_ATTEMPT`, `SUANLI_CHECKPOINT_DIR`, `SUANLI_UNITS`.
    public static func suanliVariables(for job: Job) -> [String: String] {
        [
            "SUANLI_TASK_ID": job.taskID,
            "SUANLI_ATTEMPT": String(job.attempt),
            "SUANLI_CHECKPOINT_DIR": job.checkpointDirectory,
            "SUANLI_UNITS": String(job.units),
        ]
    }

    /// Creates the working and checkpoint directories and the log files' directories.
    static func makeDirectories(for job: Job) throws(ExecutorError) {
        let paths = [
            job.workingDirectory, job.checkpointDirectory, parentDirectory(job.stdoutPath), parentDirectory(job.stderrPath),
        ]
        var made: [String] = []
        made.reserveCapacity(paths.count)
        for path in paths where !made.contains(path) {
            made.append(path)
            let code = makeDirectory(path)
            guard code == 0 else { throw .system(operation: "mkdir \(path)", errno: code) }
        }
    }

    /// The directory that holds `path`, as `NSString.deletingLastPathComponent` says it
    /// (`/a/b/c` → `/a/b`, `/a` → `/`, `a` → ``), without bridging to `NSString`.
    static func parentDirectory(_ path: String) -> String {
        var utf8 = Substring(path).utf8[...]
        while utf8.count > 1, utf8.last == UInt8(ascii: "/") { utf8 = utf8.dropLast() }
        guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        if slash == utf8.startIndex { return "/" }
        var parent = utf8[..<slash]
        while parent.count > 1, parent.last == UInt8(ascii: "/") { parent = parent.dropLast() }
        return String(Substring(parent))
    }

    /// `mkdir -p`; returns 0 or an errno.
    ///
    /// It tries `mkdir` first and climbs to the parent only when that is missing, so the usual
    /// case (the parent exists) costs one system call per directory and no `stat`.
    static func makeDirectory(_ path: String) -> Int32 {
        if mkdir(path, 0o755) == 0 { return 0 }
        switch errno {
        case EEXIST:
            var info = stat()
            guard stat(path, &info) == 0 else { return errno }
            return (info.st_mode & S_IFMT) == S_IFDIR ? 0 : ENOTDIR
        case ENOENT:
            let parent = parentDirectory(path)
            guard !parent.isEmpty, parent != path else { return ENOENT }
            let code = makeDirectory(parent)
            if code != 0 { return code }
            if mkdir(path, 0o755) == 0 || errno == EEXIST { return 0 }
            return errno
        case let code:
            return code
        }
    }

    // MARK: - Records for recovery

    private func writeRecordFile(_ running: RunningJob) {
        do { try journal?.started(running) } catch {
            logger.warning("cannot record running job", metadata: ["job": "\(running.key)", "error": "\(error)"])
        }
    }

    private func removeRecordFile(_ key: JobKey) {
        do { try journal?.ended(key) } catch {
            logger.warning("cannot record the end of a job", metadata: ["job": "\(key)", "error": "\(error)"])
        }
    }

    static func recordPath(in directory: String, prefix: String, key: JobKey) -> String {
        directory + "/" + prefix + WorkLayout.directoryName(forTask: key.taskID) + ".\(key.attempt)"
            + (key.part.map { "." + WorkLayout.directoryName(forTask: $0) } ?? "") + ".json"
    }

    static func writeRecord(_ running: RunningJob, to path: String, directory: String, logger: Logger) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // Dates stay in the default form (seconds since 2001 as a Double) so they round-trip exactly.
            // Written beside it and renamed over it (what `.atomic` does, but under a name of ours,
            // `….json.tmp`, which recovery removes when an agent was killed between the two).
            let temporary = path + ".tmp"
            try JSONEncoder().encode(running).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else {
                let code = errno
                unlink(temporary)
                throw ExecutorError.system(operation: "rename \(temporary)", errno: code)
            }
        } catch {
            logger.warning("cannot record running job", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    static func readRecords(in directory: String, prefix: String) -> [RunningJob] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        // Halves of writes an agent killed mid-write left behind (ours, and Foundation's `.atomic` ones of older agents).
        for name in names where (name.hasPrefix(prefix) && name.hasSuffix(".json.tmp")) || name.hasPrefix(".dat.nosync") {
            unlink(directory + "/" + name)
        }
        let decoder = JSONDecoder()
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }
            .compactMap { name in
                FileManager.default.contents(atPath: directory + "/" + name).flatMap { try? decoder.decode(RunningJob.self, from: $0) }
            }
            .sorted { $0.startedAt < $1.startedAt }
    }
}
