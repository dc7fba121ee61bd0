import Foundation
import SuanliCore
import SuanliStore

// Claims from other platforms of the federation (docs/federation.md, "Placement across
// platforms"): the owning platform's engine is the only arbiter of its capacity.
extension Platform {
    /// The consumer that stands for the platform of `peer` on this one: `peer-PREFIX` (an id no
    /// registration can take), created on its first claim and named `platform PREFIX`, so that
    /// its tasks are metered and billed like any other consumer's.
    public func peerConsumer(for peer: Prefix) async throws(SuanliError) -> String {
        let id = Self.peerConsumerID(peer)
        if existingPeerConsumer(for: peer) != nil { return id }
        let now = clock()
        return try await commit { state throws(SuanliError) in
            if state.consumers[id] != nil { return (id, []) }
            let stored = StoredConsumer(
                id: id, registration: ConsumerRegistration(name: "platform \(peer)", contact: "federation peer \(peer)"), tokenHash: "",
                createdAt: now)
            state.addConsumer(stored)
            return (id, [.putConsumer(stored)])
        }
    }

    /// The consumer that stands for the platform of `peer`, if it claimed anything here.
    public func existingPeerConsumer(for peer: Prefix) -> String? {
        let id = Self.peerConsumerID(peer)
        return state.withLock { $0.consumers[id] != nil } ? id : nil
    }

    static func peerConsumerID(_ peer: Prefix) -> String { "peer-\(peer)" }

    /// Places `spec` for `consumer` on exactly the resource `resource` now, or refuses: `409
    /// claim_lost` when the resource has no free capacity for it at this moment (another task
    /// took it first), `404` when this platform does not have the resource, `422` when the
    /// resource could never take the task. Never queues, never over-commits: the units are
    /// taken through the engine's hold, then the hold becomes the task.
    public func submitClaimedTask(_ spec: TaskSpec, on resource: String, consumer: String) async throws(SuanliError) -> TaskSubmission {
        var spec = spec
        spec.consumer = consumer
        let now = clock()
        return try await commit { state throws(SuanliError) in
            guard state.registry.contains(resource) else {
                throw SuanliError(.notFound, "this platform has no resource \(resource)")
            }
            try state.prepareSubmission(consumer: consumer, spec: spec, now: now)
            var others: Set<String> = []
            state.registry.forEachRecord(now: now) { record in
                if record.id.string != resource { others.insert(record.id.string) }
            }
            let taskID = "t\(state.nextTask)"
            let hold = "claim-\(taskID)"
            let outcome = try state.engine.hold(
                hold, spec: spec, expiresAt: now.timeIntervalSince1970 + 60, now: now.timeIntervalSince1970, excluding: others)
            switch outcome {
            case .impossible(let explanation):
                throw SuanliError(.validation, "resource \(resource) cannot take this task: \(explanation.message)", field: "accept")
            case .noCapacity:
                throw SuanliError(
                    "claim_lost", "resource \(resource) has no free capacity for this task now (another placement took it); try the next candidate",
                    status: 409)
            case .held(let placement):
                guard placement.parts.allSatisfy({ $0.resource == resource }) else {
                    _ = state.engine.releaseHold(hold, now: now.timeIntervalSince1970)
                    throw SuanliError("claim_lost", "resource \(resource) cannot take this task alone now", status: 409)
                }
            }
            let placement = try state.engine.acceptHold(hold, as: taskID, spec: spec, now: now.timeIntervalSince1970)
            var mutations = state.submitted(taskID, consumer: consumer, spec: spec, outcome: .scheduled(placement), now: now)
            state.nextTask += 1
            mutations.append(.setMeta(key: "next_task", value: String(state.nextTask)))
            let task = state.book[taskID]!
            return (TaskSubmission(id: taskID, state: task.state, placement: task.placement), mutations)
        }
    }
}

extension Platform {
    /// The prefixes of the platforms that claimed capacity here (those with a consumer standing for them).
    public func claimingPeers() -> [String] {
        state.withLock { state in state.consumers.keys.filter { $0.hasPrefix("peer-") }.map { String($0.dropFirst("peer-".count)) }.sorted() }
    }

    /// The ids of the tasks the platform `peer` claimed here that have not ended.
    public func unfinishedClaims(of peer: String) -> [String] {
        state.withLock { state in
            (state.book.byConsumer["peer-\(peer)"] ?? []).filter { state.book[$0].map { !$0.state.isFinal } ?? false }
        }
    }

    /// Cancels task `id` for the federation (its event says `cancelled by` `who`); false when it
    /// had already ended or is not in memory.
    @discardableResult
    public func cancelTask(_ id: String, for who: String) async throws(SuanliError) -> Bool {
        let now = clock()
        return try await commit { state throws(SuanliError) in
            guard state.book[id] != nil, case .success(let actions) = state.book.cancel(id, by: who, now: now) else { return (false, []) }
            return (true, state.perform(actions, now: now))
        }
    }
}
