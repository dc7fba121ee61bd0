import Foundation

/// What Slurm says about one job.
public struct SlurmJobInfo: Sendable, Hashable {
    /// The job id.
    public var jobID: String
    /// The state's first word as Slurm prints it: `PENDING`, `RUNNING`, `COMPLETED`, `CANCELLED`, …
    public var state: String
    /// Why it is pending or how it ended (`Resources`, `NonZeroExitCode`, `TimeLimit`, …), when given.
    public var reason: String?
    /// `ExitCode=CODE:SIGNAL`, when known.
    public var exitStatus: ExitStatus?
    /// When it started, when known.
    public var startTime: Date?
    /// When it ended, when known.
    public var endTime: Date?

    /// Creates job information.
    public init(jobID: String, state: String, reason: String? = nil, exitStatus: ExitStatus? = nil, startTime: Date? = nil, endTime: Date? = nil) {
        self.jobID = jobID
        self.state = state
        self.reason = reason
        self.exitStatus = exitStatus
        self.startTime = startTime
        self.endTime = endTime
    }

    /// The executor's view of this state.
    public var status: JobStatus {
        switch SlurmParser.phase(ofState: state) {
        case .pending:
            return .pending(reason: reason)
        case .running:
            return .running
        case .finished(let result):
            var detail = state
            if let reason, reason != "None" { detail += " (\(reason))" }
            return .finished(
                JobOutcome(result: result, exitStatus: exitStatus, startedAt: startTime, endedAt: endTime ?? Date(), detail: detail))
        }
    }
}

/// Pure parsers for the output of Slurm's commands.
public enum SlurmParser {
    /// Where a Slurm state puts a job.
    public enum Phase: Sendable, Hashable {
        /// Waiting to run.
        case pending
        /// Running (including completing: processes may still exist).
        case running
        /// Ended with this result.
        case finished(JobResult)
    }

    /// The job id from `sbatch --parsable` output (`123` or `123;cluster`), or `nil`.
    public static func parseSubmission(_ output: String) -> String? {
        let lines = output.split(whereSeparator: \.isNewline).map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        guard let last = lines.last else { return nil }
        let id = last.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }), id.first!.isNumber else { return nil }
        return id
    }

    /// `Key=Value` pairs of `scontrol show job -o` (one line per job; the first job is used).
    ///
    /// Values may contain spaces (`Command=`, `WorkDir=`, `Comment=`): a word without `=`
    /// belongs to the previous value.
    public static func parseKeyValues(_ line: String) -> [String: String] {
        var fields: [String: String] = [:]
        var lastKey: String?
        let firstLine = line.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        for word in firstLine.split(separator: " ", omittingEmptySubsequences: true) {
            if let eq = word.firstIndex(of: "="), eq != word.startIndex, word[..<eq].allSatisfy({ !$0.isWhitespace }) {
                let key = String(word[..<eq])
                fields[key] = String(word[word.index(after: eq)...])
                lastKey = key
            } else if let key = lastKey {
                fields[key, default: ""] += " " + word
            }
        }
        return fields
    }

    /// A job from `scontrol show job -o JOBID` output, or `nil` if it names no job.
    public static func parseScontrolJob(_ output: String) -> SlurmJobInfo? {
        let fields = parseKeyValues(output)
        guard let id = fields["JobId"], let rawState = fields["JobState"] else { return nil }
        let state = firstWord(rawState)
        let hasRun = phase(ofState: state) != .pending
        return SlurmJobInfo(
            jobID: id, state: state, reason: fields["Reason"],
            exitStatus: fields["ExitCode"].flatMap(parseExitCode),
            startTime: hasRun ? fields["StartTime"].flatMap { parseTime($0) } : nil,
            endTime: phaseIsFinal(state) ? fields["EndTime"].flatMap { parseTime($0) } : nil)
    }

    /// The row for `jobID` in `sacct [-c] -j JOBID -n -P --format=JobID,State,ExitCode,Start,End`
    /// output (`|`-separated; job steps such as `123.batch` are ignored), or `nil`.
    public static func parseSacct(_ output: String, jobID: String) -> SlurmJobInfo? {
        var found: SlurmJobInfo?
        for line in output.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            guard fields.count >= 3, fields[0] == jobID else { continue }
            // A job id can appear several times (requeued); the last row is the latest.
            found = SlurmJobInfo(
                jobID: jobID, state: firstWord(fields[1]), reason: nil, exitStatus: parseExitCode(fields[2]),
                startTime: fields.count > 3 ? parseTime(fields[3]) : nil, endTime: fields.count > 4 ? parseTime(fields[4]) : nil)
        }
        return found
    }

    /// `squeue -h -o '%i|%T|%r'` output: job id → (state, reason).
    public static func parseSqueue(_ output: String) -> [String: (state: String, reason: String?)] {
        var jobs: [String: (state: String, reason: String?)] = [:]
        for line in output.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            guard fields.count >= 2, !fields[0].isEmpty else { continue }
            let reason = fields.count > 2 && !fields[2].isEmpty && fields[2] != "None" ? fields[2] : nil
            jobs[fields[0]] = (firstWord(fields[1]), reason)
        }
        return jobs
    }

    /// `CODE:SIGNAL` → exit status (a non-zero signal wins), or `nil`.
    public static func parseExitCode(_ text: String) -> ExitStatus? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let code = Int32(parts[0]), let signal = Int32(parts[1]) else { return nil }
        return signal != 0 ? .signaled(signal) : .exited(code)
    }

    /// Slurm's local `YYYY-MM-DDTHH:MM:SS` (`Unknown`, `None`, `N/A` → `nil`).
    public static func parseTime(_ text: String, timeZone: TimeZone = .current) -> Date? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "T" || $0 == ":" }).compactMap { Int($0) }
        guard parts.count == 6, text.count == 19 else { return nil }
        var components = DateComponents()
        components.year = parts[0]
        components.month = parts[1]
        components.day = parts[2]
        components.hour = parts[3]
        components.minute = parts[4]
        components.second = parts[5]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: components)
    }

    /// Where a Slurm job state (as `scontrol`, `squeue` or `sacct` print it) puts the job.
    public static func phase(ofState state: String) -> Phase {
        switch firstWord(state).uppercased() {
        case "PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD": .pending
        case "COMPLETED": .finished(.succeeded)
        case "CANCELLED", "REVOKED": .finished(.cancelled)
        case "TIMEOUT", "DEADLINE": .finished(.timedOut)
        case "FAILED", "NODE_FAIL", "BOOT_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "SPECIAL_EXIT": .finished(.failed)
        default: .running  // RUNNING, CONFIGURING, COMPLETING, SIGNALING, STAGE_OUT, SUSPENDED, STOPPED, RESIZING
        }
    }

    private static func phaseIsFinal(_ state: String) -> Bool {
        if case .finished = phase(ofState: state) { return true }
        return false
    }

    /// `CANCELLED by 0` → `CANCELLED`; `CANCELLED+` (sacct truncation) → `CANCELLED`.
    private static func firstWord(_ text: String) -> String {
        let word = text.split(separator: " ").first.map(String.init) ?? text
        return word.hasSuffix("+") ? String(word.dropLast()) : word
    }
}
