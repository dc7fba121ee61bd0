/// Where a task is in its life.
///
/// `queued → scheduled → starting → running → succeeded | failed | cancelled`, with `lost` when
/// the provider running it vanished (the task then moves to another provider as a new attempt,
/// or fails once its retries are spent). The scheduler engine decides `queued`, `scheduled` and
/// `expired`; the platform and the agents do the rest. A spec that no resource could ever
/// satisfy is `rejected` (the API answers 422 with an ``Explanation``).
public enum TaskState: String, Sendable, Codable, Hashable, CaseIterable {
    /// Waiting for capacity, in priority order then submission order.
    case queued
    /// Units are reserved on the resources of its placement; the agents have been told.
    case scheduled
    /// An agent has accepted the work and is starting it.
    case starting
    /// The provider runs the task (its units are in the provider's reports).
    case running
    /// Finished with exit code 0; its units were released.
    case succeeded
    /// Finished unsuccessfully (or its retries are spent); its units were released.
    case failed
    /// Cancelled by its consumer or an operator; its units were released.
    case cancelled
    /// Its provider stopped answering; the attempt is abandoned and the task placed again.
    case lost
    /// Still queued when its deadline passed.
    case expired
    /// No registered resource could ever satisfy the spec.
    case rejected

    /// Whether the task will not change state again.
    public var isFinal: Bool {
        switch self {
        case .succeeded, .failed, .cancelled, .expired, .rejected: true
        case .queued, .scheduled, .starting, .running, .lost: false
        }
    }

    /// Whether the task holds reserved units.
    public var holdsUnits: Bool { self == .scheduled || self == .starting || self == .running }
}
