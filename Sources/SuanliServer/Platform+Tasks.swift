import Foundation
import SuanliCore
import SuanliOrchestration
import SuanliScheduler
import SuanliStore

extension PlatformState {
    /// Records a submission the engine placed or queued; returns the mutations.
    mutating func submitted(
        _ id: String, consumer: String, spec: TaskSpec, encodedSpec: EncodedSpec? = nil, outcome: SubmitOutcome, now: Date
    ) -> [StoreMutation] {
        let registry = self.registry
        let actions = book.submit(
            id: id, seq: nextTask, consumer: consumer, spec: spec, encodedSpec: encodedSpec, outcome: outcome, now: now
        ) {
            Self.owner(of: $0, in: registry)
        }
        if case .scheduled = outcome { placements.record(latency: 0) }
        return perform(actions, now: now)
    }
}

extension Platform {
    func requireConsumer(_ principal: Principal) throws(SuanliError) -> String {
        switch principal {
        case .consumer(let id): return id
        case .anonymous: throw SuanliError(.unauthorized, "submitting tasks needs a consumer token; pass Authorization: Bearer TOKEN")
        case .operator, .provider:
            throw SuanliError(.forbidden, "tasks are submitted with a consumer token (operators create consumers with POST /v1/consumers)")
        case .auditor: throw Self.auditorsChangeNothing
        }
    }

    /// Whether `principal` may see or change task `task`: its consumer, or the operator (auditors: see only).
    func authorize(_ principal: Principal, for task: TaskEntry, change: Bool = false) throws(SuanliError) {
        switch principal {
        case .operator: return
        case .auditor: if change { throw Self.auditorsChangeNothing }
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
        let encodedSpec = EncodedSpec(spec)  // outside the lock
        return try await commit { state throws(SuanliError) in
            let id = "t\(state.nextTask)"
            try state.prepareSubmission(consumer: consumer, spec: spec, now: now)
            let outcome = try state.engine.submit(id, spec: spec, now: now.timeIntervalSince1970)
            if case .impossible(let explanation) = outcome {
                throw SuanliError(.validation, explanation.message, field: "accept")
            }
            let mutations = state.submitted(
                id, consumer: consumer, spec: spec, encodedSpec: encodedSpec, outcome: outcome, now: now)
            state.nextTask += 1
            let task = state.book[id]!
            return (
                TaskSubmission(id: id, state: task.state, placement: task.placement),
                mutations + [.setMeta(key: "next_task", value: String(state.nextTask))]
            )
        }
    }

    /// One task (its consumer or the operator).
    public func task(_ id: String, by principal: Principal) async throws(SuanliError) -> TaskRecord {
        guard let task = try await findTask(id) else { throw SuanliError(.notFound, "no task \(id)") }
        try authorize(principal, for: task)
        return task.record
    }

    /// A task from memory, else from the store (a finished task archived out of memory, see
    /// ``TaskArchive``); `nil` when there is none.
    func findTask(_ id: String) async throws(SuanliError) -> TaskEntry? {
        // Only an id this platform issued (`t` and a number below the next) can be in the store:
        // any other is answered without a query.
        let seq = id.hasPrefix("t") ? UInt64(id.dropFirst()) : nil
        let (task, mayBeStored) = state.withLock { state in
            (state.book[id], seq.map { $0 < state.nextTask && state.book.archivedCount > 0 } ?? false)
        }
        if let task { return task }
        guard mayBeStored else { return nil }
        return try await storedTasks(StoreQuery([.compare("id", .equal, .text(id))], limit: 1)).first
    }

    /// Tasks read from the store.
    func storedTasks(_ query: StoreQuery) async throws(SuanliError) -> [TaskEntry] {
        let rows: [StoredTask]
        do {
            rows = try await store.select(StoredTask.self, query)
        } catch {
            throw SuanliError(.unavailable, "finished tasks could not be read from the database (\(error)); retry shortly")
        }
        var entries: [TaskEntry] = []
        for row in rows {
            do throws(UndecodableTask) {
                entries.append(try TaskEntry.decode(row))
            } catch {
                throw SuanliError(.unavailable, "\(error)")
            }
        }
        return entries
    }

    /// A page of tasks in submission order: the consumer's own, or all for the operator.
    ///
    /// Tasks in memory and tasks archived to the store are merged by sequence number.
    public func tasks(state filter: TaskState?, limit: Int, cursor: String?, by principal: Principal) async throws(SuanliError)
        -> Page<TaskRecord>
    {
        let consumer: String?
        switch principal {
        case .operator, .auditor: consumer = nil
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
        let (memory, archived) = state.withLock { state in
            (state.taskPage(consumer: consumer, state: filter, after: after, limit: limit), state.book.archivedCount > 0)
        }
        var items = memory.items.map { FederatedTaskEntry(seq: $0.seq, record: $0.record) }
        var more = memory.more
        var merged: [FederatedTaskEntry] = []
        // Archived tasks are all final: a list of unfinished ones is memory's alone.
        if archived, filter?.isFinal ?? true {
            let inPage = Set(items.map(\.record.id))
            merged += try await archivedTasks(consumer: consumer, state: filter, after: after, limit: limit, excluding: inPage).map {
                FederatedTaskEntry(seq: $0.seq, record: $0.record)
            }
        }
        // Tasks placed on other platforms share the sequence, as last seen at their owners.
        if let placer = federatedPlacement.current {
            merged += placer.federatedTasks(consumer: consumer, state: filter, after: after, limit: limit)
        }
        if !merged.isEmpty {
            items = (items + merged).sorted { $0.seq < $1.seq }
            more = more || items.count > limit
            if items.count > limit { items.removeLast(items.count - limit) }
        }
        return Page(items: items.map(\.record), nextCursor: more ? items.last.map { "t\($0.seq)" } : nil)
    }

    /// Up to `limit` + 1 archived tasks after `after` (of `consumer`, in `state`, when given),
    /// in sequence order, other than those in `excluding`.
    private func archivedTasks(consumer: String?, state filter: TaskState?, after: UInt64, limit: Int, excluding inPage: Set<String>)
        async throws(SuanliError) -> [TaskEntry]
    {
        // Archived tasks after the cursor: final rows of tasks no longer in memory (a row of a
        // task in memory may be a change behind it; the memory page has those).
        var conditions: [StoreQuery.Condition] = []
        if let consumer { conditions.append(.compare("consumer", .equal, .text(consumer))) }
        if let filter {
            conditions.append(.compare("state", .equal, .text(filter.rawValue)))
        } else {
            conditions.append(.any(TaskState.allCases.filter(\.isFinal).map { .compare("state", .equal, .text($0.rawValue)) }))
        }
        var stored: [TaskEntry] = []
        var from = after
        while stored.count <= limit {
            let rows = try await storedTasks(
                StoreQuery(conditions + [.compare("seq", .greater, .integer(Int64(clamping: from)))], order: [.init("seq")], limit: limit + 1))
            let kept = state.withLock { state in rows.filter { !inPage.contains($0.id) && state.book[$0.id] == nil } }
            stored += kept
            guard rows.count == limit + 1, let last = rows.last else { break }
            from = last.seq
        }
        return stored
    }

    /// Cancels a task: it leaves the queue or releases its units at once.
    public func cancelTask(_ id: String, by principal: Principal) async throws(SuanliError) -> TaskRecord {
        let now = clock()
        let result: TaskRecord? = try await commit { state throws(SuanliError) in
            guard let task = state.book[id] else { return (nil, []) }
            try authorize(principal, for: task, change: true)
            let who: String = if case .consumer(let c) = principal { c } else { "the operator" }
            switch state.book.cancel(id, by: who, now: now) {
            case .success(let actions):
                let mutations = state.perform(actions, now: now)
                return (state.book[id]!.record, mutations)
            case .failure(.unknownTask):
                throw SuanliError(.notFound, "no task \(id)")
            case .failure(.alreadyFinal(let final)):
                throw SuanliError(.conflict, "task \(id) is already \(final.rawValue)")
            }
        }
        if let result { return result }
        // Not in memory: an archived task has ended, or there is no such task.
        guard let task = try await findTask(id) else { throw SuanliError(.notFound, "no task \(id)") }
        try authorize(principal, for: task, change: true)
        throw SuanliError(.conflict, "task \(id) is already \(task.state.rawValue)")
    }

    /// Why a task waits (or how it was placed): candidates removed by each constraint and what would make it feasible.
    public func explainTask(_ id: String, by principal: Principal) async throws(SuanliError) -> Explanation {
        let inMemory = try state.withLock { state throws(SuanliError) -> Explanation? in
            guard let task = state.book[id] else { return nil }
            try authorize(principal, for: task)
            return state.engine.explain(task.spec, taskID: task.state.isFinal ? nil : id)
        }
        if let inMemory { return inMemory }
        guard let task = try await findTask(id) else { throw SuanliError(.notFound, "no task \(id)") }
        try authorize(principal, for: task)
        return state.withLock { $0.engine.explain(task.spec, taskID: nil) }
    }
}

extension Platform {
    /// How many tasks are in each state (for operators' dashboards and benchmarks).
    public func taskCounts() -> [TaskState: Int] {
        state.withLock { $0.book.countsByState }
    }
}
