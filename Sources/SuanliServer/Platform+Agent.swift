import Foundation
import SuanliCore
import SuanliOrchestration
import SuanliRegistry
import SuanliScheduler
import SuanliStore

extension Platform {
    /// An agent's long poll: parts to start and parts to stop; waits up to `wait_s` when there is neither.
    ///
    /// Parts the agent lists in `running` are never assigned again (it accepted them), and the
    /// answer carries the platform's lease, which the agent fences itself by.
    public func work(_ request: WorkRequest, by principal: Principal) async throws(SuanliError) -> WorkResponse {
        let provider = try requireProvider(principal)
        let wait = request.waitS ?? 25
        guard wait.isFinite, (0...60).contains(wait) else {
            throw SuanliError(.validation, "wait_s must be between 0 and 60", field: "wait_s")
        }
        guard request.running.count <= 100_000 else {
            throw SuanliError(.tooLarge, "at most 100000 running parts per call", field: "running")
        }
        // Parts the agent acknowledged but no longer lists (it restarted, or stopped them at
        // shutdown) are lost at once, rather than left to look like running work forever.
        let now = clock()
        try await commit { state throws(SuanliError) in
            let ids = state.book.vanished(on: provider, running: request.running)
            return ids.isEmpty ? [] : state.perform(state.book.partsVanished(ids, on: provider, now: now), now: now)
        }
        var snapshot = snapshotWork(provider, running: request.running)
        if snapshot.response.assignments.isEmpty && snapshot.response.cancellations.isEmpty && wait > 0 {
            await signals.wait(for: provider, after: snapshot.generation, timeout: .milliseconds(Int(wait * 1000)))
            snapshot = snapshotWork(provider, running: request.running)
        }
        var response = snapshot.response
        // Memory runs ahead of storage by one group commit: an assignment leaves only once the
        // placement (and the task itself) is durable. Otherwise a crash right after could lose
        // the task while its job runs, and the restarted platform would give its id to another.
        if !response.assignments.isEmpty || !response.cancellations.isEmpty,
            !(await committer.waitSettled(through: snapshot.watermark.issued, since: snapshot.watermark.durable))
        {
            throw SuanliError(.unavailable, "the platform is recovering from a failed write; poll again shortly")
        }
        response.lease = Lease(heartbeatInterval: configuration.heartbeatInterval)
        return response
    }

    private func snapshotWork(_ provider: Prefix, running: [AttemptRef])
        -> (response: WorkResponse, generation: UInt64, watermark: (issued: UInt64, durable: UInt64))
    {
        state.withLock { state in
            let generation = signals.generation(of: provider)
            return (state.book.work(for: provider, running: running), generation, committer.watermark())
        }
    }

    /// Applies agent events (starting, running, succeeded, failed); duplicate and stale events are ignored.
    ///
    /// Metering uses the agent's clock readings (`at`), mapped onto the platform's clock with
    /// the batch's `sent_at` and clamped (see ``EventClock``).
    public func reportEvents(_ batch: AttemptEventBatch, by principal: Principal) async throws(SuanliError) -> EventAck {
        let provider = try requireProvider(principal)
        guard batch.events.count <= 10_000 else {
            throw SuanliError(.tooLarge, "at most 10000 events per call", field: "events")
        }
        let now = clock()
        return try await commit { state throws(SuanliError) in
            var actions: [LifecycleAction] = []
            var ack = EventAck(accepted: 0, ignored: 0)
            for event in batch.events {
                let (outcome, effects) = state.book.apply(event, from: provider, sentAt: batch.sentAt, now: now)
                switch outcome {
                case .applied: ack.accepted += 1
                case .ignored: ack.ignored += 1
                }
                actions += effects
            }
            // One putTask per task for the whole batch.
            return (ack, state.perform(actions, now: now))
        }
    }

    /// Appends a chunk of a task's output, from a provider whose resources run (or ran) that attempt.
    public func appendLog(_ chunk: LogChunk, by principal: Principal) throws(SuanliError) {
        let provider = try requireProvider(principal)
        guard chunk.stream == "stdout" || chunk.stream == "stderr" else {
            throw SuanliError(.validation, "stream must be stdout or stderr", field: "stream")
        }
        guard chunk.attempt >= 1 else {
            throw SuanliError(.validation, "attempt must be 1 or more", field: "attempt")
        }
        let permission = state.withLock { $0.book.logPermission(task: chunk.task, attempt: chunk.attempt, provider: provider) }
        switch permission {
        case .allowed: break
        case .unknownTask:
            throw SuanliError(.notFound, "no task \(chunk.task.prefix(80))")
        case .notYours:
            throw SuanliError(
                .forbidden,
                "attempt \(chunk.attempt) of task \(chunk.task) does not run on your resources; logs are accepted only for attempts placed on them")
        }
        do {
            try logs.append(task: chunk.task, attempt: chunk.attempt, stream: chunk.stream, data: Data(chunk.data.utf8))
        } catch {
            throw SuanliError(.unavailable, "cannot store the log: \(error)")
        }
    }

    /// A task's output: the last `tail` lines of one stream of one attempt (default: the current one).
    public func taskLogs(_ id: String, stream: String, tail: Int?, attempt: Int?, by principal: Principal) async throws(SuanliError)
        -> String
    {
        guard stream == "stdout" || stream == "stderr" else {
            throw SuanliError(.badRequest, "stream must be stdout or stderr", field: "stream")
        }
        if let tail, !(1...100_000).contains(tail) {
            throw SuanliError(.badRequest, "tail must be between 1 and 100000", field: "tail")
        }
        guard let task = try await findTask(id) else { throw SuanliError(.notFound, "no task \(id)") }
        try authorize(principal, for: task)
        return logs.read(task: id, attempt: attempt ?? task.runtime.attempt, stream: stream, tail: tail)
    }

    /// Metered usage: consumers see their own, providers theirs, operators everything.
    ///
    /// Reads only the ledger's records of the consumer or provider asked about.
    public func usage(consumer: String?, provider: String?, from: Date?, to: Date?, by principal: Principal) throws(SuanliError)
        -> UsageReport
    {
        var consumerFilter = consumer
        var providerFilter = provider
        switch principal {
        case .operator, .auditor: break
        case .consumer(let id):
            if let consumer, consumer != id { throw SuanliError(.forbidden, "consumers see only their own usage") }
            consumerFilter = id
        case .provider(let prefix):
            if let provider, provider != prefix.description { throw SuanliError(.forbidden, "providers see only their own usage") }
            providerFilter = prefix.description
        case .anonymous: throw SuanliError(.unauthorized, "usage needs a consumer, provider or operator token")
        }
        var items = state.withLock { state in
            state.ledger.query(consumer: consumerFilter, provider: providerFilter, from: from, to: to)
        }
        // Tasks placed on other platforms: their owners' signed usage, under the home consumer.
        if let placer = federatedPlacement.current {
            let elsewhere = placer.federatedUsage(consumer: consumerFilter, provider: providerFilter, from: from, to: to)
            if !elsewhere.isEmpty { items = (items + elsewhere).sorted { ($0.end, $0.task, $0.attempt) < ($1.end, $1.task, $1.attempt) } }
        }
        return UsageReport(items: items)
    }
}

/// The answer to `POST /v1/agent/events`.
public struct EventAck: Sendable, Codable, Hashable {
    /// Events applied.
    public var accepted: Int
    /// Events that changed nothing: duplicates (already applied), or stale (an old attempt, a
    /// part already ended, a task already final).
    public var ignored: Int
}
