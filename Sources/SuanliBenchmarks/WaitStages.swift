import Foundation
import SuanliCore

/// Where a task's submit-to-running time went, split at its lifecycle events: `bench e2e`
/// prints their percentiles under load, so that a slow p99 says which stage grew.
struct WaitStages: Sendable, Equatable {
    /// The stages in the order a task passes them.
    enum Stage: String, CaseIterable, Sendable {
        /// From the client's send to the platform recording the task (`queued`).
        case request
        /// From `queued` to `scheduled`: waiting for free units.
        case waitingForUnits = "waiting_for_units"
        /// From `scheduled` to `starting`: the agent learning of the placement and taking it up.
        case reachingTheAgent = "reaching_the_agent"
        /// From `starting` to `running`: the agent preparing and spawning the process.
        case spawning

        /// How the summary line names the stage.
        var label: String {
            switch self {
            case .request: "request"
            case .waitingForUnits: "waiting for free units"
            case .reachingTheAgent: "placed → agent starts it"
            case .spawning: "starting → running"
            }
        }
    }

    /// Milliseconds spent in each stage; a stage whose bounding events are missing is absent.
    var milliseconds: [Stage: Double]

    /// The stages of one task submitted at `submittedAt`, from its events (the first of each state counts).
    init(submittedAt: Date, events: [TaskEvent]) {
        var first: [TaskState: Date] = [:]
        for event in events where first[event.state] == nil { first[event.state] = event.at }
        let bounds: [(Stage, Date?, Date?)] = [
            (.request, submittedAt, first[.queued]),
            (.waitingForUnits, first[.queued], first[.scheduled]),
            (.reachingTheAgent, first[.scheduled], first[.starting]),
            (.spawning, first[.starting], first[.running]),
        ]
        milliseconds = [:]
        for (stage, from, to) in bounds {
            guard let from, let to else { continue }
            milliseconds[stage] = max(0, to.timeIntervalSince(from) * 1000)
        }
    }

    /// The `p` percentile (0...1) of each stage over `tasks`; a stage no task has is absent.
    static func percentiles(_ tasks: [WaitStages], _ p: Double) -> [Stage: Double] {
        var result: [Stage: Double] = [:]
        for stage in Stage.allCases {
            let values = tasks.compactMap { $0.milliseconds[stage] }.sorted()
            if !values.isEmpty { result[stage] = BenchSupport.percentile(values, p) }
        }
        return result
    }
}
