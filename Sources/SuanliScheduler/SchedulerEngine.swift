import SuanliCore

/// The scheduler engine (placeholder until the engine lands).
public struct SchedulerEngine: Sendable {
    /// Creates an engine.
    public init() {}
}
