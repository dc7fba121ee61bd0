import SuanliCore

extension AgentRunner {
    /// Waits while parts being stopped on the assignment's resource (a preempted job in its
    /// notice, `SUANLI_PREEMPT_NOTICE_S`) still hold units this part needs: the part starts once
    /// the parts here, with it, fit the resource's units. Returns at once when nothing is being
    /// stopped there, when the part itself was cancelled meanwhile, or when the agent stops.
    func waitForRoom(_ assignment: Assignment) async {
        let units: Int? = state.withLock { state in
            guard let prefix = state.prefix else { return nil }
            return resources.first { "\(prefix)/\($0.suffix)" == assignment.resource }?.spec.units
        }
        guard let units else { return }
        var pause = Duration.milliseconds(10)
        while !Task.isCancelled {
            let wait: Bool = state.withLock { state in
                guard let own = state.running[assignment.ref], !own.cancelled else { return false }
                var busy = 0
                var stopping = false
                for (ref, running) in state.running where ref.resource == assignment.resource && ref != assignment.ref {
                    busy += running.assignment.units
                    if running.cancelled { stopping = true }
                }
                return stopping && busy + assignment.units > units
            }
            guard wait else { return }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(100))
        }
    }
}
