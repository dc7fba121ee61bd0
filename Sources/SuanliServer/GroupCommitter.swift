import Logging
import ServiceLifecycle
import Synchronization
import SuanliStore

/// Group commit: collects the mutations of concurrent requests and writes each collection to
/// the store in one durable transaction, then releases every request that waited on it.
///
/// Callers ``enqueue(_:)`` while they hold the platform's state lock (so durable order equals
/// in-memory order) and then ``waitDurable(_:)`` outside it. Runs as a `Service`; on graceful
/// shutdown it writes what is pending and stops accepting more.
final class GroupCommitter: Service, Sendable {
    /// Limits per transaction.
    struct Configuration: Sendable {
        /// Mutations written in one transaction at most.
        var maxBatch = 50_000
    }

    private struct State {
        var pending: [(ticket: UInt64, mutations: [StoreMutation])] = []
        var nextTicket: UInt64 = 1
        var durableThrough: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var failed: [UInt64: String] = [:]
        var stopped = false
    }

    private let state = Mutex(State())
    private let store: any SuanliStore
    private let configuration: Configuration
    private let logger: Logger
    private let signal: AsyncStream<Void>
    private let signalContinuation: AsyncStream<Void>.Continuation
    /// Called after a failed transaction so the owner can resynchronise memory with storage.
    private let onFailure: @Sendable () async -> Void

    init(
        store: any SuanliStore, configuration: Configuration = .init(), logger: Logger,
        onFailure: @escaping @Sendable () async -> Void
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.onFailure = onFailure
        (signal, signalContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues mutations; returns a ticket to wait on. Throws if the committer has stopped.
    func enqueue(_ mutations: [StoreMutation]) throws(SuanliErrorBox) -> UInt64 {
        let ticket = try state.withLock { state throws(SuanliErrorBox) -> UInt64 in
            guard !state.stopped else { throw SuanliErrorBox.stopped }
            let ticket = state.nextTicket
            state.nextTicket += 1
            state.pending.append((ticket, mutations))
            return ticket
        }
        signalContinuation.yield()
        return ticket
    }

    /// Returns once the mutations of `ticket` are durable; throws if their transaction failed.
    func waitDurable(_ ticket: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, any Error>? = state.withLock { state in
                if let message = state.failed.removeValue(forKey: ticket) {
                    return .failure(StoreError(message))
                }
                if ticket <= state.durableThrough { return .success(()) }
                state.waiters[ticket] = continuation
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in signal {
                await flush()
            }
        } onGracefulShutdown: {
            self.signalContinuation.finish()
        }
        state.withLock { $0.stopped = true }
        await flush()
    }

    /// Writes everything pending, in batches.
    func flush() async {
        while true {
            let batch: [(ticket: UInt64, mutations: [StoreMutation])] = state.withLock { state in
                var count = 0
                var taken = 0
                for item in state.pending {
                    if taken > 0 && count + item.mutations.count > configuration.maxBatch { break }
                    count += item.mutations.count
                    taken += 1
                }
                let batch = Array(state.pending.prefix(taken))
                state.pending.removeFirst(taken)
                return batch
            }
            guard let last = batch.last?.ticket else { return }
            do {
                try await store.apply(batch.flatMap(\.mutations))
                let ready: [CheckedContinuation<Void, any Error>] = state.withLock { state in
                    state.durableThrough = last
                    return batch.compactMap { state.waiters.removeValue(forKey: $0.ticket) }
                }
                for waiter in ready { waiter.resume() }
            } catch {
                logger.error("storage write failed; resynchronising from storage", metadata: ["error": "\(error)"])
                let message = "storage failed: \(error)"
                let ready: [CheckedContinuation<Void, any Error>] = state.withLock { state in
                    state.durableThrough = last
                    var ready: [CheckedContinuation<Void, any Error>] = []
                    for item in batch {
                        if let waiter = state.waiters.removeValue(forKey: item.ticket) {
                            ready.append(waiter)
                        } else {
                            state.failed[item.ticket] = message
                        }
                    }
                    return ready
                }
                for waiter in ready { waiter.resume(throwing: StoreError(message)) }
                await onFailure()
            }
        }
    }
}

/// Why a write could not even be queued.
enum SuanliErrorBox: Error {
    case stopped
}
