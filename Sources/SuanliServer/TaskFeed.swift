import ServiceLifecycle
import SuanliCore
import SuanliStore
import Synchronization

/// The recent task changes behind `GET /v1/tasks/stream`, and the wake-ups of its readers.
///
/// ``Platform/commit(_:)`` collects an update for every task a change persisted — under the
/// platform lock, only while someone reads the stream, one small record per task — and
/// publishes them here once they are durable. The feed keeps the last ``capacity`` changes,
/// numbered by a generation; each stream remembers the generation it sent up to and is woken
/// when it moves (as ``WorkSignals`` wakes agents), so no reader ever holds the platform lock.
/// A reader that fell more than ``capacity`` changes behind is told to reload (`reset`).
final class TaskFeed: Sendable {
    /// Changes kept for readers that fell behind.
    static let capacity = 10_000

    /// A change as the feed keeps it.
    struct Change: Sendable {
        var generation: UInt64
        var update: TaskUpdate
    }

    /// What a reader gets after its generation.
    struct Batch: Sendable {
        /// Changes visible to the reader, oldest first.
        var changes: [Change]
        /// The generation the reader has now seen up to.
        var through: UInt64
        /// Whether changes the reader had not seen were dropped (it should reload).
        var missed: Bool
        /// Whether more changes follow (the batch was cut at its limit).
        var more: Bool
    }

    private struct State {
        /// Changes with generations `first ..< first + changes.count`.
        var changes: [Change] = []
        var first: UInt64 = 1
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
        var readers = 0

        var latest: UInt64 { first + UInt64(changes.count) - 1 }
    }

    private let state = Mutex(State())
    private let observed = Atomic<Int>(0)

    init() {}

    /// Whether a stream is open (changes are collected only then).
    var isObserved: Bool { observed.load(ordering: .relaxed) > 0 }

    /// The updates for the tasks that `mutations` persist, read from `state` (call under the platform lock).
    func updates(for mutations: [StoreMutation], in state: PlatformState) -> [TaskUpdate] {
        guard isObserved else { return [] }
        var seen: Set<String> = []
        var updates: [TaskUpdate] = []
        for mutation in mutations where mutation.table == Self.taskTable && mutation.operation == .upsert {
            guard Self.idColumn < mutation.values.count, case .text(let id) = mutation.values[Self.idColumn],
                seen.insert(id).inserted, let task = state.book[id]
            else { continue }
            updates.append(TaskUpdate(task.record))
        }
        return updates
    }

    private static let taskTable = StoredTask.table.name
    private static let idColumn = StoredTask.table.columns.firstIndex(of: "id") ?? 1

    /// Appends durable changes and wakes every reader.
    func publish(_ updates: [TaskUpdate]) {
        guard !updates.isEmpty else { return }
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { state in
            for update in updates {
                state.changes.append(Change(generation: state.first + UInt64(state.changes.count), update: update))
            }
            // Drop the oldest in chunks, so that appending stays amortised O(1).
            if state.changes.count > Self.capacity + Self.capacity / 4 {
                let drop = state.changes.count - Self.capacity
                state.changes.removeFirst(drop)
                state.first += UInt64(drop)
            }
            let woken = Array(state.waiters.values)
            state.waiters = [:]
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Starts a reader: changes are collected from now on; returns the generation it has seen.
    func open() -> UInt64 {
        observed.add(1, ordering: .relaxed)
        return state.withLock { $0.latest }
    }

    /// Ends a reader.
    func close() { observed.subtract(1, ordering: .relaxed) }

    /// Changes after `generation` that `consumer` may see (every change when `nil`), at most `limit`.
    func changes(after generation: UInt64, consumer: String?, limit: Int) -> Batch {
        state.withLock { state in
            let latest = state.latest
            guard generation < latest else { return Batch(changes: [], through: max(generation, latest), missed: false, more: false) }
            let missed = generation + 1 < state.first
            var index = Int((max(generation + 1, state.first)) - state.first)
            var out: [Change] = []
            var through = generation
            while index < state.changes.count && out.count < limit {
                let change = state.changes[index]
                if consumer == nil || change.update.consumer == consumer { out.append(change) }
                through = change.generation
                index += 1
            }
            return Batch(changes: out, through: missed && out.isEmpty ? latest : through, missed: missed, more: index < state.changes.count)
        }
    }

    /// Why ``wait(after:timeout:)`` returned.
    enum Wake: Sendable {
        case changed
        case timeout
        case shutdown
    }

    /// Waits until a change after `generation` is published, `timeout` elapses, or the server
    /// begins a graceful shutdown (open streams then end at once) or the task is cancelled.
    func wait(after generation: UInt64, timeout: Duration) async -> Wake {
        await withTaskGroup(of: Wake.self) { group in
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                    return .timeout
                } catch {
                    return .shutdown
                }
            }
            group.addTask {
                await self.waitForChange(after: generation)
                return Task.isCancelled ? .shutdown : .changed
            }
            group.addTask {
                do {
                    try await gracefulShutdown()
                } catch {}
                return .shutdown
            }
            let wake = await group.next() ?? .shutdown
            group.cancelAll()
            return wake
        }
    }

    private func waitForChange(after generation: UInt64) async {
        let id: UInt64 = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock { state in
                    if state.latest > generation || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}
