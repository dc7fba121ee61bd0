import Foundation
import SuanliCore

extension TaskBook {
    // MARK: Agent events

    /// Applies one event from `provider`'s agent, received at `now` in a batch the agent sent at
    /// `sentAt` (its clock).
    ///
    /// Idempotent: an event for a part already in (or past) its phase, for another attempt, or
    /// for a task that ended changes nothing and is reported as ignored with the reason.
    /// Metering uses the agent's `at`, mapped and clamped by ``EventClock``.
    public mutating func apply(_ event: AttemptEvent, from provider: Prefix, sentAt: Date?, now: Date)
        -> (EventOutcome, [LifecycleAction])
    {
        guard var task = tasks[event.task] else { return (.ignored(.unknownTask), []) }
        switch task.state {
        case .succeeded, .failed, .cancelled, .expired, .rejected:
            return (.ignored(.taskEnded), [])
        case .queued, .lost:
            return (.ignored(event.attempt == task.runtime.attempt ? .notPlaced : .otherAttempt), [])
        case .scheduled, .starting, .running:
            break
        }
        guard event.attempt == task.runtime.attempt else { return (.ignored(.otherAttempt), []) }
        guard var part = task.runtime.parts[event.resource], let owner = task.owners[event.resource] else {
            return (.ignored(.notAPart), [])
        }
        guard owner == provider else { return (.ignored(.notYourResource), []) }
        let at = EventClock.platformTime(agentTime: event.at, sentAt: sentAt, receivedAt: now, notBefore: part.assignedAt)
        var fx = Effects()
        switch (part.phase, event.phase) {
        case (nil, .starting):
            part.phase = .starting
            part.startingAt = at
            task.runtime.parts[event.resource] = part
            if task.state == .scheduled { Self.move(&task, to: .starting, at: now, message: "on \(event.resource)") }
        case (nil, .running), (.starting?, .running):
            part.phase = .running
            part.startedAt = at
            task.runtime.parts[event.resource] = part
            if task.state != .running, task.runtime.parts.values.allSatisfy({ $0.phase == .running || $0.endedAt != nil }) {
                Self.move(&task, to: .running, at: now)
                fx.append(.markRunning(task: task.id))
            } else if task.state == .scheduled {
                Self.move(&task, to: .starting, at: now)
            }
        case (nil, .succeeded), (nil, .failed), (.starting?, .succeeded), (.starting?, .failed), (.running?, .succeeded),
            (.running?, .failed):
            let start = part.meteredFrom ?? at
            part.phase = event.phase
            part.startedAt = part.startedAt ?? start
            part.endedAt = max(start, at)
            part.exitCode = event.exitCode
            task.runtime.parts[event.resource] = part
            Self.meter(&task, resource: event.resource, start: start, end: at, effects: &fx)
            let ended = task.runtime.parts.values.allSatisfy { $0.endedAt != nil }
            if event.phase == .failed || ended {
                let failed = event.phase == .failed || task.runtime.parts.values.contains { $0.phase == .failed }
                Self.endOpenParts(&task, at: at, effects: &fx)
                let detail = event.exitCode.map { "exit code \($0)" } ?? event.message.map { String($0.prefix(1000)) }
                Self.move(&task, to: failed ? .failed : .succeeded, at: now, message: detail)
                unindex(task, effects: &fx)
                fx.append(.release(task: task.id))
            }
        case (.starting?, .starting), (.running?, .running), (.succeeded?, .succeeded), (.failed?, .failed):
            return (.ignored(.duplicate), [])
        case (.running?, .starting), (.succeeded?, _), (.failed?, _):
            return (.ignored(.late), [])
        }
        put(task)
        fx.persist(task.id)
        return (.applied, fx.actions)
    }

    // MARK: Work

    /// What `provider`'s agent should start and stop, given the parts it lists as running.
    ///
    /// A part is assigned until its agent reports it, but never when the agent already lists it
    /// in `running` (it accepted it, maybe finished it, and has not had its events
    /// acknowledged yet), so an attempt is never started twice. Listed parts that are no
    /// longer current (cancelled, ended, moved elsewhere, another attempt) are cancelled.
    public func work(for provider: Prefix, running: [AttemptRef]) -> WorkResponse {
        var response = WorkResponse()
        let listed = Set(running)
        for taskID in (assigned[provider] ?? []).sorted(by: { tasks[$0]!.seq < tasks[$1]!.seq }) {
            guard let task = tasks[taskID], let placement = task.placement, task.state.holdsUnits else { continue }
            let alternative = task.spec.accept[placement.alternative]
            for part in placement.parts where task.runtime.parts[part.resource]?.phase == nil {
                guard task.owners[part.resource] == provider else { continue }
                let assignment = Assignment(
                    task: taskID, attempt: task.runtime.attempt, resource: part.resource, units: part.units,
                    kind: alternative.kind, alternative: placement.alternative, run: alternative.run,
                    durationS: task.spec.durationS)
                if listed.contains(assignment.ref) { continue }
                response.assignments.append(assignment)
            }
        }
        for ref in running where !isCurrent(ref) { response.cancellations.append(ref) }
        return response
    }

    /// Tasks with a part on `provider` that its agent acknowledged (`starting` or `running`,
    /// not ended) but no longer lists in `running`: the agent restarted or stopped it without
    /// reporting. An agent lists a part from acceptance until its final event is acknowledged,
    /// so such a part is gone.
    public func vanished(on provider: Prefix, running: [AttemptRef]) -> [String] {
        let listed = Set(running)
        var ids: [String] = []
        for taskID in (assigned[provider] ?? []).sorted(by: { tasks[$0]!.seq < tasks[$1]!.seq }) {
            guard let task = tasks[taskID], task.state.holdsUnits else { continue }
            for (resource, part) in task.runtime.parts where task.owners[resource] == provider {
                guard part.phase != nil, part.endedAt == nil else { continue }
                if !listed.contains(AttemptRef(task: taskID, attempt: task.runtime.attempt, resource: resource)) {
                    ids.append(taskID)
                    break
                }
            }
        }
        return ids
    }

    /// Parts found ``vanished(on:running:)``: each such attempt is metered to `now`, becomes
    /// `lost` and is queued again as the next attempt (or fails when its retries are spent).
    public mutating func partsVanished(_ ids: [String], on provider: Prefix, now: Date) -> [LifecycleAction] {
        var fx = Effects()
        for id in ids {
            abandon(id, reason: "the agent of \(provider) no longer runs its part", lastSeen: now, now: now, effects: &fx)
        }
        return fx.actions
    }

    /// Whether `ref` names a part of a task's current attempt that has not ended.
    func isCurrent(_ ref: AttemptRef) -> Bool {
        guard let task = tasks[ref.task], !task.state.isFinal, task.runtime.attempt == ref.attempt,
            let part = task.runtime.parts[ref.resource]
        else { return false }
        return part.endedAt == nil && task.placedResources.contains(ref.resource)
    }

    // MARK: Logs

    /// Whether `provider` may append output to attempt `attempt` of task `id`: the attempt's
    /// current placement has a part on its resources, or an earlier attempt was metered there.
    public func logPermission(task id: String, attempt: Int, provider: Prefix) -> LogPermission {
        guard let task = tasks[id] else { return .unknownTask }
        if attempt == task.runtime.attempt, task.placement != nil, task.owners.values.contains(provider) { return .allowed }
        let name = provider.description
        if task.runtime.usage.contains(where: { $0.attempt == attempt && $0.provider == name }) { return .allowed }
        return .notYours
    }
}
