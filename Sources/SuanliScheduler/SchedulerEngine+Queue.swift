import SuanliCore

extension SchedulerEngine {
    /// Places waiting tasks that fit now, in queue order, with EASY backfilling, then lets the
    /// batch optimiser re-assign what was placed; drops queued tasks whose deadline passed.
    ///
    /// The first task that does not fit becomes the *blocked head*: the engine estimates when it
    /// could start (from the expected ends of reservations on the resources it could use) and
    /// which units it would take then. Tasks behind it are placed only where that does not delay
    /// it: on other resources, on units the head will not need, or if they are expected to end
    /// before the head's estimated start. A task is not retried while nothing it could use has
    /// changed since its last failed attempt.
    ///
    /// Every engine call that adds capacity calls this; call it yourself after ``enqueue(_:spec:now:)``
    /// and now and then to expire deadlines.
    @discardableResult
    public mutating func drain(now: Double) -> DrainResult {
        var result = drainPass(now: now, batch: true)
        // The optimiser may have left capacity where greedy had put a task: give the queue a second look.
        if capacityEpoch != drainedEpoch && !queue.isEmpty {
            let more = drainPass(now: now, batch: false)
            result.scheduled += more.scheduled
            result.expired += more.expired
            result.greedyCost += more.greedyCost
            result.optimisedCost += more.optimisedCost
        }
        return result
    }

    /// One bounded slice of a drain: like ``drain(now:)`` with at most `maxAttempts` placement
    /// attempts; ``needsDrain(now:)`` tells whether another slice has work to do.
    @discardableResult
    public mutating func drain(now: Double, maxAttempts: Int) -> DrainResult {
        drainBudget = max(1, maxAttempts)
        defer { drainBudget = nil }
        return drain(now: now)
    }

    /// Whether a drain would do anything now: capacity appeared, untried tasks wait, a slice
    /// was cut off, or a queued task's deadline is due.
    public func needsDrain(now: Double) -> Bool {
        !queue.isEmpty && (capacityEpoch != drainedEpoch || queueDirty || now >= earliestDeadline)
    }

    /// Drains when the engine drains by itself (``drainsAutomatically``); otherwise leaves it to the caller.
    mutating func automaticDrain(now: Double) -> DrainResult {
        drainsAutomatically ? drain(now: now) : .empty
    }

    /// One pass over the queue (see ``drain(now:)``).
    mutating func drainPass(now: Double, batch: Bool) -> DrainResult {
        guard !queue.isEmpty else { return .empty }
        // Nothing new since the last drain: no capacity appeared, no untried task, no deadline due.
        if capacityEpoch == drainedEpoch && !queueDirty && now < earliestDeadline { return .empty }
        counters.drains += 1
        counters.queued += queue.count
        var expired: [String] = []
        var placed: [(task: Int32, plan: Plan, protected: Bool)] = []
        var kept: [Int32] = []
        kept.reserveCapacity(queue.count)
        var attempts = 0
        var head: Int32? = nil
        let order = queue
        queue = []
        var greedyCost = 0.0
        var earliest = Double.infinity
        var cutOff = false
        for t in order {
            guard tasks[Int(t)].alive else { continue }
            if let deadline = tasks[Int(t)].compiled.deadline {
                if deadline <= now {
                    expired.append(tasks[Int(t)].id)
                    forget(t)
                    continue
                }
                earliest = min(earliest, deadline)
            }
            if attempts >= (drainBudget ?? configuration.maxDrainAttempts) {
                cutOff = true
                kept.append(t)
                continue
            }
            if tasks[Int(t)].compiled.shapeEpoch != shapes.count || !tasks[Int(t)].compiled.locationsValid {
                var c = tasks[Int(t)].compiled
                prepare(&c)
                tasks[Int(t)].compiled = c
            }
            if head != nil && !configuration.backfill {
                kept.append(t)  // strict order: nothing starts behind a blocked head
                continue
            }
            if !worthRetrying(t, head: head) && !reservationMoved(t, head: head, now: now) {
                if head == nil { head = t }
                kept.append(t)
                continue
            }
            attempts += 1
            counters.attempts += 1
            let c = tasks[Int(t)].compiled
            switch attempt(c, behind: head, now: now) {
            case .placeable(let plan, let long):
                if commit(t, plan, now: now) != nil {
                    placed.append((t, plan, long))
                    greedyCost += plan.cost
                    continue
                }
            case .noCapacity:
                noteNoCapacity(t)
            case .blocked:
                noteBlocked(t, behind: head)
            }
            if head == nil { head = t }
            kept.append(t)
        }
        queue = kept
        earliestDeadline = earliest
        queueDirty = cutOff
        if let first = queue.first, headShadow?.task != first { headShadow = nil }
        drainedEpoch = capacityEpoch
        var optimisedCost = greedyCost
        if batch && configuration.batchMinimum > 0 && placed.count >= configuration.batchMinimum {
            optimisedCost =
                reoptimise(placed.filter { !$0.protected }.map(\.task), now: now)
                + placed.filter(\.protected).reduce(0) { $0 + $1.plan.cost }
        }
        let scheduled = placed.compactMap { entry -> ScheduledTask? in
            let task = tasks[Int(entry.task)]
            guard task.alive, !task.queued, let placement = task.placement else { return nil }
            return ScheduledTask(id: task.id, placement: placement)
        }
        return DrainResult(scheduled: scheduled, expired: expired, greedyCost: greedyCost, optimisedCost: optimisedCost)
    }

    /// Tries a task that waits behind `head` (if any): its best plan that does not delay the
    /// head. The head's shadow is only computed when an unconstrained plan exists.
    mutating func attempt(_ c: CompiledTask, behind head: Int32?, now: Double) -> Attempt {
        guard let free = plan(c) else { return .noCapacity }
        guard let head else { return .placeable(free, long: false) }
        let shadow = shadow(for: head, now: now)
        guard shadow.start.isFinite else { return .placeable(free, long: false) }
        let protection = Protection(shadow: shadow, long: expectedEnd(c, now: now) > shadow.start)
        if respects(free, protection) { return .placeable(free, long: protection.long) }
        if let constrained = plan(c, protection: protection) { return .placeable(constrained, long: protection.long) }
        return .blocked
    }

    /// The outcome of one placement attempt for a waiting task.
    enum Attempt {
        /// This plan fits and does not delay the head; `long`: it runs past the head's estimated start.
        case placeable(Plan, long: Bool)
        /// Not enough capacity even ignoring the head.
        case noCapacity
        /// It would fit, but only by delaying the head.
        case blocked
    }

    /// Whether a plan leaves the head's protected units alone.
    func respects(_ plan: Plan, _ protection: Protection) -> Bool {
        guard protection.long else { return true }
        var use: [Int32: Int32] = [:]
        for part in plan.parts {
            guard let pool = protection.shadow.poolOf[part.slot] else { continue }
            use[pool, default: 0] += part.units
            if use[pool]! > protection.shadow.extra[Int(pool)] { return false }
        }
        return true
    }

    /// The blocked head's estimated start and protected units (cached until capacity grows, the
    /// head changes, or a task it counted passes its estimated end, which moves the estimate).
    mutating func shadow(for head: Int32, now: Double) -> HeadShadow {
        if let cached = headShadow, cached.task == head, cached.at == now || now <= cached.firstEnd { return cached }
        counters.shadows += 1
        var computed = computeShadow(head, now: now)
        if let old = headShadow, old.task == head, old.start == computed.start, old.poolOf == computed.poolOf,
            old.extra == computed.extra
        {
            computed.generation = old.generation
        } else {
            shadowGeneration &+= 1
            computed.generation = shadowGeneration
        }
        headShadow = computed
        return computed
    }

    /// Whether the head that kept `t` back (it fit, but only by delaying the head) has another
    /// estimate now: tasks that passed their estimated ends move the head's start and spare units
    /// even when no capacity changed.
    mutating func reservationMoved(_ t: Int32, head: Int32?, now: Double) -> Bool {
        guard let head, tasks[Int(t)].blockedBehind == head else { return false }
        return shadow(for: head, now: now).generation != tasks[Int(t)].blockedShadow
    }

    /// Estimates when the head could start: for each resource it could use, its effective free
    /// units now plus the units of reservations expected to end by then (tasks past their
    /// estimate are assumed to end now). Gang: the earliest resource with enough; split: the
    /// earliest time the sum is enough. The units spare then count every reservation ending at
    /// that very time, not only those needed to reach the head's units.
    mutating func computeShadow(_ head: Int32, now: Double) -> HeadShadow {
        var none = HeadShadow(task: head, start: .infinity, poolOf: [:], extra: [], at: now)
        guard tasks[Int(head)].alive else { return none }
        var c = tasks[Int(head)].compiled
        prepare(&c)
        guard collectGroups(c) != nil else { return none }
        let u = c.units
        var visited = Set<Int32>()
        var events: [(time: Double, slot: Int32, units: Int32)] = []
        var base: [Int32: Int32] = [:]
        var bestTime = Double.infinity
        var bestSlot: Int32 = -1
        var bestFree: Int32 = 0
        for g32 in scratchGroups where visited.insert(g32).inserted {
            let g = Int(g32)
            let count = groups[g].countPriced(atMost: c.maxPrice)
            for p in 0..<count {
                let slot = groups[g].members[p]
                let r = slots[Int(slot)]
                guard r.available, r.alive, !c.gang || r.units >= u else { continue }
                let now0 = min(r.reportedFree - r.pending, r.units - r.reserved)
                if c.gang {
                    guard r.reserved > 0 else { continue }
                    var ends = reservationsOn[Int(slot)].map { reservation in
                        let end = tasks[Int(reservation.task)].expectedEnd
                        none.firstEnd = min(none.firstEnd, end)
                        return (max(now, end), reservation.units)
                    }
                    ends.sort { $0.0 < $1.0 }
                    var free = now0
                    for (k, (time, units)) in ends.enumerated() {
                        if time > bestTime { break }
                        free += units
                        if free >= u {
                            if time < bestTime {
                                // Every reservation ending at that same time frees its units then too.
                                for (later, more) in ends[(k + 1)...] where later == time { free += more }
                                bestTime = time
                                bestSlot = slot
                                bestFree = free
                            }
                            break
                        }
                    }
                } else {
                    guard now0 > 0 || r.reserved > 0 else { continue }
                    base[slot] = now0
                    for reservation in reservationsOn[Int(slot)] {
                        let end = tasks[Int(reservation.task)].expectedEnd
                        none.firstEnd = min(none.firstEnd, end)
                        events.append((max(now, end), slot, reservation.units))
                    }
                }
            }
        }
        if c.gang {
            guard bestTime.isFinite else { return none }
            none.start = bestTime
            none.poolOf = [bestSlot: 0]
            none.extra = [bestFree - u]
            return none
        }
        // Split: sweep the release events in time order.
        events.sort { $0.time != $1.time ? $0.time < $1.time : $0.slot < $1.slot }
        var level: [Int32: Int32] = base
        var total: Int64 = base.values.reduce(0) { $0 + Int64(max(0, $1)) }
        var start = Double.infinity
        for event in events {
            // Past the start: every reservation ending at that same time has been counted too.
            if event.time > start { break }
            let before = max(0, level[event.slot] ?? 0)
            level[event.slot, default: 0] += event.units
            total += Int64(max(0, level[event.slot]!) - before)
            if total >= Int64(u) && !start.isFinite { start = event.time }
        }
        guard start.isFinite else { return none }
        none.start = start
        var poolOf: [Int32: Int32] = [:]
        for (slot, value) in level where value > 0 { poolOf[slot] = 0 }
        none.poolOf = poolOf
        none.extra = [Int32(clamping: total - Int64(u))]
        return none
    }
}
