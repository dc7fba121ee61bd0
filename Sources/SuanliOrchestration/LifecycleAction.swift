import SuanliCore

/// Something the runtime must do after the ``TaskBook`` changed, outside the book.
///
/// Engine actions (`release`, `markRunning`, `requeue`, `restorePlacement`, `enqueue`) and
/// `meter` change other in-memory state and run in the same critical section; the drain each
/// engine call returns is fed back to ``TaskBook/apply(_:now:owner:)``. `persist` is enqueued
/// to the group commit in that section too (durable order = memory order); `wake` runs once
/// the change is durable, outside the lock.
public enum LifecycleAction: Sendable, Hashable {
    /// Write the task's durable record (``TaskEntry/stored()``).
    case persist(task: String)
    /// Wake the provider's agent: it has new work, or parts to stop.
    case wake(Prefix)
    /// The task ended or was cancelled: free its units or take it out of the queue (`SchedulerEngine.release`).
    case release(task: String)
    /// Every part runs: the provider's reports now include the units (`SchedulerEngine.markRunning`).
    case markRunning(task: String)
    /// The attempt was lost: free its units and queue it again at its rank (`SchedulerEngine.requeue`).
    case requeue(task: String)
    /// Restart recovery: re-install the stored placement (`SchedulerEngine.restore`).
    case restorePlacement(task: String)
    /// Restart recovery: put the queued task back in the queue (`SchedulerEngine.enqueue`), then drain.
    case enqueue(task: String)
    /// Record a metered part in the usage ledger (it is already in the task's runtime).
    case meter(UsageRecord)
}

/// Why an agent event changed nothing.
public enum IgnoredEvent: String, Sendable, Hashable, CaseIterable {
    /// No such task.
    case unknownTask = "unknown_task"
    /// The task already ended (succeeded, failed, cancelled, expired).
    case taskEnded = "task_ended"
    /// The task waits in the queue: no part is assigned.
    case notPlaced = "not_placed"
    /// The event is about another attempt than the current one (a late event of a lost attempt).
    case otherAttempt = "other_attempt"
    /// The resource is not part of the current placement.
    case notAPart = "not_a_part"
    /// The resource belongs to another provider.
    case notYourResource = "not_your_resource"
    /// The part is already in this phase (a redelivered event).
    case duplicate
    /// The part is already past this phase (an event overtaken by a later one, or after the part ended).
    case late
}

/// The result of one agent event.
public enum EventOutcome: Sendable, Hashable {
    /// The event changed the part (and maybe the task).
    case applied
    /// The event changed nothing, for this reason.
    case ignored(IgnoredEvent)
}

/// Why a cancellation was refused.
public enum CancelRefusal: Error, Sendable, Hashable {
    /// No such task.
    case unknownTask
    /// The task already ended in this state.
    case alreadyFinal(TaskState)
}

/// Whether a provider may append output to an attempt.
public enum LogPermission: Sendable, Hashable {
    /// The attempt runs, or ran and was metered, on the provider's resources.
    case allowed
    /// No such task.
    case unknownTask
    /// The task exists but this attempt never ran on the provider's resources.
    case notYours
}
