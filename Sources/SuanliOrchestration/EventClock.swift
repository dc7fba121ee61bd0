import Foundation

/// Maps the times agents report onto the platform's clock, for metering.
///
/// An event carries `at`, the agent's clock when the phase happened; its batch carries
/// `sent_at`, the agent's clock when it was sent. The platform receives the batch at `now`
/// (its own clock), so `now − sent_at` is the agents' clock offset plus the transfer time, and
/// `at + (now − sent_at)` is when the phase happened on the platform's clock, however late the
/// batch arrived. The result is clamped to `[notBefore, now]`: never before the attempt was
/// placed, never in the future. Without `at`, the arrival time is used.
public enum EventClock {
    /// The platform time of an event: its agent time corrected by the batch offset and clamped.
    public static func platformTime(agentTime: Date?, sentAt: Date?, receivedAt now: Date, notBefore floor: Date?) -> Date {
        guard let agentTime, agentTime.timeIntervalSince1970.isFinite else { return now }
        var seconds = agentTime.timeIntervalSince1970
        if let sentAt, sentAt.timeIntervalSince1970.isFinite {
            seconds += now.timeIntervalSince1970 - sentAt.timeIntervalSince1970
        }
        if let floor, seconds < floor.timeIntervalSince1970 { seconds = floor.timeIntervalSince1970 }
        if !(seconds <= now.timeIntervalSince1970) { seconds = now.timeIntervalSince1970 }
        return Date(timeIntervalSince1970: seconds)
    }
}
