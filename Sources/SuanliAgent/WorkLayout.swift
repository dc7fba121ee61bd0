import Foundation
import SuanliCore

/// The agent's directory layout under its work directory.
///
/// ```
/// WORK/<task>/attempt<N>/            working directory of attempt N
/// WORK/<task>/attempt<N>/stdout.log  its standard output
/// WORK/<task>/attempt<N>/stderr.log  its standard error
/// WORK/<task>/attempt<N>-<resource>/ one part's directory, when the attempt has several parts here
/// WORK/<task>/checkpoint/            SUANLI_CHECKPOINT_DIR, shared by all attempts
/// WORK/.jobs/                        executors' records of running jobs (for recovery)
/// ```
/// `<task>` is the task id with every byte outside `A-Z a-z 0-9 . _ -` written as `%XX`
/// (and a leading `.` as `%2E`), so ids can never escape the work directory.
public struct WorkLayout: Sendable, Hashable {
    /// The agent's work directory (absolute).
    public var root: String

    /// Creates a layout rooted at `root` (made absolute against the current directory).
    public init(root: String) {
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        self.root = absolute.count > 1 && absolute.hasSuffix("/") ? String(absolute.dropLast()) : absolute
    }

    /// The directory name used for a task id.
    public static func directoryName(forTask taskID: String) -> String {
        var out = ""
        for (offset, byte) in taskID.utf8.enumerated() {
            let safe = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x5F || byte == 0x2D || (byte == 0x2E && offset > 0)
            if safe {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out.isEmpty ? "%" : out
    }

    /// `WORK/<task>`.
    public func taskDirectory(taskID: String) -> String {
        root + "/" + Self.directoryName(forTask: taskID)
    }

    /// `WORK/<task>/attempt<N>`.
    public func attemptDirectory(taskID: String, attempt: Int) -> String {
        taskDirectory(taskID: taskID) + "/attempt\(attempt)"
    }

    /// `WORK/<task>/checkpoint`.
    public func checkpointDirectory(taskID: String) -> String {
        taskDirectory(taskID: taskID) + "/checkpoint"
    }

    /// `WORK/.jobs`: where executors keep records of running jobs (``ProcessExecutor/Configuration/stateDirectory``).
    public var stateDirectory: String { root + "/.jobs" }

    /// `WORK/<task>/attempt<N>-<resource>`: one part's directory when the attempt has several here.
    public func partDirectory(taskID: String, attempt: Int, part: String) -> String {
        attemptDirectory(taskID: taskID, attempt: attempt) + "-" + Self.directoryName(forTask: part)
    }

    /// A job with this layout's directories and log paths; a `part` (a split task's resource,
    /// when the attempt has several parts here) gets a directory of its own.
    public func job(
        taskID: String, attempt: Int, command: [String], environment: [String: String] = [:],
        kind: ResourceKind, units: Int, devices: [Int]? = nil, cpus: [Int]? = nil, timeLimitSeconds: Double? = nil,
        part: String? = nil
    ) -> Job {
        let dir =
            part.map { partDirectory(taskID: taskID, attempt: attempt, part: $0) }
            ?? attemptDirectory(taskID: taskID, attempt: attempt)
        return Job(
            taskID: taskID, attempt: attempt, command: command, environment: environment, workingDirectory: dir,
            checkpointDirectory: checkpointDirectory(taskID: taskID), kind: kind, units: units, devices: devices,
            cpus: cpus, timeLimitSeconds: timeLimitSeconds, stdoutPath: dir + "/stdout.log",
            stderrPath: dir + "/stderr.log", part: part)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
