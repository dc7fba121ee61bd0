import Foundation
import SuanliCore
import SuanliStore
import Synchronization

/// One audited request's entry while its handler runs (a task-local), so that the entry joins
/// the group commit of the request's own write.
///
/// The first ``Platform/commit(_:)`` of the request enqueues the entry right behind its
/// mutations, in the same critical section — usually the same batch, one fsync for both — with
/// the status this action usually answers with (``AuditLog/expectedStatus(for:)``). When the
/// handler is done, ``BearerAuthenticator`` waits until that entry is durable and corrects the
/// status if the answer differs (an extra write, rare); a request that wrote nothing (refused,
/// or nothing to change) has its entry written then. Either way the entry is durable before the
/// response is sent.
final class AuditScope: Sendable {
    /// The audited request whose handler runs in this task, if any.
    @TaskLocal static var current: AuditScope?

    private struct State {
        var entry: AuditEntry
        /// The ticket of the enqueued entry; nil until a commit attached it.
        var ticket: UInt64?
    }

    private let state: Mutex<State>

    /// A scope for `entry` (its time and status are set when it is written).
    init(entry: AuditEntry) { state = Mutex(State(entry: entry)) }

    /// Enqueues the entry with its expected status after a commit's mutations, once per request.
    func attach(to committer: GroupCommitter, at now: Date) {
        state.withLock { state in
            guard state.ticket == nil else { return }
            state.entry.at = now
            state.ticket = try? committer.enqueue([.put(state.entry)])
        }
    }

    /// The entry and its ticket, if a commit enqueued it.
    var attached: (entry: AuditEntry, ticket: UInt64)? {
        state.withLock { state in state.ticket.map { (state.entry, $0) } }
    }
}
