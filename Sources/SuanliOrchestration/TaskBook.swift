import Foundation
import SuanliCore
import SuanliScheduler

/// The task lifecycle as a pure state machine: tasks, their attempts, parts and per-provider
/// assignments.
///
/// Every input (a submission's outcome, a queue drain, an agent event, a lost resource, a
/// cancellation, restart recovery) changes the book and returns the ``LifecycleAction``s the
/// runtime must perform — persist, wake agents, tell the scheduler engine, meter — the way
/// postgres-nio's `PoolStateMachine` returns actions to its `ConnectionPool`. The book does no
/// I/O and reads no clock: time is passed in. It does not hold the scheduler engine either; the
/// platform drives the engine with the actions and feeds each resulting ``DrainResult`` back
/// through ``apply(_:now:owner:)``.
///
/// Only the edges of ``isLegal(from:to:)`` exist. Each input switches exhaustively over the
/// task's state; an input that has no edge from that state changes nothing and says so
/// (``EventOutcome/ignored(_:)``, ``CancelRefusal``).
public struct TaskBook: Sendable {
    /// Every task by id (written only through ``put(_:)`` and ``drop(_:)``, which keep ``liveByState``).
    public fileprivate(set) var tasks: [String: TaskEntry] = [:]
    /// How many tasks in ``tasks`` are in each state, kept as they change (reading it scans nothing).
    public fileprivate(set) var liveByState: [TaskState: Int] = [:]
    /// Task ids in submission (`seq`) order.
    public private(set) var order: [String] = []
    /// Task ids of each consumer in submission order.
    public private(set) var byConsumer: [String: [String]] = [:]
    /// Final tasks moved out of memory by ``archive(_:)``, by their final state.
    public private(set) var archivedByState: [TaskState: Int] = [:]
    /// Non-final tasks with a part of their current attempt on each provider's resources.
    public private(set) var assigned: [Prefix: Set<String>] = [:]
    /// Non-final tasks with a part of their current attempt on each resource.
    public private(set) var onResource: [String: Set<String>] = [:]

    /// An empty book.
    public init() {}

    /// One task.
    public subscript(id: String) -> TaskEntry? { tasks[id] }

    // MARK: The transition table

    /// Whether the lifecycle has an edge from `from` to `to`.
    ///
    /// `queued → scheduled | expired | cancelled`; `scheduled → starting | running | succeeded |
    /// failed | cancelled | lost`; `starting → running | succeeded | failed | cancelled | lost`;
    /// `running → succeeded | failed | cancelled | lost`; `lost → queued | failed | cancelled`.
    /// Final states have no edges.
    public static func isLegal(from: TaskState, to: TaskState) -> Bool {
        switch from {
        case .queued: [.scheduled, .expired, .cancelled].contains(to)
        case .scheduled: [.starting, .running, .succeeded, .failed, .cancelled, .lost].contains(to)
        case .starting: [.running, .succeeded, .failed, .cancelled, .lost].contains(to)
        case .running: [.succeeded, .failed, .cancelled, .lost].contains(to)
        case .lost: [.queued, .failed, .cancelled].contains(to)
        case .succeeded, .failed, .cancelled, .expired, .rejected: false
        }
    }

    /// Moves a task along one edge and records it; changes nothing for an edge that does not exist.
    @discardableResult
    static func move(_ task: inout TaskEntry, to state: TaskState, at now: Date, message: String? = nil) -> Bool {
        guard isLegal(from: task.state, to: state) else {
            assertionFailure("no edge \(task.state) → \(state) for \(task.id)")
            return false
        }
        task.state = state
        task.updatedAt = now
        task.record(TaskEvent(state: state, at: now, message: message))
        return true
    }

    // MARK: Submission and placement

    /// A submission the engine placed or queued; `.impossible` leaves the book unchanged (the
    /// API answers 422 and no task exists). `encodedSpec`, when given, is `spec` encoded.
    public mutating func submit(
        id: String, seq: UInt64, consumer: String, spec: TaskSpec, encodedSpec: EncodedSpec? = nil, outcome: SubmitOutcome,
        now: Date, owner: (String) -> Prefix?
    ) -> [LifecycleAction] {
        guard tasks[id] == nil else { return [] }
        var fx = Effects()
        var task = TaskEntry(
            id: id, seq: seq, consumer: consumer, spec: spec, encodedSpec: encodedSpec, state: .queued, placement: nil,
            events: [TaskEvent(state: .queued, at: now)], createdAt: now, updatedAt: now)
        switch outcome {
        case .impossible: return []
        case .queued: break
        case .scheduled(let placement):
            Self.move(&task, to: .scheduled, at: now)
            assign(&task, placement, now: now, owner: owner, effects: &fx)
        }
        insert(task)
        fx.persist(id)
        return fx.actions
    }

    /// What the engine placed or expired while draining its queue.
    public mutating func apply(_ drain: DrainResult, now: Date, owner: (String) -> Prefix?) -> [LifecycleAction] {
        var fx = Effects()
        for placed in drain.scheduled {
            guard var task = tasks[placed.id] else { continue }
            switch task.state {
            case .queued:
                let message = task.runtime.attempt > 1 ? "attempt \(task.runtime.attempt) placed" : "capacity appeared"
                Self.move(&task, to: .scheduled, at: now, message: message)
                assign(&task, placed.placement, now: now, owner: owner, effects: &fx)
                put(task)
                fx.persist(task.id)
            case .succeeded, .failed, .cancelled, .expired, .rejected:
                // The engine still held a task that ended: free the units it just reserved.
                fx.append(.release(task: task.id))
            case .scheduled, .starting, .running, .lost:
                // Already placed: the engine's placement is not a new attempt; ignored.
                continue
            }
        }
        for id in drain.expired {
            guard var task = tasks[id] else { continue }
            switch task.state {
            case .queued:
                Self.move(&task, to: .expired, at: now, message: "the deadline passed while queued")
                put(task)
                fx.persist(id)
            case .scheduled, .starting, .running, .lost, .succeeded, .failed, .cancelled, .expired, .rejected:
                continue
            }
        }
        return fx.actions
    }

    // MARK: Cancellation

    /// Cancels a task by `who` (for its history): it leaves the queue or its parts stop and are metered to `now`.
    public mutating func cancel(_ id: String, by who: String, now: Date) -> Result<[LifecycleAction], CancelRefusal> {
        guard var task = tasks[id] else { return .failure(.unknownTask) }
        var fx = Effects()
        switch task.state {
        case .queued, .lost:
            break
        case .scheduled, .starting, .running:
            Self.endOpenParts(&task, at: now, effects: &fx)
            unindex(task, effects: &fx)
        case .succeeded, .failed, .cancelled, .expired, .rejected:
            return .failure(.alreadyFinal(task.state))
        }
        Self.move(&task, to: .cancelled, at: now, message: "cancelled by \(who)")
        put(task)
        fx.persist(id)
        fx.append(.release(task: id))
        return .success(fx.actions)
    }

    // MARK: Loss

    /// A resource stopped reporting or was removed: every attempt with a part on it is metered
    /// to `lastSeen`, becomes `lost`, and is queued again as the next attempt — or fails when
    /// its retries are spent.
    public mutating func resourceLost(_ resource: String, lastSeen: Date, reason: String, now: Date) -> [LifecycleAction] {
        var fx = Effects()
        let ids = (onResource[resource] ?? []).sorted { tasks[$0]!.seq < tasks[$1]!.seq }
        for id in ids { abandon(id, reason: reason, lastSeen: lastSeen, now: now, effects: &fx) }
        return fx.actions
    }

    /// A whole provider is gone: ``resourceLost(_:lastSeen:reason:now:)`` for all its work.
    public mutating func providerLost(_ provider: Prefix, lastSeen: Date, reason: String, now: Date) -> [LifecycleAction] {
        var fx = Effects()
        let ids = (assigned[provider] ?? []).sorted { tasks[$0]!.seq < tasks[$1]!.seq }
        for id in ids { abandon(id, reason: reason, lastSeen: lastSeen, now: now, effects: &fx) }
        return fx.actions
    }

    mutating func abandon(_ id: String, reason: String, lastSeen: Date, now: Date, effects fx: inout Effects) {
        guard var task = tasks[id] else { return }
        switch task.state {
        case .scheduled, .starting, .running:
            Self.endOpenParts(&task, at: min(lastSeen, now), effects: &fx)
            unindex(task, effects: &fx)
            Self.move(&task, to: .lost, at: now, message: reason)
            Self.nextAttempt(&task, now: now, effects: &fx, requeue: true)
            put(task)
            fx.persist(id)
        case .queued, .lost, .succeeded, .failed, .cancelled, .expired, .rejected:
            return  // nothing of it runs
        }
    }

    /// From `lost`: queue the next attempt, or fail when the retries are spent.
    static func nextAttempt(_ task: inout TaskEntry, now: Date, effects fx: inout Effects, requeue: Bool) {
        task.placement = nil
        task.owners = [:]
        if task.runtime.attempt >= task.maxAttempts {
            move(&task, to: .failed, at: now, message: "lost \(task.runtime.attempt) times; retries spent")
            fx.append(.release(task: task.id))
            return
        }
        task.runtime.attempt += 1
        task.runtime.parts = [:]
        move(&task, to: .queued, at: now, message: "waiting for attempt \(task.runtime.attempt)")
        fx.append(requeue ? .requeue(task: task.id) : .enqueue(task: task.id))
    }

    // MARK: Restart recovery

    /// Rebuilds the book from stored tasks (in `seq` order) after a restart.
    ///
    /// Returns the engine actions that re-create its view — every placement first, then the
    /// queue in order (drain afterwards) — and `persist` for tasks it had to repair: one stored
    /// as `lost` (a crash between loss and requeue) is queued again; one that holds units but
    /// has no placement is treated as lost. Usage is not re-metered: rebuild the ledger from
    /// the tasks' runtime.
    public mutating func restore(_ entries: [TaskEntry], now: Date, owner: (String) -> Prefix?) -> [LifecycleAction] {
        var fx = Effects()
        var placements: [LifecycleAction] = []
        var queue: [LifecycleAction] = []
        for var task in entries {
            guard tasks[task.id] == nil else { continue }
            task.owners = [:]
            for part in task.placement?.parts ?? [] { task.owners[part.resource] = Self.owner(of: part.resource, owner) }
            switch task.state {
            case .scheduled, .starting, .running:
                if task.placement != nil {
                    index(task)
                    placements.append(.restorePlacement(task: task.id))
                } else {
                    Self.move(&task, to: .lost, at: now, message: "no placement was stored")
                    Self.nextAttempt(&task, now: now, effects: &fx, requeue: false)
                    fx.persist(task.id)
                }
            case .queued:
                queue.append(.enqueue(task: task.id))
            case .lost:
                task.placement = nil
                task.owners = [:]
                task.runtime.parts = [:]
                Self.move(&task, to: .queued, at: now, message: "queued again after a restart")
                queue.append(.enqueue(task: task.id))
                fx.persist(task.id)
            case .succeeded, .failed, .cancelled, .expired, .rejected:
                break
            }
            insert(task)
        }
        let repaired = fx.actions.filter { if case .enqueue = $0 { false } else { true } }
        let requeued = fx.actions.filter { if case .enqueue = $0 { true } else { false } }
        return placements + queue + requeued + repaired
    }

    // MARK: Archive

    /// How many tasks are in each state, in memory and archived: counters, no scan.
    public var countsByState: [TaskState: Int] {
        liveByState.merging(archivedByState, uniquingKeysWith: +)
    }

    /// How many tasks ``archive(_:)`` moved out of memory.
    public var archivedCount: Int { archivedByState.values.reduce(0, +) }

    /// Moves the final tasks among `ids` out of the book (their durable copy is the store's) and
    /// returns them; a task that is not final, or not in the book, stays as it is.
    public mutating func archive(_ ids: [String]) -> [TaskEntry] {
        var removed: [TaskEntry] = []
        var gone = Set<String>()
        for id in ids {
            guard let task = tasks[id], task.state.isFinal, gone.insert(id).inserted else { continue }
            drop(id)
            removed.append(task)
            archivedByState[task.state, default: 0] += 1
        }
        guard !gone.isEmpty else { return [] }
        order.removeAll { gone.contains($0) }
        for consumer in Set(removed.map(\.consumer)) {
            byConsumer[consumer]?.removeAll { gone.contains($0) }
            if byConsumer[consumer]?.isEmpty == true { byConsumer[consumer] = nil }
        }
        return removed
    }

    // MARK: Bookkeeping

    /// Stores `task` under its id (a new task or a new version of one) and keeps ``liveByState``.
    mutating func put(_ task: TaskEntry) {
        let old = tasks.updateValue(task, forKey: task.id)?.state
        if old != task.state {
            if let old { count(old, -1) }
            count(task.state, 1)
        }
    }

    /// Removes the task `id` and keeps ``liveByState``.
    mutating func drop(_ id: String) {
        if let old = tasks.removeValue(forKey: id) { count(old.state, -1) }
    }

    private mutating func count(_ state: TaskState, _ delta: Int) {
        let value = liveByState[state, default: 0] + delta
        liveByState[state] = value == 0 ? nil : value
    }

    mutating func insert(_ task: TaskEntry) {
        put(task)
        order.append(task.id)
        byConsumer[task.consumer, default: []].append(task.id)
    }

    static func owner(of resource: String, _ lookup: (String) -> Prefix?) -> Prefix {
        lookup(resource) ?? Identifier(uncheckedString: resource).prefix
    }

    /// Makes `placement` the current attempt's: fresh parts, owners, assignment index; wakes the agents.
    mutating func assign(
        _ task: inout TaskEntry, _ placement: Placement, now: Date, owner: (String) -> Prefix?, effects fx: inout Effects
    ) {
        task.placement = placement
        task.runtime.parts = [:]
        task.owners = [:]
        for part in placement.parts {
            task.runtime.parts[part.resource] = PartProgress(assignedAt: now)
            task.owners[part.resource] = Self.owner(of: part.resource, owner)
        }
        index(task)
        for part in placement.parts { fx.wake(task.owners[part.resource]!) }
    }

    /// Files the current parts under their providers and resources.
    mutating func index(_ task: TaskEntry) {
        for part in task.placement?.parts ?? [] {
            guard let provider = task.owners[part.resource] else { continue }
            assigned[provider, default: []].insert(task.id)
            onResource[part.resource, default: []].insert(task.id)
        }
    }

    /// Forgets the current parts (the task ended or moves on) and wakes their agents to stop them.
    mutating func unindex(_ task: TaskEntry, effects fx: inout Effects) {
        for part in task.placement?.parts ?? [] {
            guard let provider = task.owners[part.resource] else { continue }
            assigned[provider]?.remove(task.id)
            if assigned[provider]?.isEmpty == true { assigned[provider] = nil }
            onResource[part.resource]?.remove(task.id)
            if onResource[part.resource]?.isEmpty == true { onResource[part.resource] = nil }
            fx.wake(provider)
        }
    }

    /// Meters one part of the current attempt from `start` to `end` (at least `start`).
    static func meter(_ task: inout TaskEntry, resource: String, start: Date, end: Date, effects fx: inout Effects) {
        guard let part = task.placement?.parts.first(where: { $0.resource == resource }) else { return }
        let provider = task.owners[resource] ?? Identifier(uncheckedString: resource).prefix
        let record = UsageRecord(
            task: task.id, attempt: task.runtime.attempt, consumer: task.consumer, provider: provider.description,
            resource: resource, units: part.units, start: start, end: max(start, end),
            priceFenPerUnitHour: part.priceFenPerUnitHour)
        task.runtime.usage.append(record)
        fx.append(.meter(record))
    }

    /// Ends and meters every part of the current attempt that started and has not ended.
    static func endOpenParts(_ task: inout TaskEntry, at end: Date, effects fx: inout Effects) {
        for part in task.placement?.parts ?? [] {
            guard var progress = task.runtime.parts[part.resource], progress.endedAt == nil,
                let start = progress.meteredFrom
            else { continue }
            progress.endedAt = max(start, end)
            task.runtime.parts[part.resource] = progress
            meter(&task, resource: part.resource, start: start, end: end, effects: &fx)
        }
    }
}

/// The actions of one input, with `persist` and `wake` each once per task and provider.
struct Effects {
    private(set) var actions: [LifecycleAction] = []
    private var persisted: Set<String> = []
    private var woken: Set<Prefix> = []

    mutating func persist(_ id: String) {
        if persisted.insert(id).inserted { actions.append(.persist(task: id)) }
    }

    mutating func wake(_ provider: Prefix) {
        if woken.insert(provider).inserted { actions.append(.wake(provider)) }
    }

    mutating func append(_ action: LifecycleAction) { actions.append(action) }
}
