import Foundation
import SuanliCore

extension TaskBook {
    /// How the `lost` event of a preempted attempt begins (`preempted by task T (spot)`).
    public static let preemptedPrefix = "preempted by task "

    /// A preemptible task gave its units to `by` (``SchedulerEngine/preempt(now:limit:)``): its
    /// open parts are metered to `now` (only the time used, at the price of its placement), it
    /// becomes `lost` with a message naming the preemption and is queued again as its next
    /// attempt (same checkpoint directory); its agent, woken, stops the old attempt (SIGTERM,
    /// then SIGKILL after the agent's notice). A preemption does not use up a retry
    /// (``TaskEntry/maxAttempts``).
    public mutating func preempted(_ id: String, by: String, now: Date) -> [LifecycleAction] {
        var fx = Effects()
        guard var task = tasks[id] else { return [] }
        switch task.state {
        case .scheduled, .starting, .running:
            Self.endOpenParts(&task, at: now, effects: &fx)
            unindex(task, effects: &fx)
            Self.move(&task, to: .lost, at: now, message: "\(Self.preemptedPrefix)\(by) (spot)")
            Self.nextAttempt(&task, now: now, effects: &fx, requeue: true)
            put(task)
            fx.persist(id)
        case .queued, .lost, .succeeded, .failed, .cancelled, .expired, .rejected:
            return []  // nothing of it runs
        }
        return fx.actions
    }

    /// Names the preempted tasks in the event of `id`'s latest placement (`placed (preempting T)`,
    /// `attempt 2 placed (preempting T)`);
    /// call before its `persist` action is carried out.
    public mutating func notePreemption(of victims: [String], by id: String) {
        guard !victims.isEmpty, var task = tasks[id], let last = task.events.indices.last, task.events[last].state == .scheduled
        else { return }
        let note = "preempting \(victims.joined(separator: ", "))"
        let placed = task.events[last].message.flatMap { $0 == "capacity appeared" ? nil : $0 } ?? "placed"
        task.amendLastEvent(message: "\(placed) (\(note))")
        put(task)
    }
}
