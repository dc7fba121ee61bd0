import Foundation
import SuanliCore
import SuanliOrchestration
import SuanliScheduler
import SuanliStore

extension PlatformState {
    /// Lets queued non-preemptible tasks that fit nowhere take the units of running preemptible
    /// tasks (``SchedulerEngine/preempt(now:limit:)``): each victim is metered to now and queued
    /// as its next attempt (``TaskBook/preempted(_:by:now:)``), then the task is scheduled on the
    /// freed units. Returns the store mutations to commit (none when nothing was preempted).
    mutating func preemptForWaiting(now: Date) -> [StoreMutation] {
        let done = engine.preempt(now: now.timeIntervalSince1970)
        guard !done.isEmpty else { return [] }
        var actions: [LifecycleAction] = []
        for preemption in done {
            for victim in preemption.victims { actions += book.preempted(victim, by: preemption.task, now: now) }
            actions += placed(
                DrainResult(
                    scheduled: [ScheduledTask(id: preemption.task, placement: preemption.placement)], expired: [],
                    greedyCost: 0, optimisedCost: 0),
                now: now)
            book.notePreemption(of: preemption.victims, by: preemption.task)
        }
        return perform(actions, now: now)
    }
}
