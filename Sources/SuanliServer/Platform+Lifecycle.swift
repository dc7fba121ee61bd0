import Foundation
import SuanliCore
import SuanliOrchestration
import SuanliRegistry
import SuanliScheduler
import SuanliStore

/// The runtime side of the task lifecycle: ``TaskBook`` decides, these methods carry out its
/// ``LifecycleAction``s under the platform lock.
///
/// - Engine actions call the ``SchedulerEngine`` at once and feed the drain it returns back to
///   the book (which may produce more actions: a worklist).
/// - `meter` appends to the ``UsageLedger``; `wake` adds to ``PlatformState/wake``, which
///   ``Platform`` signals once the change is durable, outside the lock.
/// - `persist` becomes one `putTask` per task and input, in ``persistence(of:)`` — the one
///   place where task changes turn into store mutations.
extension PlatformState {
    /// Carries out `actions` (and those they lead to); returns the store mutations to commit.
    mutating func perform(_ actions: [LifecycleAction], now: Date) -> [StoreMutation] {
        let t = now.timeIntervalSince1970
        var work = actions
        var dirty: [String] = []
        var seen: Set<String> = []
        var index = 0
        while index < work.count {
            let action = work[index]
            index += 1
            switch action {
            case .persist(let id):
                if seen.insert(id).inserted { dirty.append(id) }
            case .wake(let provider):
                wake.insert(provider)
            case .meter(let record):
                ledger.append(record)
            case .release(let id):
                work += placed(engine.release(id, now: t), now: now)
            case .markRunning(let id):
                work += placed(engine.markRunning(id, now: t), now: now)
            case .requeue(let id):
                work += placed(engine.requeue(id, now: t), now: now)
            case .restorePlacement(let id):
                guard let task = book[id], let placement = task.placement else { continue }
                try? engine.restore(
                    id, spec: task.spec, placement: placement, placedAt: Self.placedAt(task), running: task.state == .running)
            case .enqueue(let id):
                guard let task = book[id] else { continue }
                _ = try? engine.enqueue(id, spec: task.spec, now: t)
            }
        }
        for id in dirty where book[id]?.state.isFinal == true { archive.noteEnded(id) }
        return dirty.map(persistence(of:))
    }

    /// The store mutation that makes a task's current state durable (the one persistence funnel).
    func persistence(of id: String) -> StoreMutation { .putTask(book[id]!.stored()) }

    /// Feeds what the engine placed or expired to the book; returns the book's actions.
    mutating func placed(_ drain: DrainResult, now: Date) -> [LifecycleAction] {
        guard !drain.isEmpty else { return [] }
        let registry = self.registry
        let waiting = waiting(in: drain)
        defer { countPlacements(of: waiting, now: now) }
        return book.apply(drain, now: now) { Self.owner(of: $0, in: registry) }
    }

    /// Applies what the engine changed while draining its queue; returns the mutations to persist.
    mutating func apply(_ drain: DrainResult, now: Date) -> [StoreMutation] {
        perform(placed(drain, now: now), now: now)
    }

    /// The provider owning `resource`, even after the resource was deleted.
    static func owner(of resource: String, in registry: Registry) -> Prefix? {
        registry.providerOf(resource) ?? registry.owner(of: Identifier(uncheckedString: resource).prefix)
    }

    /// When a restored task's current attempt was placed.
    static func placedAt(_ task: TaskEntry) -> Double {
        (task.events.last { $0.state == .scheduled }?.at ?? task.updatedAt).timeIntervalSince1970
    }

    /// A resource stopped reporting or was removed: its attempts are metered to `lastSeen` and placed again.
    mutating func resourceLost(_ resource: String, lastSeen: Date, reason: String, now: Date) -> [StoreMutation] {
        perform(book.resourceLost(resource, lastSeen: lastSeen, reason: reason, now: now), now: now)
    }

    /// Keeps the engine's view of a resource in step with the registry.
    mutating func syncEngine(resource id: String, now: Date) -> [StoreMutation] {
        let t = now.timeIntervalSince1970
        if let record = registry.resolve(id, now: now) {
            return apply(engine.upsertResource(SchedulerResource(record: record), now: t), now: now)
        }
        // Its reservations are dropped; the book requeues (or fails) the attempts that ran there.
        engine.removeResource(id, now: t)
        let mutations = resourceLost(id, lastSeen: now, reason: "resource \(id) was removed", now: now)
        return mutations  // the scheduler service drains the queue
    }

    // MARK: Restart recovery


    /// Rebuilds tasks, their engine placements and queue, and the usage ledger from storage
    /// (tasks in `seq` order); the engine's drain is left in ``startupDrain`` for the first sweep.
    mutating func restoreTasks(_ stored: [StoredTask], now: Date) throws(SuanliError) {
        var entries: [TaskEntry] = []
        entries.reserveCapacity(stored.count)
        for record in stored {
            do throws(UndecodableTask) {
                entries.append(try TaskEntry.decode(record))
            } catch {
                throw SuanliError(.unavailable, "\(error); restore a backup or start a newer suanli")
            }
        }
        let registry = self.registry
        let actions = book.restore(entries, now: now) { Self.owner(of: $0, in: registry) }
        let t = now.timeIntervalSince1970
        var rest: [LifecycleAction] = []
        for action in actions {
            switch action {
            case .restorePlacement(let id):
                let task = book[id]!
                do {
                    try engine.restore(
                        id, spec: task.spec, placement: task.placement!, placedAt: Self.placedAt(task),
                        running: task.state == .running)
                } catch {
                    throw SuanliError(.unavailable, "task \(id) in the database cannot hold its placement again: \(error)")
                }
            case .enqueue(let id):
                do {
                    _ = try engine.enqueue(id, spec: book[id]!.spec, now: t)
                } catch {
                    throw SuanliError(.unavailable, "queued task \(id) in the database cannot be queued again: \(error)")
                }
            default:
                rest.append(action)
            }
        }
        for id in book.order { for record in book[id]!.runtime.usage { ledger.append(record) } }
        // Finished tasks leave memory in the order they ended, the first soon after the start.
        let finished = book.order.compactMap { book[$0] }.filter(\.state.isFinal).sorted { ($0.updatedAt, $0.seq) < ($1.updatedAt, $1.seq) }
        for task in finished { archive.noteEnded(task.id) }
        engine.setFairShare(ledger.fairShare.factors(now: t))
        // Repairs (a task stored as lost) are written with the first sweep's commit.
        startupRepairs = rest
        wake = []
        startupDrain = engine.drain(now: t)
    }
}
