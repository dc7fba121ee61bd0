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
    public internal(set) var placement: Placement? {
        didSet { placementJSON = StoredJSON(placement) }
    }
    /// Every transition, oldest first (changed through ``record(_:)`` and ``amendLastEvent(message:)``).
    public private(set) var events: [TaskEvent]
    /// `placement` as stored, encoded when it changes (a task is written several times per placement).
    private var placementJSON: StoredJSON
    /// `events` as stored, extended event by event (the history only grows, and is written at every step).
    private var eventsJSON: StoredJSON
    /// When it was submitted.
    public let createdAt: Date
    /// When it last changed.
    public internal(set) var updatedAt: Date
    /// The provider owning each resource of the current placement (not stored; found again on restore).
    public internal(set) var owners: [String: Prefix] = [:]

    /// Creates a task in `state` (the book places it or queues it); `encodedSpec`, when given, is `spec` encoded.
    public init(
        id: String, seq: UInt64, consumer: String, spec: TaskSpec, encodedSpec: EncodedSpec? = nil, state: TaskState,
        placement: Placement?, events: [TaskEvent], createdAt: Date, updatedAt: Date
    ) {
        self.init(
            id: id, seq: seq, consumer: consumer, spec: spec, specJSON: encodedSpec ?? EncodedSpec(spec), state: state,
            placement: placement,
            placementJSON: StoredJSON(placement), events: events, eventsJSON: StoredJSON(events), createdAt: createdAt,
            updatedAt: updatedAt)
    }

    /// Creates a task whose placement and history are already encoded (as loaded from storage).
    private init(
        id: String, seq: UInt64, consumer: String, spec: TaskSpec, specJSON: EncodedSpec, state: TaskState,
        placement: Placement?,
        placementJSON: StoredJSON, events: [TaskEvent], eventsJSON: StoredJSON, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.seq = seq
        self.consumer = consumer
        self.spec = spec
        self.specJSON = specJSON
        self.state = state
        self.placement = placement
        self.events = events
        self.placementJSON = placementJSON
        self.eventsJSON = eventsJSON
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Appends `event` to the history.
    mutating func record(_ event: TaskEvent) {
        events.append(event)
        eventsJSON.append(event, first: events.count == 1)
    }

    /// Replaces the message of the latest event.
    mutating func amendLastEvent(message: String?) {
        guard let last = events.indices.last else { return }
        events[last].message = message
        eventsJSON = StoredJSON(events)
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
    ///
    /// The spec, placement and history are encoded when they change, so writing a task encodes
    /// only its runtime.
    public func stored() -> StoredTask {
        StoredTask(
            id: id, seq: seq, consumer: consumer, state: state.rawValue,
            specJSON: specJSON.json, placementJSON: placementJSON.json ?? StoredJSON(placement).json,
            eventsJSON: eventsJSON.json ?? StoredJSON(events).json ?? "[]",
            runtimeJSON: String(decoding: (try? SuanliJSON.encoder().encode(runtime)) ?? Data("{}".utf8), as: UTF8.self),
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
            id: stored.id, seq: stored.seq, consumer: stored.consumer, spec: spec, specJSON: EncodedSpec(json: stored.specJSON),
            state: state, placement: placement, placementJSON: StoredJSON(json: stored.placementJSON), events: events,
            eventsJSON: StoredJSON(json: stored.eventsJSON), createdAt: stored.createdAt, updatedAt: stored.updatedAt)
        entry.runtime = runtime
        return entry
    }
}

/// A value encoded for storage, kept beside the value it encodes. Like ``EncodedSpec`` it takes
/// no part in equality: it is derived from a field that does.
struct StoredJSON: Sendable, Hashable {
    /// The JSON text; `nil` for an absent value, or one that failed to encode (then encoded again when stored).
    private(set) var json: String?

    /// JSON text already encoded.
    init(json: String?) { self.json = json }

    /// Encodes `value` (`nil` stays `nil`).
    init<Value: Encodable>(_ value: Value?) {
        json = value.flatMap { try? SuanliJSON.encoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Appends `element` to the encoded array (`first`: it is the array's only element).
    mutating func append<Element: Encodable>(_ element: Element, first: Bool) {
        guard var text = json, text.last == "]", let data = try? SuanliJSON.encoder().encode(element) else {
            json = nil  // ``TaskEntry/stored()`` encodes the whole array afresh
            return
        }
        json = nil  // `text` holds the only reference now, so it grows in place
        text.removeLast()
        if !first { text += "," }
        text += String(decoding: data, as: UTF8.self)
        text += "]"
        json = text
    }

    static func == (_: StoredJSON, _: StoredJSON) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}

/// A task's spec encoded for storage. It is derived from the spec, so it takes no part in
/// equality (two encodings of one spec may order their keys differently).
public struct EncodedSpec: Sendable, Hashable {
    /// The JSON text.
    public let json: String

    /// Encodes `spec` (before taking a lock: the encoding is the costly part of a submission's record).
    public init(_ spec: TaskSpec) {
        json = String(decoding: (try? SuanliJSON.encoder().encode(spec)) ?? Data("{}".utf8), as: UTF8.self)
    }

    init(json: String) { self.json = json }

    public static func == (_: EncodedSpec, _: EncodedSpec) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
