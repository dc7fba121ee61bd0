import SuanliCore
import SuanliRegistry
import SuanliScheduler

/// Everything a platform keeps in memory, guarded by one lock in ``Platform``.
struct PlatformState: Sendable {
    /// Providers, resources, live state and discovery indexes.
    var registry: Registry
    /// The next provider number under the platform prefix.
    var nextProvider: UInt32 = 1
    /// The next consumer number.
    var nextConsumer: UInt64 = 1
    var consumers: [String: StoredConsumer] = [:]
    var consumerByTokenHash: [String: String] = [:]
    /// Placement, reservations and the queue.
    var engine: SchedulerEngine
    /// Every task by id.
    var tasks: [String: TaskEntry] = [:]
    /// Task ids in submission order, all and per consumer.
    var taskOrder: [String] = []
    var tasksByConsumer: [String: [String]] = [:]
    /// The next task number.
    var nextTask: UInt64 = 1
    /// Non-final tasks with parts on each provider's resources (for agents' work polls).
    var assignedByProvider: [Prefix: Set<String>] = [:]
    /// Providers whose agents should be woken once the current change is committed.
    var wake: Set<Prefix> = []
    /// What the engine placed when the queue was drained at start; persisted by the first sweep.
    var startupDrain: DrainResult = .empty

    init(registry: Registry, engine: SchedulerEngine = SchedulerEngine()) {
        self.registry = registry
        self.engine = engine
    }

    mutating func addTask(_ task: TaskEntry) {
        tasks[task.id] = task
        taskOrder.append(task.id)
        tasksByConsumer[task.consumer, default: []].append(task.id)
    }

    /// Tasks after sequence number `after`, optionally of one consumer and in one state.
    func taskPage(consumer: String?, state filter: TaskState?, after: UInt64, limit: Int) -> Page<TaskRecord> {
        let ids = consumer.map { tasksByConsumer[$0] ?? [] } ?? taskOrder
        // Ids are in sequence order: binary search for the first after the cursor.
        var low = 0
        var high = ids.count
        while low < high {
            let mid = (low + high) / 2
            if tasks[ids[mid]]!.seq <= after { low = mid + 1 } else { high = mid }
        }
        var items: [TaskRecord] = []
        var next: String? = nil
        for id in ids[low...] {
            let task = tasks[id]!
            if let filter, task.state != filter { continue }
            if items.count == limit {
                next = "t\(items.last.map { tasks[$0.id]!.seq } ?? after)"
                break
            }
            items.append(task.record)
        }
        return Page(items: items, nextCursor: next)
    }

    mutating func addConsumer(_ consumer: StoredConsumer) {
        if let old = consumers[consumer.id] { consumerByTokenHash[old.tokenHash] = nil }
        consumers[consumer.id] = consumer
        consumerByTokenHash[consumer.tokenHash] = consumer.id
    }

    func consumerRecord(_ id: String) -> ConsumerRecord? {
        consumers[id].map {
            ConsumerRecord(id: $0.id, name: $0.registration.name, contact: $0.registration.contact, createdAt: $0.createdAt)
        }
    }
}
