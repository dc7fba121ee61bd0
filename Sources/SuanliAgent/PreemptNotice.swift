import Foundation

/// The notice a job gets when the platform stops it (a preemption by a non-preemptible task, a
/// cancel, a part moved away): SIGTERM, then SIGKILL after this many seconds.
///
/// Set by the agent's environment variable `SUANLI_PREEMPT_NOTICE_S` (default 30, 0…3600) and
/// given to every job in its environment under the same name, so that a job knows how long it
/// has to write a checkpoint after SIGTERM.
public enum PreemptNotice {
    /// The default notice in seconds.
    public static let defaultSeconds = 30.0

    /// A `SUANLI_PREEMPT_NOTICE_S` that is not a number of seconds in range.
    public struct Invalid: Error, Sendable, Hashable {
        /// What is wrong.
        public var message: String
    }

    /// The notice from `SUANLI_PREEMPT_NOTICE_S` in `environment` (default 30 s).
    public static func seconds(environment: [String: String] = ProcessInfo.processInfo.environment) throws(Invalid) -> Double {
        guard let text = environment["SUANLI_PREEMPT_NOTICE_S"] else { return defaultSeconds }
        guard let value = Double(text), value.isFinite, (0...3600).contains(value) else {
            throw Invalid(message: "SUANLI_PREEMPT_NOTICE_S must be a number of seconds between 0 and 3600, got '\(text)'")
        }
        return value
    }

    /// Seconds as a job sees them (`30`, `1.5`).
    public static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
    }
}
