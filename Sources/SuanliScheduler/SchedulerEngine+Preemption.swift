import SuanliCore

/// A non-preemptible task placed on units taken from running preemptible tasks.
public struct Preemption: Sendable, Hashable {
    /// The task that got the units.
    public var task: String
    /// Its placement.
    public var placement: Placement
    /// The preemptible tasks whose units it took; the engine queued them again at their rank.
    public var victims: [String]

    /// Creates a record of a preemption.
    public init(task: String, placement: Placement, victims: [String]) {
        self.task = task
        self.placement = placement
        self.victims = victims
    }
}

extension SchedulerEngine {
    /// The price task `t` pays on `slot`: the spot price for a preemptible task on a `spot`
    /// resource, the resource's price otherwise (a non-preemptible task never pays the spot price).
    func price(for t: Int32, slot: Int32) -> Int64 {
        if tasks[Int(t)].spec.preemptible == true, let spot = spotPrices[slot] { return spot }
        return slots[Int(slot)].price
    }

    /// Places queued non-preemptible tasks that fit nowhere by taking the units of preemptible
    /// tasks placed on `spot` resources (see `docs/market.md`, "Spot").
    ///
    /// For each of the first `limit` queued non-preemptible tasks (queue order) that has no
    /// plan on free capacity, those preemptible tasks are set aside one by one, most recently
    /// placed first (the least work lost), until the task fits; the victims are those of them
    /// with a part on a resource of the plan. Their units are freed at once — those the
    /// provider's reports include are added back to its reported free units, since the agent
    /// stops the job within its notice — the task is placed, and the victims go back to the
    /// queue at their rank. Returns what it did. Does not drain. Costs nothing without spot
    /// resources, and otherwise a walk over the spot resources' reservations.
    public mutating func preempt(now: Double, limit: Int = 4) -> [Preemption] {
        guard !spotPrices.isEmpty, !queue.isEmpty else { return [] }
        var waiting: [Int32] = []
        for t in queue where tasks[Int(t)].alive && tasks[Int(t)].spec.preemptible != true {
            waiting.append(t)
            if waiting.count >= limit { break }
        }
        guard !waiting.isEmpty else { return [] }
        var done: [Preemption] = []
        for t in waiting {
            var seen = Set<Int32>()
            var candidates: [Int32] = []
            for slot in spotPrices.keys.sorted() {
                for r in reservationsOn[Int(slot)] where seen.insert(r.task).inserted {
                    let v = tasks[Int(r.task)]
                    if v.alive && !v.queued && v.spec.preemptible == true { candidates.append(r.task) }
                }
            }
            guard !candidates.isEmpty else { break }
            candidates.sort { tasks[Int($0)].placedAt != tasks[Int($1)].placedAt ? tasks[Int($0)].placedAt > tasks[Int($1)].placedAt : $0 > $1 }
            if let preemption = preempt(task: t, candidates: candidates, now: now) { done.append(preemption) }
        }
        return done
    }

    mutating func preempt(task t: Int32, candidates: [Int32], now: Double) -> Preemption? {
        guard tasks[Int(t)].alive, tasks[Int(t)].queued else { return nil }
        if tasks[Int(t)].compiled.shapeEpoch != shapes.count || !tasks[Int(t)].compiled.locationsValid {
            var c = tasks[Int(t)].compiled
            prepare(&c)
            tasks[Int(t)].compiled = c
        }
        let c = tasks[Int(t)].compiled
        guard plan(c) == nil else { return nil }  // it fits without preempting (the drain will place it)
        var trial = self
        var evicted: [Int32] = []
        var found: Plan?
        for v in candidates {
            trial.evict(v)
            evicted.append(v)
            if let p = trial.plan(c) {
                found = p
                break
            }
        }
        guard let found else { return nil }
        let used = Set(found.parts.map(\.slot))
        let victims = evicted.filter { v in tasks[Int(v)].parts.contains { used.contains($0.task) } }
        for v in victims {
            evict(v)
            tasks[Int(v)].queued = true
            tasks[Int(v)].running = false
            tasks[Int(v)].placement = nil
            tasks[Int(v)].generationSeen = 0
            tasks[Int(v)].deficit = 0
        }
        var placement: Placement?
        if let p = plan(c) {
            removeFromQueue(t)
            placement = commit(t, p, now: now)
            if placement == nil { _ = insertIntoQueue(t) }
        }
        for v in victims { _ = insertIntoQueue(v) }
        guard let placement else { return nil }
        return Preemption(task: tasks[Int(t)].id, placement: placement, victims: victims.map { tasks[Int($0)].id })
    }

    /// Frees a placed task's units; units the provider's reports include are added back to its
    /// reported free units (the job is being stopped).
    mutating func evict(_ v: Int32) {
        for part in tasks[Int(v)].parts {
            let s = Int(part.task)
            guard slots[s].alive,
                let r = reservationsOn[s].first(where: { $0.task == v && $0.units == part.units }), r.visibility == .visible
            else { continue }
            slots[s].reportedFree = min(slots[s].units, slots[s].reportedFree + part.units)
        }
        unreserveAll(v)
    }
}
