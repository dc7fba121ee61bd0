import Foundation

/// One change of a task as `GET /v1/tasks/stream` sends it (`event: task`): enough to update a
/// task list; fetch `GET /v1/tasks/{id}` for the spec and every event.
public struct TaskUpdate: Sendable, Codable, Hashable {
    /// The task's id, e.g. `t42`.
    public var id: String
    public var name: String
    /// The consumer that submitted it.
    public var consumer: String
    public var state: TaskState
    public var priority: Int
    /// Where it runs: `null` until scheduled.
    public var placement: Placement?
    /// Units asked for.
    public var units: Int
    public var createdAt: Date
    /// When the task last changed; a client keeps the update with the latest one.
    public var updatedAt: Date
    /// The transition that produced this update (the task's latest event).
    public var event: TaskEvent?

    enum CodingKeys: String, CodingKey {
        case id, name, consumer, state, priority, placement, units, event
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// The update describing `task` as it is now.
    public init(_ task: TaskRecord) {
        id = task.id
        name = task.name
        consumer = task.consumer
        state = task.state
        priority = task.priority
        placement = task.placement
        units = task.spec.units
        createdAt = task.createdAt
        updatedAt = task.updatedAt
        event = task.events.last
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(consumer, forKey: .consumer)
        try c.encode(state, forKey: .state)
        try c.encode(priority, forKey: .priority)
        try c.encode(placement, forKey: .placement)  // explicit null while unplaced
        try c.encode(units, forKey: .units)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(event, forKey: .event)
    }
}
