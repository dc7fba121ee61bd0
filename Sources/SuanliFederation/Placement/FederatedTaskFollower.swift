import Foundation
import ServiceLifecycle
import SuanliCore

/// Follows the tasks a home placed on other platforms, and fences those others placed here.
///
/// Every sync interval, as a home, it asks each owner for the record of every task not ended
/// yet (kept as its snapshot, which the home's task list and task stream show), then, once a
/// task ended, for its signed usage statement (which the home's usage and bills count). A task
/// its owner lost (its agent or resource gone, or fenced) or whose owner has not answered for
/// twice the claim lease is placed again elsewhere (``FederatedPlacementModule/placeAgain(_:because:)``).
/// As an owner, it cancels the unfinished claimed tasks of a home not heard from for the claim
/// lease (the fence), so that a task the home places again never runs twice at once. An owner
/// that does not answer is asked again later and later (up to a quarter of the lease). Never
/// delays a graceful shutdown.
struct FederatedTaskFollower: Service {
    let module: FederatedPlacementModule
    /// Owners asked at once.
    static let concurrency = 8
    /// The longest wait before asking a silent owner again, in seconds.
    static let maxBackoff = 60.0

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await module.fenceSilentHomes()
            await module.followOnce()
            try? await cancelWhenGracefulShutdown { [module] in
                try await Task.sleep(for: .seconds(module.federation.configuration.syncInterval))
            }
        }
    }
}

extension FederatedPlacementModule {
    /// One round of ``FederatedTaskFollower``: the tasks due, at most
    /// ``FederatedTaskFollower/concurrency`` at a time.
    func followOnce() async {
        let now = federation.configuration.clock()
        let due = tasks.withLock { state in
            state.order.compactMap { entry -> FederatedTask? in
                guard let task = state.byID[entry.id] else { return nil }
                let settled = task.earlier.allSatisfy { state.usage[FederatedTask.statementKey(task.id, attempt: $0.attempt)] != nil }
                if task.snapshot?.state.isFinal == true && state.usage[task.id] != nil && settled { return nil }
                if let wait = state.backoff[task.id], wait.until > now { return nil }
                return task
            }
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for task in due {
                if running == FederatedTaskFollower.concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.follow(task) }
                running += 1
            }
        }
    }

    /// Refreshes `task`'s snapshot and, once it ended, collects its statement; places it again
    /// when its owner lost it or has been silent for twice the claim lease; backs off when its
    /// owner does not answer or has no final statement yet.
    func follow(_ task: FederatedTask) async {
        var settled = false
        let lease = federation.configuration.claimLease
        do throws(SuanliError) {
            var record = task.snapshot
            if record?.state.isFinal != true { record = try await fetchRecord(of: task) }
            if let record, let reason = Self.lostAtOwner(record) {
                await placeAgain(task, because: "\(task.owner) lost attempt \(task.attempt) (\(reason))")
                return
            }
            if record?.state.isFinal == true {
                settled = tasks.withLock { $0.usage[task.id] != nil } ? true : try await collectStatement(of: task)
            } else {
                settled = true  // not ended: followed again next round
            }
            // The usage of attempts the home gave up on is owed too: their owners' statements, once those ended.
            for claim in task.earlier where tasks.withLock({ $0.usage[FederatedTask.statementKey(task.id, attempt: claim.attempt)] == nil }) {
                do throws(SuanliError) {
                    if try await !collectStatement(of: task, earlier: claim) { settled = false }
                } catch {
                    settled = false
                }
            }
        } catch {
            logger.debug("following \(task.id) at \(task.owner): \(error.message)")
            let now = federation.configuration.clock()
            let silent = now.timeIntervalSince(task.lastContact ?? started)
            // A task never seen at its owner has no spec here to place again: it is only followed.
            if let snapshot = task.snapshot, !snapshot.state.isFinal, silent > 2 * lease {
                await placeAgain(task, because: "\(task.owner) has not answered for \(Int(silent)) s (\(error.message))")
                return
            }
        }
        let now = federation.configuration.clock()
        // Contact renews the owner's claim lease: never wait more than a quarter of it.
        let interval = min(federation.configuration.syncInterval, lease / 4)
        tasks.withLock { state in
            if settled {
                state.backoff[task.id] = nil
            } else {
                let failures = (state.backoff[task.id]?.failures ?? 0) + 1
                // Only a task not ended renews the owner's lease; an ended one waits up to the maximum.
                let cap = task.snapshot?.state.isFinal == true ? FederatedTaskFollower.maxBackoff : min(FederatedTaskFollower.maxBackoff, lease / 4)
                let wait = min(cap, interval * pow(2, Double(min(failures, 16))))
                state.backoff[task.id] = (failures, now.addingTimeInterval(wait))
            }
        }
    }
}

extension FederatedPlacementModule {
    /// How an owner's fence cancels a claimed task (the home recognises it and places the task again).
    static let fenceMessage = "the federation's claim lease: home platform"
    /// How the home ends a task it could not place again.
    static let notPlacedAgain = "not placed again: "

    /// Why the owner's record says it lost the task (its resource lost with no retry left there,
    /// or fenced), or nil.
    static func lostAtOwner(_ record: TaskRecord) -> String? {
        let last = record.events.last
        if last?.message?.hasPrefix(notPlacedAgain) == true { return nil }  // the home's own verdict: final
        if record.state == .failed, let before = record.events.dropLast().last, before.state == .lost {
            return before.message ?? "lost"
        }
        if record.state == .cancelled, let message = last?.message, message.contains(fenceMessage) { return message }
        return nil
    }

    /// The fence, as an owner: cancels the unfinished tasks of every home not heard from for the
    /// claim lease (since this platform started, for one not heard from at all).
    func fenceSilentHomes() async {
        let now = federation.configuration.clock()
        let lease = federation.configuration.claimLease
        // Homes heard from since this start, and those that claimed before it.
        let peers = heard.withLock { $0 }
        for (peer, last) in peers.sorted(by: { $0.key < $1.key }) {
            let ids = platform.unfinishedClaims(of: peer)
            guard !ids.isEmpty else { continue }
            let silent = now.timeIntervalSince(last)
            guard silent > lease else { continue }
            for id in ids {
                do {
                    if try await platform.cancelTask(id, for: "\(Self.fenceMessage) \(peer) silent for \(Int(silent)) s") {
                        logger.notice("fenced \(id): its home platform \(peer) has not been heard from for \(Int(silent)) s")
                    }
                } catch {
                    logger.warning("could not fence \(id) of \(peer): \(error.message)")
                }
            }
        }
    }

    /// Places `task` again, as its next attempt, on another resource of the federation (never at
    /// home: its id stays the one its consumer knows), after cancelling it at its owner (best
    /// effort: an owner that cannot be reached fences it itself). With no retry left, or no
    /// platform that takes it now, it fails at home.
    func placeAgain(_ task: FederatedTask, because reason: String) async {
        _ = try? await ask(task, target: Self.claim.path(task.remoteID), method: .DELETE)
        let now = federation.configuration.clock()
        let prior = (task.snapshot?.events ?? task.priorEvents) + [TaskEvent(state: .lost, at: now, message: reason)]
        var next: FederatedTask?
        var why = "retries spent"
        if task.retriesLeft > 0, let spec = task.snapshot?.spec {
            do {
                next = try await claim(spec, homeID: task.id, consumer: task.consumer, cheaperThan: nil, excluding: [task.resource.string])
                if next == nil { why = "no other platform can take it now" }
            } catch {
                why = error.message
            }
        }
        var moved: FederatedTask
        if var next {
            next.seq = task.seq
            next.earlier = task.earlier + [.init(attempt: task.attempt, owner: task.owner, ownerURL: task.ownerURL, remoteID: task.remoteID)]
            next.attempt = task.attempt + 1
            next.retriesLeft = task.retriesLeft - 1
            next.priorEvents = prior
            // Not ended until the new owner says otherwise (its record replaces this at the next look).
            if var record = task.snapshot {
                record.state = .scheduled
                record.placement = nil
                record.events = prior + [TaskEvent(state: .scheduled, at: now, message: "placed again at \(next.owner) on \(next.resource)")]
                record.updatedAt = now
                next.snapshot = record
            }
            moved = next
            logger.notice("\(task.id) placed again at \(next.owner) on \(next.resource) as \(next.remoteID): \(reason)")
        } else {
            moved = task
            if var record = task.snapshot {
                record.state = .failed
                record.events = prior + [TaskEvent(state: .failed, at: now, message: Self.notPlacedAgain + why)]
                record.updatedAt = now
                moved.snapshot = record
            }
            moved.priorEvents = prior
            logger.notice("\(task.id) failed: \(reason); not placed again: \(why)")
        }
        tasks.withLock { state in
            state.byID[task.id] = moved
            state.backoff[task.id] = nil
        }
        do { try await platform.commitRecords([.put(stored(moved))]) } catch {
            logger.warning("the new placement of \(task.id) could not be stored: \(error.message)")
        }
        if next != nil {
            _ = try? await fetchRecord(of: moved)
        } else if let record = moved.snapshot {
            platform.publishTaskUpdates([TaskUpdate(record)])
        }
    }
}
