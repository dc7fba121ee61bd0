import ServiceLifecycle
import SuanliCore
import Synchronization

/// Wakes long-polling agents when their provider has news (new assignments, cancellations).
///
/// Each provider has a generation counter. A poll reads the generation together with the
/// state it answers from; ``wait(for:after:timeout:)`` returns at once if the generation moved
/// since, so no wake-up is lost between looking and waiting.
final class WorkSignals: Sendable {
    private struct State {
        var generation: [Prefix: UInt64] = [:]
        var waiters: [Prefix: [UInt64: CheckedContinuation<Void, Never>]] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The current generation of `provider`.
    func generation(of provider: Prefix) -> UInt64 { state.withLock { $0.generation[provider] ?? 0 } }

    /// Moves the generation of every provider in `providers` and wakes their waiters.
    func notify(_ providers: Set<Prefix>) {
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { state in
            var woken: [CheckedContinuation<Void, Never>] = []
            for provider in providers {
                state.generation[provider, default: 0] += 1
                if let waiting = state.waiters.removeValue(forKey: provider) { woken += waiting.values }
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Waits until `provider`'s generation passes `generation`, the timeout elapses, the task is
    /// cancelled or the server begins a graceful shutdown (so that open long polls end at once).
    func wait(for provider: Prefix, after generation: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForSignal(provider, after: generation) }
            group.addTask { try? await gracefulShutdown() }
            _ = await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal(_ provider: Prefix, after generation: UInt64) async {
        let id: UInt64 = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock { state in
                    if (state.generation[provider] ?? 0) > generation || Task.isCancelled { return true }
                    state.waiters[provider, default: [:]][id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters[provider]?.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}
