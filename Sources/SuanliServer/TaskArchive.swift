import Foundation
import SuanliCore
import SuanliMarket
import SuanliOrchestration

/// Which finished tasks leave memory, and what the platform keeps of them.
///
/// A task stays in the ``TaskBook`` while it can change and for
/// ``PlatformConfiguration/finishedTaskRetention`` after it ended (at most
/// ``PlatformConfiguration/finishedTasksInMemory`` finished ones); then only the store holds it,
/// and reads of it (`GET /v1/tasks/{id}`, lists, events, logs, explanations) go to the store. So
/// a platform that runs for months holds its live work, not its history. What the platform
/// aggregates over every task ever run keeps the archived tasks' share: counts by state (in the
/// book), providers' reliability (here), consumers' spending (the usage ledger).
struct TaskArchive: Sendable {
    /// Final tasks still in memory, in the order they ended (from `head` on).
    private var ended: [String] = []
    private var head = 0
    /// Reliability history of archived tasks, by provider.
    private(set) var reliability: [String: ReliabilityTally] = [:]

    /// Notes that task `id` reached a final state (it leaves memory in its turn).
    mutating func noteEnded(_ id: String) { ended.append(id) }

    /// Finished tasks waiting to leave memory.
    var waiting: Int { ended.count - head }

    /// Takes the tasks due to leave memory: those that ended before `cutoff`, and the oldest
    /// beyond `keepAtMost` finished tasks.
    mutating func due(in book: TaskBook, endedBefore cutoff: Date, keepAtMost: Int) -> [String] {
        var due: [String] = []
        while head < ended.count {
            let id = ended[head]
            guard let task = book[id], task.state.isFinal else {
                head += 1  // already gone (a reload) or not final after all
                continue
            }
            guard waiting > keepAtMost || task.updatedAt < cutoff else { break }
            due.append(id)
            head += 1
        }
        if head > 1024 && head * 2 > ended.count {
            ended.removeFirst(head)
            head = 0
        }
        return due
    }

    /// Keeps what the reliability figures need of archived `tasks`.
    mutating func fold(_ tasks: [TaskEntry]) {
        for task in tasks { Self.tally(task, into: &reliability) }
    }

    /// Adds one task's attempts to providers' tallies: each attempt's metered parts on a
    /// provider, completed when the attempt is the task's last and the task succeeded or failed
    /// by itself, lost when the task was lost in that attempt (the k-th `lost` event ends
    /// attempt k) other than by preemption.
    static func tally(_ task: TaskEntry, into tallies: inout [String: ReliabilityTally]) {
        guard !task.runtime.usage.isEmpty else { return }
        // The k-th `lost` event ends attempt k; a preempted spot attempt is the platform's doing, not the provider's.
        var lostAttempts = Set<Int>()
        var attempt = 0
        for event in task.events where event.state == .lost {
            attempt += 1
            if !(event.message?.hasPrefix("preempted") ?? false) { lostAttempts.insert(attempt) }
        }
        var ends: [String: Date] = [:]  // "attempt provider" → the latest end
        for usage in task.runtime.usage {
            let key = "\(usage.attempt) \(usage.provider)"
            ends[key] = max(ends[key] ?? usage.end, usage.end)
        }
        for (key, end) in ends {
            let parts = key.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let attempt = Int(parts[0]) else { continue }
            let provider = String(parts[1])
            var tally = tallies[provider, default: ReliabilityTally()]
            tally.attempts.append(end)
            if lostAttempts.contains(attempt) {
                tally.lost.append(end)
            } else if attempt == task.runtime.attempt, task.state == .succeeded || task.state == .failed {
                tally.completed.append(end)
            }
            tallies[provider] = tally
        }
    }
}

extension Platform {
    /// Moves finished tasks that are due out of memory (``TaskArchive``), once their final state
    /// is durable; returns how many left.
    @discardableResult
    public func archiveFinishedTasks() async -> Int {
        let cutoff = clock().addingTimeInterval(-configuration.finishedTaskRetention)
        let (due, watermark) = state.withLock { state in
            (
                state.archive.due(in: state.book, endedBefore: cutoff, keepAtMost: max(0, configuration.finishedTasksInMemory)),
                committer.watermark()
            )
        }
        guard !due.isEmpty else { return 0 }
        // Reads of an archived task go to the store: its last change must be there first.
        guard await committer.waitSettled(through: watermark.issued, since: watermark.durable) else {
            // A write failed: memory is rebuilt from storage, and the archive with it.
            return 0
        }
        return state.withLock { state in
            let removed = state.book.archive(due)
            state.archive.fold(removed)
            return removed.count
        }
    }
}

extension Platform {
    /// How many tasks the platform holds in memory, and how many finished ones it has moved
    /// out of it to the store.
    public func taskMemory() -> (inMemory: Int, archived: Int) {
        state.withLock { ($0.book.tasks.count, $0.book.archivedCount) }
    }
}
