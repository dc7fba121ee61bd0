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
///
/// A failed transaction breaks the committer: that batch and every write queued behind it fail
/// (their changes were applied to memory on top of the failed one), and so does every write
/// offered until the owner has rebuilt memory from storage and called ``repaired()`` under its
/// state lock. So no write is acknowledged while memory and disk disagree.
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
        /// Why the committer refuses writes until repaired; `nil` when healthy.
        var broken: String?
        /// The highest ticket whose transaction failed (0: none).
        var lastFailed: UInt64 = 0
        /// Readers waiting until storage holds what they saw in memory (see ``waitSettled(through:since:)``).
        var settleWaiters: [(through: UInt64, since: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    }

    private let state = Mutex(State())
    /// The platform's instruments (the committer lives as long as its platform); commits are timed here.
    let metrics = PlatformMetrics()
    private let store: any SuanliStore
    private let configuration: Configuration
    private let logger: Logger
    private let signal: AsyncStream<Void>
    private let signalContinuation: AsyncStream<Void>.Continuation
    /// Called after a failed transaction: rebuilds memory from storage and calls ``repaired()``
    /// under the state lock; retried every second until it succeeds.
    private let onFailure: @Sendable () async throws -> Void

    init(
        store: any SuanliStore, configuration: Configuration = .init(), logger: Logger,
        onFailure: @escaping @Sendable () async throws -> Void
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
            if let broken = state.broken { throw SuanliErrorBox.broken(broken) }
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

    /// The latest ticket handed out and how far storage is durable. Read under the platform's
    /// state lock, `issued` covers every change a reader can see in memory at that moment.
    func watermark() -> (issued: UInt64, durable: UInt64) {
        state.withLock { ($0.nextTicket - 1, $0.durableThrough) }
    }

    /// Waits until every ticket through `through` has been written or has failed; `false` if
    /// any ticket after `since` (up to `through`) failed, i.e. what the reader saw may not exist.
    ///
    /// For readers that hand in-memory state to the outside world (an agent's work): nothing
    /// leaves before it is durable, so a crash cannot reissue what someone already acted on.
    func waitSettled(through: UInt64, since: UInt64) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let outcome: Bool? = state.withLock { state in
                if through <= state.durableThrough { return state.lastFailed <= since }
                state.settleWaiters.append((through, since, continuation))
                return nil
            }
            if let outcome { continuation.resume(returning: outcome) }
        }
    }

    /// Takes the settle waiters that storage has caught up with (under the lock).
    private static func settled(_ state: inout State) -> [(CheckedContinuation<Bool, Never>, Bool)] {
        var ready: [(CheckedContinuation<Bool, Never>, Bool)] = []
        state.settleWaiters.removeAll { waiter in
            guard waiter.through <= state.durableThrough else { return false }
            ready.append((waiter.continuation, state.lastFailed <= waiter.since))
            return true
        }
        return ready
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
                let mutations = batch.flatMap(\.mutations)
                let started = ContinuousClock.now
                try await store.apply(mutations)
                metrics.recordCommit(duration: ContinuousClock.now - started, mutations: mutations.count)
                let (ready, settled) = state.withLock { state in
                    state.durableThrough = last
                    return (batch.compactMap { state.waiters.removeValue(forKey: $0.ticket) }, Self.settled(&state))
                }
                for waiter in ready { waiter.resume() }
                for (waiter, ok) in settled { waiter.resume(returning: ok) }
            } catch {
                logger.error("storage write failed; refusing writes until memory is rebuilt from storage", metadata: ["error": "\(error)"])
                let message = "storage failed: \(error)"
                // This batch and everything queued behind it fail: their changes sit on top of this one.
                let (ready, settled) = state.withLock { state -> ([CheckedContinuation<Void, any Error>], [(CheckedContinuation<Bool, Never>, Bool)]) in
                    state.broken = message
                    let failing = batch + state.pending
                    state.pending = []
                    state.durableThrough = failing.last?.ticket ?? last
                    state.lastFailed = state.durableThrough
                    var ready: [CheckedContinuation<Void, any Error>] = []
                    for item in failing {
                        if let waiter = state.waiters.removeValue(forKey: item.ticket) {
                            ready.append(waiter)
                        } else {
                            state.failed[item.ticket] = message
                        }
                    }
                    return (ready, Self.settled(&state))
                }
                for waiter in ready { waiter.resume(throwing: StoreError(message)) }
                for (waiter, ok) in settled { waiter.resume(returning: ok) }
                await repair()
            }
        }
    }
}

extension GroupCommitter {
    /// Accepts writes again; the owner calls it under its state lock once memory equals storage.
    func repaired() {
        state.withLock { $0.broken = nil }
    }

    /// Runs the owner's rebuild until it succeeds or the committer stops.
    private func repair() async {
        while !state.withLock({ $0.stopped }) {
            do {
                try await onFailure()
                logger.notice("memory rebuilt from storage; accepting writes again")
                return
            } catch {
                logger.error("cannot rebuild memory from storage yet; retrying in 1 s", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// Why a write could not even be queued.
enum SuanliErrorBox: Error {
    case stopped
    /// A transaction failed and memory has not been rebuilt from storage yet.
    case broken(String)
}
