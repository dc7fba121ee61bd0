import Foundation
import SuanliCore

extension TaskBook {
    /// A preemptible task gave its units to `by` (``SchedulerEngine/preempt(now:limit:)``): its
    /// open parts are metered to `now` (only the time used, at the price of its placement), it
    /// becomes `lost` with a message naming the preemption and is queued again as its next
    /// attempt (same checkpoint directory); its agent stops the old attempt (SIGTERM, then
    /// SIGKILL after the agent's notice) when it next polls, and is woken for it.
    public mutating func preempted(_ id: String, by: String, now: Date) -> [LifecycleAction] {
        var fx = Effects()
        abandon(id, reason: "preempted by task \(by) (spot)", lastSeen: now, now: now, effects: &fx)
        return fx.actions
    }
}
