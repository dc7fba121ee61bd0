import Foundation
import SuanliCore
import SuanliScheduler
import SuanliStore

/// How far one part (one resource of the placement) of the current attempt has got.
struct PartProgress: Sendable, Codable, Hashable {
    /// `nil` until the agent acknowledges the assignment.
    var phase: AttemptEvent.Phase?
    var startedAt: Date?
    var endedAt: Date?
    var exitCode: Int?

    enum CodingKeys: String, CodingKey {
        case phase
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case exitCode = "exit_code"
    }
}

/// The parts of a task that change while it runs, persisted as one JSON document.
struct TaskRuntime: Sendable, Codable, Hashable {
    /// 1-based attempt number of the current placement.
    var attempt = 1
    /// Progress by resource for the current attempt.
    var parts: [String: PartProgress] = [:]
    /// Metered parts of every attempt.
    var usage: [UsageRecord] = []
}

/// A task as the platform keeps it in memory.
struct TaskEntry: Sendable {
    var runtime = TaskRuntime()
    var id: String
    var seq: UInt64
    var consumer: String
    var spec: TaskSpec
    var state: TaskState
    var placement: Placement?
    var events: [TaskEvent]
    var createdAt: Date
    var updatedAt: Date

    var record: TaskRecord {
        TaskRecord(
            id: id, name: spec.name, consumer: consumer, state: state, priority: spec.priority, placement: placement,
            spec: spec, createdAt: createdAt, updatedAt: updatedAt, events: events)
    }

    func stored() -> StoredTask {
        let encoder = SuanliJSON.encoder()
        return StoredTask(
            id: id, seq: seq, consumer: consumer, state: state.rawValue,
            specJSON: String(decoding: (try? encoder.encode(spec)) ?? Data("{}".utf8), as: UTF8.self),
            placementJSON: placement.flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) },
            eventsJSON: String(decoding: (try? encoder.encode(events)) ?? Data("[]".utf8), as: UTF8.self),
            runtimeJSON: String(decoding: (try? encoder.encode(runtime)) ?? Data("{}".utf8), as: UTF8.self),
            createdAt: createdAt, updatedAt: updatedAt)
    }

    init(
        id: String, seq: UInt64, consumer: String, spec: TaskSpec, state: TaskState, placement: Placement?,
        events: [TaskEvent], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.seq = seq
        self.consumer = consumer
        self.spec = spec
        self.state = state
        self.placement = placement
        self.events = events
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Rebuilds an entry from storage; `nil` if its documents no longer decode.
    init?(stored: StoredTask) {
        let decoder = SuanliJSON.decoder()
        guard let state = TaskState(rawValue: stored.state),
            let spec = try? decoder.decode(TaskSpec.self, from: Data(stored.specJSON.utf8)),
            let events = try? decoder.decode([TaskEvent].self, from: Data(stored.eventsJSON.utf8))
        else { return nil }
        self.init(
            id: stored.id, seq: stored.seq, consumer: stored.consumer, spec: spec, state: state,
            placement: stored.placementJSON.flatMap { try? decoder.decode(Placement.self, from: Data($0.utf8)) },
            events: events, createdAt: stored.createdAt, updatedAt: stored.updatedAt)
        if let runtime = try? decoder.decode(TaskRuntime.self, from: Data(stored.runtimeJSON.utf8)) { self.runtime = runtime }
    }

    /// The placement's resources, each once.
    var placedResources: [String] { placement?.parts.map(\.resource) ?? [] }

    mutating func transition(to state: TaskState, at now: Date, message: String? = nil) {
        self.state = state
        updatedAt = now
        events.append(TaskEvent(state: state, at: now, message: message))
    }
}

extension PlatformState {
    /// Applies what the engine changed while draining its queue; returns the mutations to persist.
    mutating func apply(_ drain: DrainResult, now: Date) -> [StoreMutation] {
        var mutations: [StoreMutation] = []
        for placed in drain.scheduled {
            guard var task = tasks[placed.id] else { continue }
            task.placement = placed.placement
            task.transition(
                to: .scheduled, at: now,
                message: task.runtime.attempt > 1 ? "attempt \(task.runtime.attempt) placed" : "capacity appeared")
            tasks[placed.id] = task
            assign(placed.id)
            mutations.append(.putTask(tasks[placed.id]!.stored()))
        }
        for id in drain.expired {
            guard var task = tasks[id] else { continue }
            task.transition(to: .expired, at: now, message: "the deadline passed while queued")
            tasks[id] = task
            mutations.append(.putTask(task.stored()))
        }
        return mutations
    }

    /// Keeps the engine's view of a resource in step with the registry.
    mutating func syncEngine(resource id: String, now: Date) -> [StoreMutation] {
        let t = now.timeIntervalSince1970
        if let record = registry.resolve(id, now: now) {
            return apply(engine.upsertResource(SchedulerResource(record: record), now: t), now: now)
        }
        let displaced = engine.removeResource(id, now: t)
        var mutations: [StoreMutation] = []
        for taskID in displaced {
            mutations += abandonAttempt(taskID, reason: "resource \(id) was removed", lastSeen: now, now: now, requeueInEngine: true)
        }
        return mutations + apply(engine.drain(now: t), now: now)
    }
}

extension Platform {
    func requireConsumer(_ principal: Principal) throws(SuanliError) -> String {
        switch principal {
        case .consumer(let id): return id
        case .anonymous: throw SuanliError(.unauthorized, "submitting tasks needs a consumer token; pass Authorization: Bearer TOKEN")
        case .operator, .provider:
            throw SuanliError(.forbidden, "tasks are submitted with a consumer token (operators create consumers with POST /v1/consumers)")
        }
    }

    /// Whether `principal` may see or change task `task`: its consumer, or the operator.
    func authorize(_ principal: Principal, for task: TaskEntry) throws(SuanliError) {
        switch principal {
        case .operator: return
        case .consumer(let id) where id == task.consumer: return
        case .anonymous: throw SuanliError(.unauthorized, "tasks are private; pass the consumer's or the operator's token")
        default: throw SuanliError(.notFound, "no task \(task.id)")
        }
    }

    /// Submits a task: placed now, queued, or rejected (422 with the explanation) if nothing could ever take it.
    public func submitTask(_ spec: TaskSpec, by principal: Principal) async throws(SuanliError) -> TaskSubmission {
        let consumer = try requireConsumer(principal)
        var spec = spec
        spec.consumer = consumer
        let now = clock()
        return try await commit { state throws(SuanliError) in
            let id = "t\(state.nextTask)"
            let outcome = try state.engine.submit(id, spec: spec, now: now.timeIntervalSince1970)
            if case .impossible(let explanation) = outcome {
                throw SuanliError(.validation, explanation.message, field: "accept")
            }
            state.nextTask += 1
            var task = TaskEntry(
                id: id, seq: state.nextTask - 1, consumer: consumer, spec: spec, state: .queued, placement: nil,
                events: [TaskEvent(state: .queued, at: now)], createdAt: now, updatedAt: now)
            if case .scheduled(let placement) = outcome {
                task.placement = placement
                task.transition(to: .scheduled, at: now)
            }
            state.addTask(task)
            if task.state == .scheduled { state.assign(id) }
            return (
                TaskSubmission(id: id, state: task.state, placement: task.placement),
                [.putTask(task.stored()), .setMeta(key: "next_task", value: String(state.nextTask))]
            )
        }
    }

    /// One task (its consumer or the operator).
    public func task(_ id: String, by principal: Principal) throws(SuanliError) -> TaskRecord {
        guard let task = state.withLock({ $0.tasks[id] }) else { throw SuanliError(.notFound, "no task \(id)") }
        try authorize(principal, for: task)
        return task.record
    }

    /// A page of tasks in submission order: the consumer's own, or all for the operator.
    public func tasks(state filter: TaskState?, limit: Int, cursor: String?, by principal: Principal) throws(SuanliError)
        -> Page<TaskRecord>
    {
        let consumer: String?
        switch principal {
        case .operator: consumer = nil
        case .consumer(let id): consumer = id
        case .anonymous: throw SuanliError(.unauthorized, "listing tasks needs a consumer or operator token")
        case .provider: throw SuanliError(.forbidden, "providers list their work through the agent API, not /v1/tasks")
        }
        guard (1...1000).contains(limit) else { throw SuanliError(.badRequest, "limit must be between 1 and 1000", field: "limit") }
        var after: UInt64 = 0
        if let cursor {
            guard cursor.hasPrefix("t"), let seq = UInt64(cursor.dropFirst()) else {
                throw SuanliError(.badRequest, "cursor '\(cursor.prefix(40))' is not one this server issued", field: "cursor")
            }
            after = seq
        }
        return state.withLock { state in state.taskPage(consumer: consumer, state: filter, after: after, limit: limit) }
    }

    /// Cancels a task: it leaves the queue or releases its units at once.
    public func cancelTask(_ id: String, by principal: Principal) async throws(SuanliError) -> TaskRecord {
        let now = clock()
        return try await commit { state throws(SuanliError) in
            guard var task = state.tasks[id] else { throw SuanliError(.notFound, "no task \(id)") }
            try authorize(principal, for: task)
            guard !task.state.isFinal else {
                throw SuanliError(.conflict, "task \(id) is already \(task.state.rawValue)")
            }
            let drain = state.engine.release(id, now: now.timeIntervalSince1970)
            let who: String = if case .consumer(let c) = principal { c } else { "the operator" }
            task.meterOpenParts(until: now, registry: state.registry)
            task.transition(to: .cancelled, at: now, message: "cancelled by \(who)")
            state.tasks[id] = task
            state.unassign(id)
            return (task.record, [.putTask(task.stored())] + state.apply(drain, now: now))
        }
    }

    /// Why a task waits (or how it was placed): candidates removed by each constraint and what would make it feasible.
    public func explainTask(_ id: String, by principal: Principal) throws(SuanliError) -> Explanation {
        try state.withLock { state throws(SuanliError) in
            guard let task = state.tasks[id] else { throw SuanliError(.notFound, "no task \(id)") }
            try authorize(principal, for: task)
            return state.engine.explain(task.spec, taskID: task.state.isFinal ? nil : id)
        }
    }
}

extension Platform {
    /// How many tasks are in each state (for operators' dashboards and benchmarks).
    public func taskCounts() -> [TaskState: Int] {
        state.withLock { state in
            var counts: [TaskState: Int] = [:]
            for task in state.tasks.values { counts[task.state, default: 0] += 1 }
            return counts
        }
    }
}
