import Foundation
import Logging
import SuanliCore

#if canImport(Glibc)
import Glibc
#endif

/// Runs jobs as Slurm batch jobs.
///
/// - **Submit**: writes `suanli-job.sh` (``SlurmScript/render(_:)``) into the job's working
///   directory and runs `sbatch --parsable` with ``SlurmScript/sbatchArguments(for:scriptPath:options:)``:
///   `--job-name`, `--output`/`--error`, `--chdir`, `--no-requeue` (Suanli retries itself),
///   `--cpus-per-task=N` for cpu or `--gres=gpu:N` (npu, …: see ``SlurmScript/Options/gresNames``),
///   `--time` from the time limit (rounded up to minutes). `sbatch` runs with the job's full
///   environment (base + task + `SUANLI_*`) and `--export=ALL`, so values need no quoting;
///   task variables named `SLURM_*`/`SBATCH_*` are dropped because `sbatch` would read them as options.
/// - **Units**: Slurm allocates and binds; `Job.devices` and `Job.cpus` are ignored and
///   Slurm sets `CUDA_VISIBLE_DEVICES` for GPU jobs itself.
/// - **Follow**: `scontrol show job -o ID` (state, reason, `ExitCode=code:signal`); once
///   `slurmctld` has forgotten the job (`MinJobAge`), `sacct -j` and then `sacct -c -j`
///   (the `jobcomp/filetxt` log). ``wait(_:)`` polls with a growing interval.
/// - **Cancel**: `scancel ID` (Slurm sends SIGTERM, then SIGKILL after its `KillWait`), then
///   waits until Slurm reports a final state.
///
/// Every command runs with `SLURM_CONF` from ``Configuration/slurmConf`` when set.
public final class SlurmExecutor: Executor {
    /// Settings of a Slurm executor.
    public struct Configuration: Sendable {
        /// `SLURM_CONF` for every Slurm command; `nil`: the agent's environment decides
        /// (default: the agent's `SLURM_CONF`).
        public var slurmConf: String?
        /// Where `sbatch`, `scontrol`, `sacct`, `squeue` and `scancel` are; `nil`: `PATH`.
        public var binDirectory: String?
        /// Partition, account, generic-resource names and extra `sbatch` arguments.
        public var options: SlurmScript.Options
        /// The environment jobs (and the Slurm commands) start from; default: the agent's
        /// environment without `SUANLI_*` variables.
        public var baseEnvironment: [String: String]
        /// Where records of submitted jobs are kept for ``recover()``; `nil`: no records.
        public var stateDirectory: String?
        /// First and longest pause between polls in ``wait(_:)``, in seconds.
        public var pollInterval: ClosedRange<Double>
        /// Longest a Slurm command may take, in seconds.
        public var commandTimeout: Double
        /// Longest ``cancel(_:)`` waits for a final state after `scancel`, in seconds.
        public var cancelTimeout: Double

        /// Creates a configuration.
        public init(
            slurmConf: String? = ProcessInfo.processInfo.environment["SLURM_CONF"],
            binDirectory: String? = nil,
            options: SlurmScript.Options = SlurmScript.Options(),
            baseEnvironment: [String: String] = ProcessExecutor.Configuration.defaultBaseEnvironment(),
            stateDirectory: String? = nil,
            pollInterval: ClosedRange<Double> = 0.05...2,
            commandTimeout: Double = 30,
            cancelTimeout: Double = 60
        ) {
            self.slurmConf = slurmConf
            self.binDirectory = binDirectory
            self.options = options
            self.baseEnvironment = baseEnvironment
            self.stateDirectory = stateDirectory
            self.pollInterval = pollInterval
            self.commandTimeout = commandTimeout
            self.cancelTimeout = cancelTimeout
        }
    }

    /// `slurm`.
    public let name = "slurm"
    /// The settings in use.
    public let configuration: Configuration
    private let logger: Logger

    /// Creates a Slurm executor.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "suanli.agent.slurm")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Whether Slurm answers: `sinfo` succeeds and lists at least one node; otherwise the reason.
    public func probe() async -> (available: Bool, message: String) {
        do {
            let result = try await slurm("sinfo", ["-h", "-N", "-o", "%N %t %c %G"])
            let out = result.stdout.trimmingSpaces()
            if result.succeeded, !out.isEmpty { return (true, out) }
            return (false, (result.stderr + result.stdout).trimmingSpaces().isEmpty ? "sinfo \(result.exitStatus)" : (result.stderr + result.stdout).trimmingSpaces())
        } catch {
            return (false, "\(error)")
        }
    }

    // MARK: - Executor

    /// Writes the batch script and submits it; returns once Slurm has accepted the job.
    public func start(_ job: Job) async throws -> RunningJob {
        try Task.checkCancellation()
        try job.validate()
        try ProcessExecutor.makeDirectories(for: job)
        let scriptPath = job.workingDirectory + "/suanli-job.sh"
        do {
            try SlurmScript.render(job).write(toFile: scriptPath, atomically: true, encoding: .utf8)
            chmod(scriptPath, 0o755)
        } catch {
            throw ExecutorError.system(operation: "write \(scriptPath)", errno: EIO)
        }
        let arguments = try SlurmScript.sbatchArguments(for: job, scriptPath: scriptPath, options: configuration.options)
        var environment = configuration.baseEnvironment
        environment.merge(job.environment.filter { !$0.key.hasPrefix("SLURM_") && !$0.key.hasPrefix("SBATCH_") }) { _, new in new }
        environment.merge(ProcessExecutor.suanliVariables(for: job)) { _, new in new }
        for key in environment.keys where key.hasPrefix("SBATCH_") { environment[key] = nil }
        let result = try await slurm("sbatch", arguments, environment: environment, workingDirectory: job.workingDirectory)
        guard result.succeeded, let jobID = SlurmParser.parseSubmission(result.stdout) else {
            throw ExecutorError.batchSystem("sbatch failed (\(result.exitStatus)): \(Self.message(result))")
        }
        let running = RunningJob(job: job, handle: .slurm(jobID: jobID), startedAt: Date())
        if let dir = configuration.stateDirectory {
            ProcessExecutor.writeRecord(running, to: recordPath(dir, job.key), directory: dir, logger: logger)
        }
        logger.debug("submitted", metadata: ["job": "\(job.key)", "slurm_job": "\(jobID)"])
        return running
    }

    /// Asks Slurm where the job is.
    public func status(_ job: RunningJob) async throws -> JobStatus {
        let jobID = try Self.jobID(job)
        let info = try await jobInfo(jobID)
        let status =
            info?.status
            ?? .finished(
                JobOutcome(result: .unknown, exitStatus: nil, startedAt: job.startedAt, endedAt: Date(),
                           detail: "Slurm no longer knows job \(jobID)"))
        if status.outcome != nil, let dir = configuration.stateDirectory { unlink(recordPath(dir, job.key)) }
        return status
    }

    /// Polls Slurm until the job ends (cancelling the calling task stops the polling, not the job).
    public func wait(_ job: RunningJob) async throws -> JobOutcome {
        var pause = configuration.pollInterval.lowerBound
        while true {
            if let outcome = try await status(job).outcome { return outcome }
            try await Task.sleep(for: .seconds(pause))
            pause = min(pause * 1.5, configuration.pollInterval.upperBound)
        }
    }

    /// `scancel`, then waits (up to ``Configuration/cancelTimeout``) for Slurm's final state.
    public func cancel(_ job: RunningJob) async throws -> JobOutcome {
        let jobID = try Self.jobID(job)
        if let outcome = try await status(job).outcome { return outcome }
        let result = try await slurm("scancel", [jobID])
        if !result.succeeded {
            logger.info("scancel answered", metadata: ["slurm_job": "\(jobID)", "message": "\(Self.message(result))"])
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(configuration.cancelTimeout)
        var pause = 0.05
        while clock.now < deadline {
            if let outcome = try await status(job).outcome { return outcome }
            try await Task.sleep(for: .seconds(pause))
            pause = min(pause * 1.5, 1)
        }
        throw ExecutorError.batchSystem("job \(jobID) did not end within \(Int(configuration.cancelTimeout)) s of scancel")
    }

    /// Jobs recorded in ``Configuration/stateDirectory`` by an earlier agent run.
    public func recover() async throws -> [RunningJob] {
        guard let dir = configuration.stateDirectory else { return [] }
        return ProcessExecutor.readRecords(in: dir, prefix: "slurm-")
    }

    /// States of many jobs in one `squeue` call (jobs Slurm no longer lists are absent).
    public func queue(jobIDs: [String]) async throws -> [String: (state: String, reason: String?)] {
        guard !jobIDs.isEmpty else { return [:] }
        let result = try await slurm("squeue", ["-h", "-o", "%i|%T|%r", "-j", jobIDs.joined(separator: ",")])
        if !result.succeeded, !result.stderr.contains("Invalid job id") {
            throw ExecutorError.batchSystem("squeue failed: \(Self.message(result))")
        }
        return SlurmParser.parseSqueue(result.stdout)
    }

    // MARK: - Internals

    /// scontrol, then sacct (accounting), then sacct -c (job completion log).
    private func jobInfo(_ jobID: String) async throws -> SlurmJobInfo? {
        let shown = try await slurm("scontrol", ["show", "job", "-o", jobID])
        if shown.succeeded, let info = SlurmParser.parseScontrolJob(shown.stdout) { return info }
        if !shown.succeeded, !shown.stderr.contains("Invalid job id") {
            throw ExecutorError.batchSystem("scontrol show job \(jobID) failed: \(Self.message(shown))")
        }
        let format = ["-j", jobID, "-n", "-P", "--format=JobID,State,ExitCode,Start,End"]
        for extra in [[], ["-c"]] {
            if let result = try? await slurm("sacct", extra + format), result.succeeded,
                let info = SlurmParser.parseSacct(result.stdout, jobID: jobID)
            {
                return info
            }
        }
        return nil
    }

    private func slurm(
        _ command: String, _ arguments: [String], environment: [String: String]? = nil, workingDirectory: String? = nil
    ) async throws -> CommandRunner.Result {
        var env = environment ?? configuration.baseEnvironment
        if let conf = configuration.slurmConf { env["SLURM_CONF"] = conf }
        let program = configuration.binDirectory.map { $0 + "/" + command } ?? command
        return try await CommandRunner.run(
            [program] + arguments, environment: env, workingDirectory: workingDirectory, timeoutSeconds: configuration.commandTimeout)
    }

    private func recordPath(_ directory: String, _ key: JobKey) -> String {
        ProcessExecutor.recordPath(in: directory, prefix: "slurm-", key: key)
    }

    private static func jobID(_ job: RunningJob) throws(ExecutorError) -> String {
        guard case .slurm(let jobID) = job.handle else { throw .foreignHandle }
        return jobID
    }

    private static func message(_ result: CommandRunner.Result) -> String {
        let text = (result.stderr.isEmpty ? result.stdout : result.stderr).trimmingSpaces()
        return result.timedOut ? "timed out" : String(text.prefix(500))
    }
}
