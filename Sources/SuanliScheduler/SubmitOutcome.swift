import SuanliCore

/// What ``SchedulerEngine/submit(_:spec:now:)`` decided.
public enum SubmitOutcome: Sendable, Hashable {
    /// Placed now; the units are reserved.
    case scheduled(Placement)
    /// Waiting for capacity; `position` is 1-based in the queue.
    case queued(position: Int)
    /// No registered resource could ever take it (answer 422 with the explanation); the engine did not keep it.
    case impossible(Explanation)

    /// The task state this outcome leads to.
    public var state: TaskState {
        switch self {
        case .scheduled: .scheduled
        case .queued: .queued
        case .impossible: .rejected
        }
    }

    /// The placement, if scheduled.
    public var placement: Placement? {
        if case .scheduled(let placement) = self { return placement }
        return nil
    }
}

/// A queued task the engine has just placed.
public struct ScheduledTask: Sendable, Hashable {
    /// The task identifier given to ``SchedulerEngine/submit(_:spec:now:)``.
    public var id: String
    public var placement: Placement

    /// Creates a record of a placed task.
    public init(id: String, placement: Placement) {
        self.id = id
        self.placement = placement
    }
}

/// What draining the queue changed: tasks placed, and tasks dropped because their deadline passed.
///
/// Every engine call that can add capacity drains the queue and returns one of these; the server
/// persists the new states (and tells the consumers).
public struct DrainResult: Sendable, Hashable {
    /// Tasks placed, in placement order.
    public var scheduled: [ScheduledTask]
    /// Queued tasks whose deadline passed; the engine forgot them (state `expired`).
    public var expired: [String]
    /// Total weighted cost (Σ units × cost per unit) of the drained placements as the greedy
    /// pass made them.
    public var greedyCost: Double
    /// The same after the batch optimiser (equal to `greedyCost` when it did not run or found
    /// nothing better; never higher).
    public var optimisedCost: Double

    /// Creates a drain result.
    public init(scheduled: [ScheduledTask], expired: [String], greedyCost: Double, optimisedCost: Double) {
        self.scheduled = scheduled
        self.expired = expired
        self.greedyCost = greedyCost
        self.optimisedCost = optimisedCost
    }

    /// Nothing changed.
    public static let empty = DrainResult(scheduled: [], expired: [], greedyCost: 0, optimisedCost: 0)

    /// Whether nothing changed.
    public var isEmpty: Bool { scheduled.isEmpty && expired.isEmpty }
}

/// The engine's view of one task.
public struct TaskStatus: Sendable, Hashable {
    public var id: String
    /// `queued`, `scheduled` or `running` (the engine forgets tasks once released).
    public var state: TaskState
    public var placement: Placement?
    /// 1-based position in the queue when queued.
    public var queuePosition: Int?
    /// When it was placed (engine time), if placed.
    public var placedAt: Double?

    /// Creates a status.
    public init(id: String, state: TaskState, placement: Placement?, queuePosition: Int?, placedAt: Double?) {
        self.id = id
        self.state = state
        self.placement = placement
        self.queuePosition = queuePosition
        self.placedAt = placedAt
    }
}
