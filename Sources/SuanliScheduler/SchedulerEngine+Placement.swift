import HeapModule
import SuanliCore

/// A candidate resource for a task, with everything the ordering compares.
struct Option: Sendable {
    var slot: Int32
    var alternative: Int32
    /// Weighted cost per unit.
    var cost: Double
    var price: Int64
    var rtt: Double
    var renewable: Double
    var tieKey: UInt64

    /// Whether this option is preferred to `b` by cost, price, RTT, renewable share and tie key;
    /// `nil` when those are all equal (then the resource identifier, then the alternative decide).
    @inline(__always)
    func preferred(over b: Option) -> Bool? {
        if cost != b.cost { return cost < b.cost }
        if price != b.price { return price < b.price }
        if rtt != b.rtt { return rtt < b.rtt }
        if renewable != b.renewable { return renewable > b.renewable }
        if tieKey != b.tieKey { return tieKey < b.tieKey }
        return nil
    }
}

/// A complete placement decision before it is reserved.
struct Plan: Sendable {
    var alternative: Int32
    /// (resource slot, units), most preferred first.
    var parts: [(slot: Int32, units: Int32)]
    /// Σ units × cost per unit.
    var cost: Double
}

/// Per-attempt constants of the cost function.
struct CostContext: Sendable {
    /// Price normaliser: the lowest list price among the resources the task could ever use.
    var reference: Double
    var wPrice: Double
    /// Latency weight divided by the latency scale.
    var wLatency: Double
    var wCarbon: Double

    /// The part of the cost that is the same for every member of a group.
    @inline(__always)
    func groupConstant(rtt: Double, renewable: Double) -> Double {
        wLatency * rtt + wCarbon * (1 - renewable)
    }

    @inline(__always)
    func cost(price: Int64, constant: Double) -> Double {
        wPrice * Double(price) / reference + constant
    }
}

/// Capacity a blocked queue head expects to use when it starts, that backfilled tasks must not take.
struct HeadShadow: Sendable {
    /// The blocked head's task slot.
    var task: Int32
    /// Its estimated earliest start (`infinity`: cannot be estimated, nothing is protected).
    var start: Double
    /// Protected resource slot → pool index.
    var poolOf: [Int32: Int32]
    /// Units of each pool that tasks still running at `start` may take without delaying the head.
    var extra: [Int32]
    /// When it was computed, and the earliest expected end among the reservations it counted:
    /// it stays exact while `now` is at most that (no counted task has passed its estimate).
    var at: Double = 0
    var firstEnd = Double.infinity
    /// Changes when a recomputation gives a different estimate (tasks it kept back retry then).
    var generation: UInt64 = 0
}

/// What a placement attempt must respect besides capacity: the head's protected units.
struct Protection {
    var shadow: HeadShadow
    /// Whether the task being placed would still run at the head's estimated start.
    var long: Bool

    /// Units of `slot` a task may take, given `free` effective free units there.
    @inline(__always)
    func usable(_ slot: Int32, free: Int32) -> Int32 {
        guard long, let pool = shadow.poolOf[slot] else { return free }
        return min(free, max(0, shadow.extra[Int(pool)]))
    }
}

extension SchedulerEngine {
    /// Collects the groups a task could ever use into the scratch buffers and returns the cost
    /// context (price reference), or `nil` if there are none.
    mutating func collectGroups(_ c: CompiledTask) -> CostContext? {
        var groupsBuffer = scratchGroups
        var alternativesBuffer = scratchAlternatives
        scratchGroups = []
        scratchAlternatives = []
        groupsBuffer.removeAll(keepingCapacity: true)
        alternativesBuffer.removeAll(keepingCapacity: true)
        var minPrice = Int64.max
        for (ai, alternative) in c.alternatives.enumerated() {
            for s in alternative.shapes {
                for g32 in groupsByShape[Int(s)] {
                    let g = Int(g32)
                    guard c.allowed[Int(groups[g].location)], groups[g].renewable >= c.minRenewable, reliable(g, c),
                        !groups[g].members.isEmpty
                    else { continue }
                    clean(g)
                    let p = groups[g].minPrice
                    guard p <= c.maxPrice else { continue }
                    if p < minPrice { minPrice = p }
                    groupsBuffer.append(g32)
                    alternativesBuffer.append(Int32(ai))
                }
            }
        }
        scratchGroups = groupsBuffer
        scratchAlternatives = alternativesBuffer
        guard minPrice != .max else { return nil }
        return CostContext(
            reference: max(1, Double(minPrice)), wPrice: c.wPrice, wLatency: c.wLatency / configuration.latencyScaleMs,
            wCarbon: c.wCarbon)
    }

    /// Whether `a` is preferred to `b`: lower cost, then lower price, lower RTT, higher renewable
    /// share, lower seeded hash of the identifier, the identifier, and the earlier alternative.
    @inline(__always)
    func better(_ a: Option, _ b: Option) -> Bool {
        if let preferred = a.preferred(over: b) { return preferred }
        if a.slot != b.slot { return ids[Int(a.slot)] < ids[Int(b.slot)] }
        return a.alternative < b.alternative
    }

    @inline(__always)
    func option(group g: Int, position p: Int, alternative: Int32, context: CostContext, constant: Double, rtt: Double) -> Option
    {
        let slot = groups[g].members[p]
        let price = groups[g].prices[p]
        return Option(
            slot: slot, alternative: alternative, cost: context.cost(price: price, constant: constant), price: price,
            rtt: rtt, renewable: groups[g].renewable, tieKey: slots[Int(slot)].tieKey)
    }

    /// The best placement for a task now, or `nil` if none fits. Does not reserve.
    mutating func plan(_ c: CompiledTask, protection: Protection? = nil) -> Plan? {
        // Quick rejection: not enough free units in all resources of the shapes it accepts.
        var bound: Int64 = 0
        for s in c.shapeList { bound += shapeFree[Int(s)] }
        lastCapacitySeen = bound
        guard bound >= Int64(c.units) else { return nil }
        if c.gang { return planGangOrdered(c, protection) }
        if protection == nil { return planSplitOrdered(c) }
        guard let context = collectGroups(c) else {
            lastCapacitySeen = 0
            return nil
        }
        return c.gang ? planGang(c, context, protection) : planSplit(c, context, protection)
    }

    /// Gang: the single best resource with enough effective free units.
    mutating func planGang(_ c: CompiledTask, _ context: CostContext, _ protection: Protection?) -> Plan? {
        let u = c.units
        var best: Option? = nil
        let candidates = scratchGroups
        let alternatives = scratchAlternatives
        var most: Int32 = 0
        for i in candidates.indices {
            let g = Int(candidates[i])
            most = max(most, groups[g].maxTree[1])
            guard groups[g].maxTree[1] >= u else { continue }
            let rtt = rttFrom(c, groups[g].location)
            let constant = context.groupConstant(rtt: rtt, renewable: groups[g].renewable)
            if let b = best, context.cost(price: groups[g].minPrice, constant: constant) > b.cost { continue }
            var position = groups[g].first(atLeast: u)
            while let p = position {
                guard groups[g].prices[p] <= c.maxPrice else { break }
                if let protection, protection.usable(groups[g].members[p], free: u) < u {
                    position = groups[g].first(atLeast: u, from: p + 1)
                    continue
                }
                let candidate = option(
                    group: g, position: p, alternative: alternatives[i], context: context, constant: constant, rtt: rtt)
                if best == nil || better(candidate, best!) { best = candidate }
                break
            }
        }
        guard let best else {
            lastCapacitySeen = Int64(most)
            return nil
        }
        return Plan(alternative: best.alternative, parts: [(best.slot, u)], cost: best.cost * Double(u))
    }

    /// Gang, visiting each accepted shape's groups in order of their lowest price: once a group's
    /// lowest price alone costs more than the best option found, no later group of that shape can
    /// do better (the other terms are ≥ 0), so the search stops there — exact, and for
    /// price-weighted objectives it touches a handful of groups instead of all of them.
    mutating func planGangOrdered(_ c: CompiledTask, _ protection: Protection?) -> Plan? {
        guard let context = orderedContext(c) else {
            lastCapacitySeen = 0
            return nil
        }
        let u = c.units
        var best: Option? = nil
        var most: Int32 = 0
        for (ai, a) in c.alternatives.enumerated() {
            for s in a.shapes {
                for g32 in groupOrder[Int(s)] {
                    let g = Int(g32)
                    let p = groups[g].minPrice
                    if p > c.maxPrice { break }
                    if let b = best, context.wPrice * Double(p) / context.reference > b.cost { break }
                    guard c.allowed[Int(groups[g].location)], groups[g].renewable >= c.minRenewable, reliable(g, c) else { continue }
                    let top = groups[g].maxTree[1]
                    most = max(most, top)
                    guard top >= u else { continue }
                    let rtt = rttFrom(c, groups[g].location)
                    let constant = context.groupConstant(rtt: rtt, renewable: groups[g].renewable)
                    if let b = best, context.cost(price: p, constant: constant) > b.cost { continue }
                    var position = groups[g].first(atLeast: u)
                    while let q = position {
                        guard groups[g].prices[q] <= c.maxPrice else { break }
                        if let protection, protection.usable(groups[g].members[q], free: u) < u {
                            position = groups[g].first(atLeast: u, from: q + 1)
                            continue
                        }
                        let candidate = option(
                            group: g, position: q, alternative: Int32(ai), context: context, constant: constant, rtt: rtt)
                        if best == nil || better(candidate, best!) { best = candidate }
                        break
                    }
                }
            }
        }
        guard let best else {
            lastCapacitySeen = Int64(most)
            return nil
        }
        return Plan(alternative: best.alternative, parts: [(best.slot, u)], cost: best.cost * Double(u))
    }

    /// Split without protected units: for each alternative, take units cheapest first from a
    /// merge of the groups, adding a group to the merge only once its lowest price alone could
    /// compete with the cheapest option waiting (so price-weighted tasks touch few groups).
    mutating func planSplitOrdered(_ c: CompiledTask) -> Plan? {
        guard let context = orderedContext(c) else {
            lastCapacitySeen = 0
            return nil
        }
        var best: Plan? = nil
        var most: Int64 = 0
        for (ai, a) in c.alternatives.enumerated() {
            var cursor = [Int](repeating: 0, count: a.shapes.count)
            // The next group of this alternative by lowest price, across its shapes.
            func peek() -> (k: Int, g: Int, price: Int64)? {
                var pick: (k: Int, g: Int, price: Int64)? = nil
                for k in a.shapes.indices {
                    let list = a.shapes[k]
                    guard cursor[k] < groupOrder[Int(list)].count else { continue }
                    let g = Int(groupOrder[Int(list)][cursor[k]])
                    let p = groups[g].minPrice
                    guard p <= c.maxPrice else { continue }
                    if pick == nil || p < pick!.price || (p == pick!.price && g < pick!.g) { pick = (k, g, p) }
                }
                return pick
            }
            var merge = OptionMerge()
            var remaining = c.units
            var parts: [(slot: Int32, units: Int32)] = []
            var cost = 0.0
            var taken: Int64 = 0
            while remaining > 0 {
                // Bring in every group whose lowest price alone is no dearer than the cheapest waiting option.
                while let next = peek() {
                    if let top = merge.top, context.wPrice * Double(next.price) / context.reference > top.cost { break }
                    cursor[next.k] += 1
                    let g = next.g
                    guard c.allowed[Int(groups[g].location)], groups[g].renewable >= c.minRenewable, reliable(g, c), groups[g].maxTree[1] >= 1
                    else { continue }
                    if let q = groups[g].first(atLeast: 1), groups[g].prices[q] <= c.maxPrice {
                        let rtt = rttFrom(c, groups[g].location)
                        let constant = context.groupConstant(rtt: rtt, renewable: groups[g].renewable)
                        merge.push(
                            option(group: g, position: q, alternative: Int32(ai), context: context, constant: constant, rtt: rtt),
                            group: Int32(g), position: Int32(q), constant: constant, engine: self)
                    }
                }
                guard let (o, g32, q32, constant) = merge.pop() else { break }
                let g = Int(g32)
                let q = Int(q32)
                let take = min(remaining, groups[g].free(at: q))
                parts.append((o.slot, take))
                cost += o.cost * Double(take)
                remaining -= take
                taken += Int64(take)
                if let next = groups[g].first(atLeast: 1, from: q + 1), groups[g].prices[next] <= c.maxPrice {
                    merge.push(
                        option(
                            group: g, position: next, alternative: Int32(ai), context: context, constant: constant, rtt: o.rtt),
                        group: g32, position: Int32(next), constant: constant, engine: self)
                }
            }
            most = max(most, taken)
            guard remaining == 0 else { continue }
            if best == nil || cost < best!.cost { best = Plan(alternative: Int32(ai), parts: parts, cost: cost) }
        }
        if best == nil { lastCapacitySeen = most }
        return best
    }

    /// The cost context from the ordered group lists: the reference price is the lowest price of
    /// any group the task could ever use (first passing group of each accepted shape).
    mutating func orderedContext(_ c: CompiledTask) -> CostContext? {
        var minPrice = Int64.max
        for a in c.alternatives {
            for s in a.shapes {
                ensureOrder(Int(s))
                for g32 in groupOrder[Int(s)] {
                    let g = Int(g32)
                    let p = groups[g].minPrice
                    if p > c.maxPrice || p >= minPrice { break }
                    guard c.allowed[Int(groups[g].location)], groups[g].renewable >= c.minRenewable, reliable(g, c) else { continue }
                    minPrice = p
                    break
                }
            }
        }
        guard minPrice != .max else { return nil }
        return CostContext(
            reference: max(1, Double(minPrice)), wPrice: c.wPrice, wLatency: c.wLatency / configuration.latencyScaleMs,
            wCarbon: c.wCarbon)
    }

    /// Split: for each alternative, fill the units from the cheapest resources first (exact for
    /// a sum of per-unit costs); keep the alternative with the lowest total.
    mutating func planSplit(_ c: CompiledTask, _ context: CostContext, _ protection: Protection?) -> Plan? {
        let candidates = scratchGroups
        let alternatives = scratchAlternatives
        var best: Plan? = nil
        var most: Int64 = 0
        var start = 0
        while start < candidates.count {
            let ai = alternatives[start]
            var end = start
            while end < candidates.count && alternatives[end] == ai { end += 1 }
            defer { start = end }
            // Enough free units under the price cap across the alternative's groups?
            var total: Int64 = 0
            for i in start..<end {
                let g = Int(candidates[i])
                total +=
                    c.maxPrice == .max
                    ? groups[g].totalFree : groups[g].freeSum(prefix: groups[g].countPriced(atMost: c.maxPrice))
            }
            most = max(most, total)
            guard total >= Int64(c.units) else { continue }
            var merge = OptionMerge()
            for i in start..<end {
                let g = Int(candidates[i])
                guard groups[g].maxTree[1] >= 1 else { continue }
                let rtt = rttFrom(c, groups[g].location)
                let constant = context.groupConstant(rtt: rtt, renewable: groups[g].renewable)
                if let p = groups[g].first(atLeast: 1), groups[g].prices[p] <= c.maxPrice {
                    merge.push(
                        option(group: g, position: p, alternative: ai, context: context, constant: constant, rtt: rtt),
                        group: Int32(g), position: Int32(p), constant: constant, engine: self)
                }
            }
            var remaining = c.units
            var parts: [(slot: Int32, units: Int32)] = []
            var cost = 0.0
            var poolUse: [Int32: Int32] = [:]
            while remaining > 0, let (o, g32, p32, constant) = merge.pop() {
                let g = Int(g32)
                let p = Int(p32)
                var take = min(remaining, groups[g].free(at: p))
                if let protection, protection.long, let pool = protection.shadow.poolOf[o.slot] {
                    let left = max(0, protection.shadow.extra[Int(pool)] - poolUse[pool, default: 0])
                    take = min(take, left)
                    poolUse[pool, default: 0] += take
                }
                if take > 0 {
                    parts.append((o.slot, take))
                    cost += o.cost * Double(take)
                    remaining -= take
                }
                if let next = groups[g].first(atLeast: 1, from: p + 1), groups[g].prices[next] <= c.maxPrice {
                    let rtt = o.rtt
                    merge.push(
                        option(group: g, position: next, alternative: ai, context: context, constant: constant, rtt: rtt),
                        group: g32, position: Int32(next), constant: constant, engine: self)
                }
            }
            guard remaining == 0 else { continue }
            if best == nil || cost < best!.cost { best = Plan(alternative: ai, parts: parts, cost: cost) }
        }
        if best == nil { lastCapacitySeen = most }
        return best
    }

    /// The `limit` best options for a task among resources with at least `need` free units, best
    /// first (the batch optimiser's candidate lists). Protected resources are skipped for long tasks.
    mutating func topOptions(
        _ c: CompiledTask, limit: Int, protection: Protection?, alternative only: Int32? = nil
    ) -> (options: [Option], context: CostContext?) {
        guard let context = collectGroups(c) else { return ([], nil) }
        let need: Int32 = c.gang ? c.units : 1
        let candidates = scratchGroups
        let alternatives = scratchAlternatives
        var merge = OptionMerge()
        groupMarkClock &+= 1
        for i in candidates.indices {
            if let only, alternatives[i] != only { continue }
            let g = Int(candidates[i])
            // A group listed for two alternatives holds the same resources at the same cost: keep the first.
            if groupMark.count < groups.count { groupMark += [UInt32](repeating: 0, count: groups.count - groupMark.count) }
            if groupMark[g] == groupMarkClock { continue }
            groupMark[g] = groupMarkClock
            guard groups[g].maxTree[1] >= need else { continue }
            let rtt = rttFrom(c, groups[g].location)
            let constant = context.groupConstant(rtt: rtt, renewable: groups[g].renewable)
            if let p = nextUsable(g, from: 0, need: need, maxPrice: c.maxPrice, protection: protection) {
                merge.push(
                    option(group: g, position: p, alternative: alternatives[i], context: context, constant: constant, rtt: rtt),
                    group: Int32(g), position: Int32(p), constant: constant, engine: self)
            }
        }
        var out: [Option] = []
        out.reserveCapacity(limit)
        while out.count < limit, let (o, g32, p32, constant) = merge.pop() {
            let g = Int(g32)
            out.append(o)
            if let next = nextUsable(g, from: Int(p32) + 1, need: need, maxPrice: c.maxPrice, protection: protection) {
                merge.push(
                    option(
                        group: g, position: next, alternative: o.alternative, context: context, constant: constant, rtt: o.rtt),
                    group: g32, position: Int32(next), constant: constant, engine: self)
            }
        }
        return (out, context)
    }

    func nextUsable(_ g: Int, from start: Int, need: Int32, maxPrice: Int64, protection: Protection?) -> Int? {
        var position = groups[g].first(atLeast: need, from: start)
        while let p = position {
            guard groups[g].prices[p] <= maxPrice else { return nil }
            if let protection, protection.long, protection.shadow.poolOf[groups[g].members[p]] != nil {
                position = groups[g].first(atLeast: need, from: p + 1)
                continue
            }
            return p
        }
        return nil
    }

    /// Cost context for a task (for pricing an existing placement).
    mutating func costContext(_ c: CompiledTask) -> CostContext? { collectGroups(c) }

    /// Weighted cost per unit of `slot` for a task under `context`.
    func unitCost(_ c: CompiledTask, slot: Int32, context: CostContext) -> Double {
        let r = slots[Int(slot)]
        return context.cost(price: r.price, constant: context.groupConstant(rtt: rttFrom(c, r.location), renewable: r.renewable))
    }
}

/// The options waiting while merging groups, the engine's preferred one first.
struct OptionMerge {
    /// An option with where it came from; `<` is the engine's preference (``SchedulerEngine/better(_:_:)``).
    struct Entry: Comparable {
        var option: Option
        var group: Int32
        var position: Int32
        var constant: Double
        /// The resource's identifier, the last tie-break.
        var id: String

        static func < (a: Entry, b: Entry) -> Bool {
            if let preferred = a.option.preferred(over: b.option) { return preferred }
            if a.option.slot != b.option.slot { return a.id < b.id }
            return a.option.alternative < b.option.alternative
        }

        static func == (a: Entry, b: Entry) -> Bool { !(a < b) && !(b < a) }
    }

    private var heap = Heap<Entry>()

    /// The preferred option waiting, if any.
    var top: Option? { heap.min?.option }

    mutating func push(_ option: Option, group: Int32, position: Int32, constant: Double, engine: SchedulerEngine) {
        heap.insert(Entry(option: option, group: group, position: position, constant: constant, id: engine.ids[Int(option.slot)]))
    }

    mutating func pop() -> (Option, Int32, Int32, Double)? {
        guard let e = heap.popMin() else { return nil }
        return (e.option, e.group, e.position, e.constant)
    }
}
