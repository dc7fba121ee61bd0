import Foundation
import SuanliCore
import SuanliRegistry
import SuanliScheduler
import SuanliStore

extension TaskEntry {
    /// Meters every part of the current attempt that started and has not ended, up to `end`.
    mutating func meterOpenParts(until end: Date, registry: Registry) {
        guard let placement else { return }
        for part in placement.parts {
            guard var progress = runtime.parts[part.resource], let start = progress.startedAt, progress.endedAt == nil else {
                continue
            }
            progress.endedAt = max(start, end)
            runtime.parts[part.resource] = progress
            runtime.usage.append(usage(for: part, start: start, end: max(start, end), registry: registry))
        }
    }

    func usage(for part: Placement.Part, start: Date, end: Date, registry: Registry) -> UsageRecord {
        UsageRecord(
            task: id, attempt: runtime.attempt, consumer: consumer,
            provider: registry.providerOf(part.resource)?.description ?? Identifier(uncheckedString: part.resource).prefix.description,
            resource: part.resource, units: part.units, start: start, end: end, priceFenPerUnitHour: part.priceFenPerUnitHour)
    }
}

extension PlatformState {
    /// Records that the current placement's parts await their agents, and wakes those agents.
    mutating func assign(_ taskID: String) {
        guard var task = tasks[taskID] else { return }
        task.runtime.parts = [:]
        for resource in task.placedResources { task.runtime.parts[resource] = PartProgress() }
        tasks[taskID] = task
        indexAssignment(taskID)
    }

    /// Files a placed task under the providers of its parts (at start-up, progress kept).
    mutating func indexAssignment(_ taskID: String) {
        guard let task = tasks[taskID] else { return }
        for resource in task.placedResources {
            guard let provider = owner(of: resource) else { continue }
            assignedByProvider[provider, default: []].insert(taskID)
            wake.insert(provider)
        }
    }

    /// The provider owning `resource`, even after the resource was deleted.
    func owner(of resource: String) -> Prefix? {
        registry.providerOf(resource) ?? registry.owner(of: Identifier(uncheckedString: resource).prefix)
    }

    /// Forgets which providers hold parts of `taskID` (it ended or moves on); wakes them so
    /// that they stop their copies.
    mutating func unassign(_ taskID: String) {
        guard let task = tasks[taskID] else { return }
        for resource in task.runtime.parts.keys {
            guard let provider = owner(of: resource) else { continue }
            assignedByProvider[provider]?.remove(taskID)
            wake.insert(provider)
        }
    }

    /// Ends the current attempt of a placed task whose provider vanished (or whose resource was
    /// removed): meters it up to `lastSeen`, marks it `lost`, and places it again as the next
    /// attempt — or fails it when its retries are spent.
    mutating func abandonAttempt(_ taskID: String, reason: String, lastSeen: Date, now: Date, requeueInEngine: Bool)
        -> [StoreMutation]
    {
        guard var task = tasks[taskID], !task.state.isFinal, task.placement != nil else { return [] }
        let t = now.timeIntervalSince1970
        task.meterOpenParts(until: lastSeen, registry: registry)
        tasks[taskID] = task
        unassign(taskID)
        task = tasks[taskID]!
        task.transition(to: .lost, at: now, message: reason)
        let maxAttempts = (task.spec.maxRetries ?? TaskSpec.defaultMaxRetries) + 1
        if task.runtime.attempt >= maxAttempts {
            task.transition(to: .failed, at: now, message: "lost \(task.runtime.attempt) times; retries spent")
            task.placement = nil
            tasks[taskID] = task
            return [.putTask(task.stored())] + apply(engine.release(taskID, now: t), now: now)
        }
        task.runtime.attempt += 1
        task.runtime.parts = [:]
        task.placement = nil
        task.transition(to: .queued, at: now, message: "waiting for attempt \(task.runtime.attempt)")
        tasks[taskID] = task
        var mutations: [StoreMutation] = [.putTask(task.stored())]
        if requeueInEngine { mutations += apply(engine.requeue(taskID, now: t), now: now) }
        return mutations
    }

    /// What provider `provider` should start and stop, given the parts it runs now.
    func work(for provider: Prefix, running: [AttemptRef]) -> WorkResponse {
        var response = WorkResponse()
        for taskID in (assignedByProvider[provider] ?? []).sorted(by: { tasks[$0]!.seq < tasks[$1]!.seq }) {
            guard let task = tasks[taskID], let placement = task.placement, task.state.holdsUnits else { continue }
            for part in placement.parts where task.runtime.parts[part.resource]?.phase == nil {
                guard registry.providerOf(part.resource) == provider else { continue }
                let alternative = task.spec.accept[placement.alternative]
                response.assignments.append(
                    Assignment(
                        task: taskID, attempt: task.runtime.attempt, resource: part.resource, units: part.units,
                        kind: alternative.kind, alternative: placement.alternative, run: alternative.run,
                        durationS: task.spec.durationS))
            }
        }
        for ref in running {
            guard let task = tasks[ref.task], !task.state.isFinal, task.runtime.attempt == ref.attempt,
                task.placedResources.contains(ref.resource), task.runtime.parts[ref.resource]?.endedAt == nil
            else {
                response.cancellations.append(ref)
                continue
            }
        }
        return response
    }

    /// Applies one agent event; returns the mutations, or `nil` if the event is stale and ignored.
    mutating func apply(_ event: AttemptEvent, from provider: Prefix, now: Date) -> [StoreMutation]? {
        guard registry.providerOf(event.resource) == provider, var task = tasks[event.task], !task.state.isFinal,
            task.runtime.attempt == event.attempt, var part = task.runtime.parts[event.resource]
        else { return nil }
        let t = now.timeIntervalSince1970
        var mutations: [StoreMutation] = []
        switch event.phase {
        case .starting:
            guard part.phase == nil else { return nil }
            part.phase = .starting
            task.runtime.parts[event.resource] = part
            if task.state == .scheduled { task.transition(to: .starting, at: now, message: "on \(event.resource)") }
        case .running:
            guard part.phase == nil || part.phase == .starting else { return nil }
            part.phase = .running
            part.startedAt = part.startedAt ?? now
            task.runtime.parts[event.resource] = part
            if task.runtime.parts.values.allSatisfy({ $0.phase == .running || $0.endedAt != nil }), task.state != .running {
                task.transition(to: .running, at: now)
                tasks[event.task] = task
                mutations += apply(engine.markRunning(event.task, now: t), now: now)
                task = tasks[event.task]!
            } else if task.state == .scheduled {
                task.transition(to: .starting, at: now)
            }
        case .succeeded, .failed:
            guard part.endedAt == nil else { return nil }
            let start = part.startedAt ?? now
            part.phase = event.phase
            part.startedAt = start
            part.endedAt = now
            part.exitCode = event.exitCode
            task.runtime.parts[event.resource] = part
            if let placed = task.placement?.parts.first(where: { $0.resource == event.resource }) {
                task.runtime.usage.append(task.usage(for: placed, start: start, end: now, registry: registry))
            }
            let ended = task.runtime.parts.values.allSatisfy { $0.endedAt != nil }
            if event.phase == .failed || ended {
                let failed = event.phase == .failed || task.runtime.parts.values.contains { $0.phase == .failed }
                task.meterOpenParts(until: now, registry: registry)
                let detail = event.exitCode.map { "exit code \($0)" } ?? event.message
                task.transition(to: failed ? .failed : .succeeded, at: now, message: detail)
                tasks[event.task] = task
                unassign(event.task)
                mutations += apply(engine.release(event.task, now: t), now: now)
                task = tasks[event.task]!
            }
        }
        tasks[event.task] = task
        return [.putTask(task.stored())] + mutations
    }
}
