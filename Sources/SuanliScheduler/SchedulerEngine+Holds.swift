import SuanliCore

/// Capacity reserved for a quote's offer until it is accepted, released or expires.
struct Hold: Sendable {
    /// (resource slot in `task`, units); units 0 once the resource was removed.
    var parts: [SchedulerEngine.Reservation]
    /// The placement offered, with the prices in force when it was held.
    var placement: Placement
    /// Engine time (seconds) after which the hold lapses.
    var expiresAt: Double
    /// Whether a resource of the hold was removed (it can no longer be accepted as offered).
    var broken = false
}

/// What ``SchedulerEngine/hold(_:spec:expiresAt:now:excluding:)`` decided.
public enum HoldOutcome: Sendable, Hashable {
    /// The placement's units are held until the expiry.
    case held(Placement)
    /// No free capacity for it now (or only by delaying a blocked queue head).
    case noCapacity
    /// No registered resource could ever take it.
    case impossible(Explanation)
}

extension SchedulerEngine {
    // MARK: Holds (quotes)

    /// Holds the best placement for `spec` available now under `id` until `expiresAt`.
    ///
    /// A hold reserves units like a task placed but not yet running: they are subtracted from
    /// both the reported free units and the units left unreserved, so every placement, drain,
    /// backfill and explanation sees them as taken until ``releaseHold(_:now:)``,
    /// ``expireHolds(now:)`` or ``acceptHold(_:as:spec:now:)``. The placement is chosen as a
    /// submission's would be (same objective, same backfill rule: a hold never delays a blocked
    /// queue head).
    ///
    /// `excluding`: resources this hold must not use (a quote's earlier offers), so that the
    /// offers of one quote are disjoint placements.
    public mutating func hold(
        _ id: String, spec: TaskSpec, expiresAt: Double, now: Double, excluding: Set<String> = []
    ) throws(SuanliError) -> HoldOutcome {
        guard holds[id] == nil else { throw SuanliError(.conflict, "hold \(id) already exists") }
        let compiled = try admit(id, spec: spec, now: now)
        // Excluded resources look unavailable for this one search.
        var hidden: [Int32] = []
        for resource in excluding.sorted() {
            guard let slot = slotByID[resource], slots[Int(slot)].available else { continue }
            slots[Int(slot)].available = false
            refresh(slot: slot)
            hidden.append(slot)
        }
        defer {
            for slot in hidden {
                slots[Int(slot)].available = true
                refresh(slot: slot)
            }
        }
        var head: Int32? = nil
        if let first = queue.first, ranks(tasks[Int(first)], before: compiled.priority, share: shareFactor(spec.consumer), seq: nextSeq) {
            head = first
        }
        var outcome = attempt(compiled, behind: head, now: now)
        if head != nil && !configuration.backfill, case .placeable = outcome { outcome = .blocked }
        guard case .placeable(let plan, _) = outcome else {
            if case .noCapacity = outcome, let explanation = impossibility(compiled, spec: spec) {
                return .impossible(explanation)
            }
            return .noCapacity
        }
        for part in plan.parts where part.units <= 0 || slots[Int(part.slot)].effFree < part.units { return .noCapacity }
        let placement = Placement(
            alternative: Int(plan.alternative),
            parts: plan.parts.map { part in
                let r = slots[Int(part.slot)]
                return Placement.Part(
                    resource: ids[Int(part.slot)], units: Int(part.units),
                    priceFenPerUnitHour: spec.preemptible == true ? (spotPrices[part.slot] ?? r.price) : r.price,
                    rttMs: compiled.from < 0 ? nil : (rttFrom(compiled, r.location) * 10).rounded() / 10,
                    renewable: r.renewable)
            })
        let parts = plan.parts.map { Reservation(task: $0.slot, units: $0.units) }
        for part in parts { holdUnits(slot: part.task, units: part.units) }
        holds[id] = Hold(parts: parts, placement: placement, expiresAt: expiresAt)
        headShadow = nil
        return .held(placement)
    }

    /// Re-installs a hold from storage after a restart (before tasks are restored and the queue
    /// drains). Units are held as recorded; parts on resources that no longer exist are dropped
    /// and the hold is then marked broken.
    public mutating func restoreHold(_ id: String, placement: Placement, expiresAt: Double) {
        guard holds[id] == nil else { return }
        var parts: [Reservation] = []
        var broken = false
        for part in placement.parts {
            guard let slot = slotByID[part.resource], part.units > 0 else {
                broken = true
                continue
            }
            parts.append(Reservation(task: slot, units: Int32(clamping: part.units)))
        }
        for part in parts { holdUnits(slot: part.task, units: part.units) }
        holds[id] = Hold(parts: parts, placement: placement, expiresAt: expiresAt, broken: broken)
        headShadow = nil
    }

    /// Releases a hold's units at once (unknown identifiers are ignored) and drains if the engine drains by itself.
    @discardableResult
    public mutating func releaseHold(_ id: String, now: Double) -> DrainResult {
        guard let hold = holds.removeValue(forKey: id) else { return .empty }
        for part in hold.parts { unholdUnits(slot: part.task, units: part.units) }
        return automaticDrain(now: now)
    }

    /// Releases every hold whose expiry is at or before `now`; returns their identifiers, sorted.
    /// Does not drain (the caller wakes its drain, as capacity grew).
    public mutating func expireHolds(now: Double) -> [String] {
        let due = holds.filter { $0.value.expiresAt <= now }.map(\.key).sorted()
        for id in due {
            let hold = holds.removeValue(forKey: id)!
            for part in hold.parts { unholdUnits(slot: part.task, units: part.units) }
        }
        return due
    }

    /// Turns a hold into task `taskID`, placed on exactly the held placement at the held prices:
    /// the units pass from the hold to the task without ever being free in between.
    ///
    /// `conflict` if the hold is unknown, one of its resources was removed (the hold is then
    /// released) or is unavailable now (the hold stays until it expires). The task is scheduled (not yet running), as a submission placed at once would be.
    public mutating func acceptHold(_ holdID: String, as taskID: String, spec: TaskSpec, now: Double) throws(SuanliError)
        -> Placement
    {
        guard let hold = holds[holdID] else { throw SuanliError(.conflict, "the offer's capacity is no longer held") }
        guard !hold.broken, hold.parts.allSatisfy({ $0.units > 0 }) else {
            releaseHold(holdID, now: now)
            throw SuanliError(.conflict, "a resource of this offer was removed while it was held; ask for a new quote")
        }
        if let down = hold.parts.first(where: { !slots[Int($0.task)].available }) {
            throw SuanliError(
                .conflict, "resource \(ids[Int(down.task)]) of this offer is unavailable now (its provider stopped reporting); ask for a new quote")
        }
        let compiled = try admit(taskID, spec: spec, now: now)
        guard hold.placement.alternative < compiled.alternatives.count else {
            throw SuanliError(.validation, "the offer's alternative is not in this task's accept list", field: "accept")
        }
        holds[holdID] = nil
        let t = newTask(taskID, spec: spec, compiled: compiled)
        // The held units stay reserved and pending: they become the task's reservation.
        for part in hold.parts {
            reservationsOn[Int(part.task)].append(Reservation(task: t, units: part.units, visibility: .pending))
        }
        tasks[Int(t)].queued = false
        tasks[Int(t)].parts = hold.parts
        tasks[Int(t)].placement = hold.placement
        tasks[Int(t)].placedAt = now
        tasks[Int(t)].expectedEnd = expectedEnd(compiled, now: now)
        headShadow = nil
        return hold.placement
    }

    /// Units held for quotes on a resource (0 if none or unknown).
    public func heldUnits(on id: String) -> Int {
        guard let slot = slotByID[id] else { return 0 }
        var total = 0
        for hold in holds.values { for part in hold.parts where part.task == slot { total += Int(part.units) } }
        return total
    }

    /// Number of holds in force.
    public var holdCount: Int { holds.count }

    /// Units held over all holds.
    public var heldUnitsTotal: Int { holds.values.reduce(0) { $0 + $1.parts.reduce(0) { $0 + Int($1.units) } } }

    /// Whether a hold is in force.
    public func isHeld(_ id: String) -> Bool { holds[id] != nil }

    /// The earliest expiry among holds in force, if any.
    public var nextHoldExpiry: Double? { holds.values.map(\.expiresAt).min() }

    mutating func holdUnits(slot: Int32, units: Int32) {
        let s = Int(slot)
        slots[s].reserved += units
        slots[s].pending += units
        refresh(slot: slot)
    }

    mutating func unholdUnits(slot: Int32, units: Int32) {
        let s = Int(slot)
        guard units > 0, slots[s].alive else { return }
        slots[s].reserved -= units
        slots[s].pending -= units
        refresh(slot: slot)
    }

    /// Called when a resource is removed: its held units vanish with it and the holds on it are broken.
    mutating func dropHolds(onSlot slot: Int32) {
        for (id, hold) in holds where hold.parts.contains(where: { $0.task == slot }) {
            var changed = hold
            for i in changed.parts.indices where changed.parts[i].task == slot { changed.parts[i].units = 0 }
            changed.broken = true
            holds[id] = changed
        }
    }
}
