import Foundation
import SuanliCore
import SuanliStore
import Synchronization

/// Where `POST /v1/tasks` may place a task: this platform only, or anywhere in its federation.
public enum TaskScope: String, Sendable, Codable, CaseIterable {
    /// This platform's own engine only.
    case local
    /// The cheapest placement in the whole federation by the task's cost model: this
    /// platform's engine, or another platform's resource through a claim when that costs less
    /// or nothing here can take the task now (the default; the same as `local` without a federation).
    case federation
}

/// Places tasks on other platforms of a federation and follows them there; a federation
/// placement module installs one (``FederatedPlacement/install(_:)``).
public protocol FederatedPlacer: Sendable {
    /// Claims capacity for `spec` at another platform, on a resource that costs less by the
    /// task's cost model than `local` (this platform's placement now, if any); nil when no
    /// platform took it.
    func placeElsewhere(_ spec: TaskSpec, consumer: String, cheaperThan local: Placement?) async throws(SuanliError) -> TaskSubmission?
    /// Whether `id` names a task this platform placed elsewhere.
    func isFederatedTask(_ id: String) -> Bool
    /// The record of a task placed elsewhere, as its owner runs it, under its home id.
    func federatedRecord(_ id: String, by principal: Principal) async throws(SuanliError) -> TaskRecord
    /// Cancels a task placed elsewhere at its owner; its record after cancelling.
    func cancelFederatedTask(_ id: String, by principal: Principal) async throws(SuanliError) -> TaskRecord
    /// How the owner placed a task placed elsewhere.
    func federatedExplanation(_ id: String, by principal: Principal) async throws(SuanliError) -> Explanation
    /// The output of a task placed elsewhere, fetched from its owner.
    func federatedLogs(_ id: String, stream: String, tail: Int?, attempt: Int?, by principal: Principal) async throws(SuanliError) -> String
    /// Up to `limit` + 1 tasks placed elsewhere after sequence number `after`, as last seen at
    /// their owners (of `consumer`, in `state`, when given), in sequence order.
    func federatedTasks(consumer: String?, state: TaskState?, after: UInt64, limit: Int) -> [FederatedTaskEntry]
    /// The owners' signed usage of tasks placed elsewhere, under their home ids and consumers.
    func federatedUsage(consumer: String?, provider: String?, from: Date?, to: Date?) -> [UsageRecord]
}

/// A task placed elsewhere in the home's task list: its sequence number (shared with the
/// home's own tasks, so that one cursor pages both) and its record as last seen at its owner.
public struct FederatedTaskEntry: Sendable, Hashable {
    /// Its place in the home's submission order.
    public var seq: UInt64
    /// Its record under its home id and consumer.
    public var record: TaskRecord

    /// Creates an entry.
    public init(seq: UInt64, record: TaskRecord) {
        self.seq = seq
        self.record = record
    }
}

/// The platform's slot for a ``FederatedPlacer`` (none: every task is placed locally).
public final class FederatedPlacement: Sendable {
    private let placer = Mutex<(any FederatedPlacer)?>(nil)

    /// Creates an empty slot.
    public init() {}

    /// Installs the placer (replacing any earlier one).
    public func install(_ placer: any FederatedPlacer) { self.placer.withLock { $0 = placer } }

    /// The installed placer, if any.
    public var current: (any FederatedPlacer)? { placer.withLock { $0 } }
}

extension Platform {
    /// `POST /v1/tasks` with a scope: with `federation` and a placer installed, a task is
    /// claimed on another platform's resource when that costs less than this platform's
    /// placement now, or when this platform's engine cannot place it now; when no other
    /// platform takes it, it is submitted here (queued, or 422 if nothing could ever take it;
    /// 503 instead when nothing here could, but some platform that could did not answer).
    public func submitTask(_ spec: TaskSpec, scope: TaskScope, by principal: Principal) async throws(SuanliError) -> TaskSubmission {
        guard scope == .federation, let placer = federatedPlacement.current else { return try await submitTask(spec, by: principal) }
        let consumer = try requireConsumer(principal)
        let local = try await placementNow(spec, consumer: consumer)
        var unanswered: SuanliError?
        do {
            if let placed = try await placer.placeElsewhere(spec, consumer: consumer, cheaperThan: local) { return placed }
        } catch where error.status == 503 {
            // With a placement here, a silent platform changes nothing: the task runs here.
            if local == nil { unanswered = error }
        }
        do {
            return try await submitTask(spec, by: principal)
        } catch where error.status == 422 && unanswered != nil {
            // Nothing here could ever take it, and platforms that could did not answer: say so, not 422.
            throw unanswered!
        }
    }

    /// Takes the next task sequence number for a task placed elsewhere and stores
    /// `mutations(seq)` with it, in one durable change; returns the number.
    public func commitPlacedElsewhere(_ mutations: (UInt64) -> [StoreMutation]) async throws(SuanliError) -> UInt64 {
        try await commit { state throws(SuanliError) in
            let seq = state.nextTask
            state.nextTask += 1
            return (seq, mutations(seq) + [.setMeta(key: "next_task", value: String(state.nextTask))])
        }
    }

    /// Tells `GET /v1/tasks/stream` readers that tasks placed elsewhere changed at their owners.
    public func publishTaskUpdates(_ updates: [TaskUpdate]) { taskFeed.publish(updates) }

    /// Where this platform's engine would place `spec` now (a hold taken and released at once); nil when nowhere now.
    func placementNow(_ spec: TaskSpec, consumer: String) async throws(SuanliError) -> Placement? {
        var spec = spec
        spec.consumer = consumer
        let now = clock()
        return try await commit { state throws(SuanliError) in
            try state.prepareSubmission(consumer: consumer, spec: spec, now: now)
            let probe = "probe-\(state.nextTask)"
            let outcome = try state.engine.hold(probe, spec: spec, expiresAt: now.timeIntervalSince1970 + 1, now: now.timeIntervalSince1970)
            guard case .held(let placement) = outcome else { return (nil, []) }
            state.engine.releaseHold(probe, now: now.timeIntervalSince1970)
            return (placement, [])
        }
    }
}

/// The body of `POST /v1/tasks`: the task spec and its optional `scope` (default `federation`).
struct ScopedTaskSpec: Decodable, Sendable {
    var spec: TaskSpec
    var scope: TaskScope

    enum CodingKeys: String, CodingKey { case scope }

    init(from decoder: any Decoder) throws {
        spec = try TaskSpec(from: decoder)
        scope = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(TaskScope.self, forKey: .scope) ?? .federation
    }
}
