extension SchedulerEngine {
    /// Re-assigns tasks a drain has just placed with the ``BatchSolver``: releases them, gathers
    /// each task's cheapest feasible options from the indexes, solves, and reserves the result.
    /// The set of placed tasks does not change (the queue rules decide *which* tasks run, the
    /// optimiser decides *where*). Returns their total cost afterwards.
    mutating func reoptimise(_ placed: [Int32], now: Double) -> Double {
        guard placed.count >= 2 else { return placed.reduce(0.0) { $0 + placedCost($1) } }
        counters.batches += 1
        let savedShadow = headShadow
        let savedGeneration = shapeGeneration
        let savedEpoch = capacityEpoch
        let savedIncrease = shapeIncrease
        let startParts = placed.map { tasks[Int($0)].parts }
        let startAlternatives = placed.map { Int32(tasks[Int($0)].placement!.alternative) }
        var before: [Int32: Int32] = [:]
        for parts in startParts { for p in parts where before[p.task] == nil { before[p.task] = slots[Int(p.task)].effFree } }
        for t in placed { unreserveAll(t) }

        // Each task's best plan on its own is a lower bound; if greedy is within the solver's
        // tolerance of it (little contention), keep greedy and skip the optimiser.
        var greedyCost = 0.0
        var bound = 0.0
        for (i, t) in placed.enumerated() {
            var c = tasks[Int(t)].compiled
            prepare(&c)
            guard let context = collectGroups(c) else { continue }
            for part in startParts[i] { greedyCost += unitCost(c, slot: part.task, context: context) * Double(part.units) }
            bound += plan(c)?.cost ?? 0
        }
        if greedyCost <= bound + BatchSolver.defaultTolerance * max(1, abs(bound)) {
            headShadow = nil
            for (i, t) in placed.enumerated() {
                let plan = Plan(alternative: startAlternatives[i], parts: startParts[i].map { ($0.task, $0.units) }, cost: 0)
                if commit(t, plan, now: now) == nil {
                    tasks[Int(t)].generationSeen = 0
                    tasks[Int(t)].deficit = 0
                    _ = insertIntoQueue(t)
                }
            }
            shapeGeneration = savedGeneration
            capacityEpoch = savedEpoch
            shapeIncrease = savedIncrease
            headShadow = savedShadow
            return greedyCost
        }

        // Resource slot → index in the problem (-1: not yet), reset afterwards.
        if localIndex.count < slots.count { localIndex += [Int32](repeating: -1, count: slots.count - localIndex.count) }
        var slotOf: [Int32] = []
        func local(_ slot: Int32) -> Int32 {
            let known = localIndex[Int(slot)]
            if known >= 0 { return known }
            let i = Int32(slotOf.count)
            localIndex[Int(slot)] = i
            slotOf.append(slot)
            return i
        }
        // Fewer candidates per task when the batch is very large (time is shared; contention per task is lower).
        let k = placed.count > 2000 ? max(8, configuration.batchCandidates / 2) : configuration.batchCandidates
        var problem: [BatchSolver.Task] = []
        var start: [[(candidate: Int32, units: Int32)]] = []
        var optionLists: [[Option]] = []
        for (i, t) in placed.enumerated() {
            var c = tasks[Int(t)].compiled
            prepare(&c)
            var protection: Protection? = nil
            if let shadow = savedShadow, shadow.start.isFinite, tasks[Int(t)].expectedEnd > shadow.start {
                protection = Protection(shadow: shadow, long: true)
            }
            var (options, context) = topOptions(
                c, limit: c.gang ? k : 2 * k, protection: protection,
                alternative: c.gang ? nil : startAlternatives[i])
            let ctx = context ?? CostContext(reference: 1, wPrice: c.wPrice, wLatency: 0, wCarbon: 0)
            var appended = false
            for part in startParts[i] where !options.contains(where: { $0.slot == part.task }) {
                let r = slots[Int(part.task)]
                appended = true
                options.append(
                    Option(
                        slot: part.task, alternative: startAlternatives[i], cost: unitCost(c, slot: part.task, context: ctx),
                        price: r.price, rtt: rttFrom(c, r.location), renewable: r.renewable, tieKey: r.tieKey))
            }
            if appended { options.sort { better($0, $1) } }
            let candidates = options.map { local($0.slot) }
            var startAssignment: [(candidate: Int32, units: Int32)] = []
            for part in startParts[i] {
                let index = options.firstIndex { $0.slot == part.task }!
                startAssignment.append((Int32(index), part.units))
            }
            problem.append(
                BatchSolver.Task(
                    units: c.units, gang: c.gang, priority: c.priority, candidates: candidates, costs: options.map(\.cost),
                    fixed: false))
            start.append(startAssignment)
            optionLists.append(options)
        }
        for slot in slotOf { localIndex[Int(slot)] = -1 }
        var solver = BatchSolver(capacity: slotOf.map { slots[Int($0)].effFree }, tasks: problem)
        _ = solver.solve(start: start, passes: configuration.batchPasses)

        headShadow = nil
        var finalCost = 0.0
        for (i, t) in placed.enumerated() {
            let options = optionLists[i]
            let parts = solver.assignment[i].map { (slot: options[Int($0.candidate)].slot, units: $0.units) }
            let alternative =
                tasks[Int(t)].compiled.gang ? options[Int(solver.assignment[i][0].candidate)].alternative : startAlternatives[i]
            let partCost = solver.assignment[i].reduce(0.0) { $0 + options[Int($1.candidate)].cost * Double($1.units) }
            if commit(t, Plan(alternative: alternative, parts: parts, cost: partCost), now: now) != nil {
                finalCost += partCost
                continue
            }
            // Cannot happen (the solver keeps every capacity); fall back to the greedy placement.
            let fallback = Plan(
                alternative: startAlternatives[i], parts: startParts[i].map { ($0.task, $0.units) }, cost: 0)
            if commit(t, fallback, now: now) == nil {
                tasks[Int(t)].generationSeen = 0
                tasks[Int(t)].deficit = 0
                _ = insertIntoQueue(t)
            }
        }
        // Only resources that ended up with more effective free units than before count as new capacity.
        shapeGeneration = savedGeneration
        capacityEpoch = savedEpoch
        shapeIncrease = savedIncrease
        for (slot, free) in before.sorted(by: { $0.key < $1.key }) where slots[Int(slot)].effFree > free {
            shapeIncrease[Int(slots[Int(slot)].shape)] += Int64(slots[Int(slot)].effFree - free)
            capacityEpoch &+= 1
        }
        headShadow = savedShadow
        return finalCost
    }

    /// The weighted cost of a placed task's current parts.
    mutating func placedCost(_ t: Int32) -> Double {
        guard tasks[Int(t)].alive else { return 0 }
        var c = tasks[Int(t)].compiled
        prepare(&c)
        guard let context = collectGroups(c) else { return 0 }
        return tasks[Int(t)].parts.reduce(0.0) { $0 + unitCost(c, slot: $1.task, context: context) * Double($1.units) }
    }
}
