/// Why a task is (or is not) placeable: how many resources each constraint removed, and a
/// sentence saying what would make it feasible (`GET /v1/tasks/{id}/explain`, and the body of
/// a 422 for an impossible spec).
public struct Explanation: Sendable, Codable, Hashable {
    /// The engine's verdict.
    public enum Verdict: String, Sendable, Codable, Hashable {
        /// Some resource can take the task now.
        case placeable
        /// Some registered resource could take it, but not now: it waits.
        case queued
        /// No registered resource could ever take it, even with every unit free.
        case impossible
    }

    /// One step of the funnel: a constraint and the candidates it removed.
    public struct Step: Sendable, Codable, Hashable {
        /// The spec field the constraint comes from, e.g. `accept.kind`, `max_rtt_ms`, `free_units`.
        public var constraint: String
        /// Candidates this constraint removed (of those that passed the steps before it).
        public var removed: Int
        /// Candidates left after it.
        public var remaining: Int

        /// Creates a step.
        public init(constraint: String, removed: Int, remaining: Int) {
            self.constraint = constraint
            self.removed = removed
            self.remaining = remaining
        }
    }

    public var verdict: Verdict
    /// Resources considered (every registered resource).
    public var resources: Int
    /// The funnel, in the order the constraints are applied.
    public var steps: [Step]
    /// What blocks the task and what would make it feasible, e.g. "no gpu within 20 ms of
    /// city.shenzhen has 8 free units; the most free has 4".
    public var message: String
    /// 1-based position in the queue when the task is queued.
    public var queuePosition: Int?

    enum CodingKeys: String, CodingKey {
        case verdict, resources, steps, message
        case queuePosition = "queue_position"
    }

    /// Creates an explanation.
    public init(verdict: Verdict, resources: Int, steps: [Step], message: String, queuePosition: Int? = nil) {
        self.verdict = verdict
        self.resources = resources
        self.steps = steps
        self.message = message
        self.queuePosition = queuePosition
    }

    /// The step for `constraint`, if the funnel has it.
    public func step(_ constraint: String) -> Step? { steps.first { $0.constraint == constraint } }
}
