import SuanliCore

extension SchedulerEngine {
    /// Applies reports without draining the queue (benchmarks time the drain on its own).
    package mutating func applyWithoutDrain(_ reports: [ResourceReport]) {
        for r in reports { apply(r) }
    }

    /// Every option a spec has now: each resource that satisfies its constraints with enough
    /// effective free units (all units for gang, one for split), with the weighted cost per unit
    /// the engine would use. For checking the optimiser against an exact solver.
    package mutating func eligibleOptions(for spec: TaskSpec) -> [(
        resource: String, alternative: Int, costPerUnit: Double, free: Int
    )] {
        var c = CompiledTask(spec, topology: topology)
        prepare(&c)
        guard let context = collectGroups(c) else { return [] }
        let need: Int32 = c.gang ? c.units : 1
        var seen = Set<Int32>()
        var out: [(resource: String, alternative: Int, costPerUnit: Double, free: Int)] = []
        for (i, g32) in scratchGroups.enumerated() {
            let g = Int(g32)
            for p in 0..<groups[g].countPriced(atMost: c.maxPrice) {
                let slot = groups[g].members[p]
                let free = slots[Int(slot)].effFree
                guard free >= need, seen.insert(slot).inserted else { continue }
                out.append((ids[Int(slot)], Int(scratchAlternatives[i]), unitCost(c, slot: slot, context: context), Int(free)))
            }
        }
        return out
    }

    /// The weighted cost of a placement for a spec under the current state (Σ units × cost per unit).
    package mutating func cost(of placement: Placement, for spec: TaskSpec) -> Double {
        var c = CompiledTask(spec, topology: topology)
        prepare(&c)
        guard let context = collectGroups(c) else { return 0 }
        return placement.parts.reduce(0.0) { total, part in
            guard let slot = slotByID[part.resource] else { return total }
            return total + unitCost(c, slot: slot, context: context) * Double(part.units)
        }
    }
}
