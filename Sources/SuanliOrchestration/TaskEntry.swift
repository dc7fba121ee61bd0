import Foundation
import SuanliCore

/// How far one part (one resource of the placement) of the current attempt has got.
public struct PartProgress: Sendable, Codable, Hashable {
    /// `nil` until the agent acknowledges the assignment.
    public var phase: AttemptEvent.Phase?
    /// When the platform placed this attempt (the earliest time metering may start).
    public var assignedAt: Date?
    /// When the agent said it was starting the part (platform clock).
    public var startingAt: Date?
    /// When the agent said the part was running (platform clock).
    public var startedAt: Date?
    /// When the part ended (platform clock): its final event, a cancellation or the loss of its provider.
    public var endedAt: Date?
    /// The exit code the agent reported, if any.
    public var exitCode: Int?

    enum CodingKeys: String, CodingKey {
        case phase
        case assignedAt = "assigned_at"
        case startingAt = "starting_at"
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case exitCode = "exit_code"
    }

    /// A part just assigned to its agent.
    public init(assignedAt: Date? = nil) { self.assignedAt = assignedAt }

    /// Where metering of this part starts: when it ran, or, if the agent never said `running`, when it was starting.
    public var meteredFrom: Date? { startedAt ?? startingAt }
}

/// The parts of a task that change while it runs, persisted as one JSON document.
public struct TaskRuntime: Sendable, Codable, Hashable {
    /// 1-based attempt number of the current placement.
    public var attempt = 1
    /// Progress by resource for the current attempt.
    public var parts: [String: PartProgress] = [:]
    /// Metered parts of every attempt.
    public var usage: [UsageRecord] = []

    /// An empty runtime (attempt 1).
    public init() {}

    enum CodingKeys: String, CodingKey { case attempt, parts, usage }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        attempt = try c.decodeIfPresent(Int.self, forKey: .attempt) ?? 1
        parts = try c.decodeIfPresent([String: PartProgress].self, forKey: .parts) ?? [:]
        usage = try c.decodeIfPresent([UsageRecord].self, forKey: .usage) ?? []
    }
}

/// A task as the platform keeps it in memory: its spec, state, placement, history and runtime.
public struct TaskEntry: Sendable, Hashable {
    /// Attempt, per-part progress and metered usage.
    public internal(set) var runtime = TaskRuntime()
    /// Platform-unique id, e.g. `t42`.
    public let id: String
    /// Submission order.
    public let seq: UInt64
    /// The consumer that submitted it.
    public let consumer: String
    /// What the consumer asked for.
    public let spec: TaskSpec
    /// The spec as stored, encoded once (it never changes; tasks are written several times).
    let specJSON: EncodedSpec
    /// Where the task is in its life (changed only by ``TaskBook``).
    public internal(set) var state: TaskState
    /// Where the current attempt runs, `nil` while queued.
    public internal(set) var placement: Placement?
    /// Every transition, oldest first.
    public internal(set) var events: [TaskEvent]
    /// When it was submitted.
    public let createdAt: Date
    /// When it last changed.
    public internal(set) var updatedAt: Date
    /// The provider owning each resource of the current placement (not stored; found again on restore).
    public internal(set) var owners: [String: Prefix] = [:]

    /// Creates a task in `state` (the book places it or queues it).
    public init(
        id: String, seq: UInt64, consumer: String, spec: TaskSpec, state: TaskState, placement: Placement?,
        events: [TaskEvent], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.seq = seq
        self.consumer = consumer
        self.spec = spec
        self.specJSON = EncodedSpec(json: String(decoding: (try? SuanliJSON.encoder().encode(spec)) ?? Data("{}".utf8), as: UTF8.self))
        self.state = state
        self.placement = placement
        self.events = events
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The task as the API returns it.
    public var record: TaskRecord {
        TaskRecord(
            id: id, name: spec.name, consumer: consumer, state: state, priority: spec.priority, placement: placement,
            spec: spec, createdAt: createdAt, updatedAt: updatedAt, events: events)
    }

    /// The placement's resources, each once.
    public var placedResources: [String] { placement?.parts.map(\.resource) ?? [] }

    /// The most retries allowed, plus the first attempt, plus one per preemption (a preempted
    /// spot attempt does not use up a retry).
    public var maxAttempts: Int {
        let retries = max(0, spec.maxRetries ?? TaskSpec.defaultMaxRetries)
        let preemptions = events.count { $0.state == .lost && $0.message?.hasPrefix(TaskBook.preemptedPrefix) == true }
        return retries == Int.max ? Int.max : retries + 1 + preemptions
    }
}

// MARK: Storage

/// A stored task that no longer decodes; loading stops with it rather than dropping the task.
public struct UndecodableTask: Error, Sendable, CustomStringConvertible {
    /// The task's id.
    public var id: String
    /// What failed to decode.
    public var reason: String

    public var description: String { "stored task \(id) cannot be decoded: \(reason)" }
}

extension TaskEntry {
    /// The durable form of this task (what `putTask` writes).
    public func stored() -> StoredTask {
        let encoder = SuanliJSON.encoder()
        return StoredTask(
            id: id, seq: seq, consumer: consumer, state: state.rawValue,
            specJSON: specJSON.json,
            placementJSON: placement.flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) },
            eventsJSON: String(decoding: (try? encoder.encode(events)) ?? Data("[]".utf8), as: UTF8.self),
            runtimeJSON: String(decoding: (try? encoder.encode(runtime)) ?? Data("{}".utf8), as: UTF8.self),
            createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Rebuilds an entry from storage; throws ``UndecodableTask`` naming the task and the field.
    public static func decode(_ stored: StoredTask) throws(UndecodableTask) -> TaskEntry {
        let decoder = SuanliJSON.decoder()
        func fail(_ field: String, _ error: any Error) -> UndecodableTask {
            UndecodableTask(id: stored.id, reason: "\(field): \(error)")
        }
        guard let state = TaskState(rawValue: stored.state) else {
            throw UndecodableTask(id: stored.id, reason: "unknown state '\(stored.state)'")
        }
        let spec: TaskSpec
        let events: [TaskEvent]
        var placement: Placement?
        let runtime: TaskRuntime
        do { spec = try decoder.decode(TaskSpec.self, from: Data(stored.specJSON.utf8)) } catch { throw fail("spec", error) }
        do { events = try decoder.decode([TaskEvent].self, from: Data(stored.eventsJSON.utf8)) } catch { throw fail("events", error) }
        if let json = stored.placementJSON {
            do { placement = try decoder.decode(Placement.self, from: Data(json.utf8)) } catch { throw fail("placement", error) }
        }
        do { runtime = try decoder.decode(TaskRuntime.self, from: Data(stored.runtimeJSON.utf8)) } catch {
            throw fail("runtime", error)
        }
        var entry = TaskEntry(
            id: stored.id, seq: stored.seq, consumer: stored.consumer, spec: spec, state: state, placement: placement,
            events: events, createdAt: stored.createdAt, updatedAt: stored.updatedAt)
        entry.runtime = runtime
        return entry
    }
}

/// A task's spec encoded for storage. It is derived from the spec, so it takes no part in
/// equality (two encodings of one spec may order their keys differently).
struct EncodedSpec: Sendable, Hashable {
    let json: String

    static func == (_: EncodedSpec, _: EncodedSpec) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}
