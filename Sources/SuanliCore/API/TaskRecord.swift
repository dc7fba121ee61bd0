import Foundation

/// One transition in a task's life.
public struct TaskEvent: Sendable, Codable, Hashable {
    public var state: TaskState
    public var at: Date
    /// Why, when there is more to say (e.g. "capacity appeared", "cancelled by c1").
    public var message: String?

    /// Creates an event.
    public init(state: TaskState, at: Date, message: String? = nil) {
        self.state = state
        self.at = at
        self.message = message
    }
}

/// A task as the API returns it.
public struct TaskRecord: Sendable, Codable, Hashable {
    /// Platform-unique task id, e.g. `t42`.
    public var id: String
    public var name: String
    /// The consumer that submitted it.
    public var consumer: String
    public var state: TaskState
    public var priority: Int
    /// Where it runs: `null` until scheduled.
    public var placement: Placement?
    public var spec: TaskSpec
    public var createdAt: Date
    public var updatedAt: Date
    /// Every transition, oldest first.
    public var events: [TaskEvent]

    enum CodingKeys: String, CodingKey {
        case id, name, consumer, state, priority, placement, spec, events
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Creates a task record.
    public init(
        id: String, name: String, consumer: String, state: TaskState, priority: Int, placement: Placement?, spec: TaskSpec,
        createdAt: Date, updatedAt: Date, events: [TaskEvent]
    ) {
        self.id = id
        self.name = name
        self.consumer = consumer
        self.state = state
        self.priority = priority
        self.placement = placement
        self.spec = spec
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.events = events
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(consumer, forKey: .consumer)
        try c.encode(state, forKey: .state)
        try c.encode(priority, forKey: .priority)
        try c.encode(placement, forKey: .placement)  // explicit null while unplaced
        try c.encode(spec, forKey: .spec)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(events, forKey: .events)
    }
}

/// The answer to `POST /v1/tasks`: `{"id","state","placement"}`.
public struct TaskSubmission: Sendable, Codable, Hashable {
    public var id: String
    public var state: TaskState
    public var placement: Placement?

    /// Creates a submission answer.
    public init(id: String, state: TaskState, placement: Placement?) {
        self.id = id
        self.state = state
        self.placement = placement
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(state, forKey: .state)
        try c.encode(placement, forKey: .placement)
    }
}
