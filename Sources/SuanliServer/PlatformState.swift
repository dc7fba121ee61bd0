import Foundation
import SuanliCore
import SuanliMarket
import SuanliOrchestration
import SuanliRegistry
import SuanliScheduler
import SuanliStore

/// A task as the platform keeps it (defined by the lifecycle state machine).
typealias TaskEntry = SuanliOrchestration.TaskEntry

/// Everything a platform keeps in memory, guarded by one lock in ``Platform``.
///
/// The task lifecycle lives in ``TaskBook`` (pure): each change to it returns actions, which
/// ``perform(_:now:)`` carries out in the same critical section (scheduler engine calls, the
/// usage ledger, which agents to wake) and turns into the store mutations to commit.
struct PlatformState: Sendable {
    /// Providers, resources, live state and discovery indexes.
    var registry: Registry
    /// The next provider number under the platform prefix.
    var nextProvider: UInt32 = 1
    /// The next consumer number.
    var nextConsumer: UInt64 = 1
    var consumers: [String: StoredConsumer] = [:]
    /// Placement, reservations and the queue.
    var engine: SchedulerEngine
    /// Tasks, attempts, parts and per-provider assignments: the lifecycle state machine.
    var book = TaskBook()
    /// Every metered part, indexed by consumer and provider.
    var ledger = UsageLedger()
    /// Consumers' budgets and quotas (`PUT /v1/consumers/{id}/budget`, `…/quotas`).
    var limits: [String: ConsumerLimits] = [:]
    /// When each provider's resources went stale, for its reliability (not stored: a restart forgets them).
    var heartbeatGaps: [String: [Date]] = [:]
    /// The next task number.
    var nextTask: UInt64 = 1
    /// Providers whose agents should be woken once the current change is committed.
    var wake: Set<Prefix> = []
    /// What the engine placed when the queue was drained at start; persisted by the first sweep.
    var startupDrain: DrainResult = .empty
    /// Repairs restart recovery made (a task stored as `lost` queued again); persisted by the first sweep.
    var startupRepairs: [LifecycleAction] = []
    /// Placements not yet taken by the platform's metrics.
    var placements = PlacementTally()
    /// Quotes and which engine holds are theirs (`Platform+Quotes.swift`).
    var quotes = QuoteBook()
    /// Finished tasks on their way out of memory, and what is kept of those gone.
    var archive = TaskArchive()

    init(registry: Registry, engine: SchedulerEngine = SchedulerEngine()) {
        self.registry = registry
        self.engine = engine
    }

    /// Every task by id (read-only; the book changes them).
    var tasks: [String: TaskEntry] { book.tasks }

    /// Tasks in memory after sequence number `after`, optionally of one consumer and in one
    /// state: at most `limit`, and whether more follow.
    func taskPage(consumer: String?, state filter: TaskState?, after: UInt64, limit: Int) -> (items: [TaskEntry], more: Bool) {
        let ids = consumer.map { book.byConsumer[$0] ?? [] } ?? book.order
        let tasks = book.tasks
        // Ids are in sequence order: binary search for the first after the cursor.
        var low = 0
        var high = ids.count
        while low < high {
            let mid = (low + high) / 2
            if tasks[ids[mid]]!.seq <= after { low = mid + 1 } else { high = mid }
        }
        var items: [TaskEntry] = []
        for id in ids[low...] {
            let task = tasks[id]!
            if let filter, task.state != filter { continue }
            if items.count == limit { return (items, true) }
            items.append(task)
        }
        return (items, false)
    }

    mutating func addConsumer(_ consumer: StoredConsumer) {
        consumers[consumer.id] = consumer
    }

    func consumerRecord(_ id: String) -> ConsumerRecord? {
        consumers[id].map {
            ConsumerRecord(id: $0.id, name: $0.registration.name, contact: $0.registration.contact, createdAt: $0.createdAt)
        }
    }
}
