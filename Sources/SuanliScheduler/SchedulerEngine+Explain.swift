import Foundation
import SuanliCore

extension SchedulerEngine {
    /// Explains a task the engine holds (queued, scheduled or running), or `nil` if unknown.
    public func explain(_ id: String) -> Explanation? {
        guard let t = taskByID[id] else { return nil }
        let task = tasks[Int(t)]
        var c = task.compiled
        prepare(&c)
        var explanation = funnel(c, spec: task.spec)
        if !task.queued, let placement = task.placement {
            let parts = placement.parts.map { "\($0.units) on \($0.resource)" }.joined(separator: ", ")
            explanation.verdict = .placeable
            explanation.message = "placed (alternative \(placement.alternative)): \(parts)"
            return explanation
        }
        if task.queued {
            explanation.queuePosition = queuePosition(of: t)
            if explanation.verdict == .placeable {
                explanation.verdict = .queued
                explanation.message =
                    "it fits now but waits so as not to delay a higher-priority task ahead of it in the queue; it is retried whenever capacity changes ("
                    + explanation.message + ")"
            } else if explanation.verdict == .queued {
                explanation.message += "; it waits in the queue at position \(explanation.queuePosition ?? 0)"
            }
        }
        return explanation
    }

    /// Explains `spec`; when `taskID` names a task the engine holds (queued, scheduled or running),
    /// the explanation is that task's, with its queue position. A spec that fails validation gives
    /// an `impossible` explanation carrying the validation message.
    public func explain(_ spec: TaskSpec, taskID: String?) -> Explanation {
        if let taskID, let explanation = explain(taskID) { return explanation }
        do throws(SuanliError) {
            return try explain(spec: spec)
        } catch {
            return Explanation(verdict: .impossible, resources: resourceCount, steps: [], message: error.message)
        }
    }

    /// Explains an arbitrary spec against the current state (for a rejected task, or "what if").
    public func explain(spec: TaskSpec) throws(SuanliError) -> Explanation {
        do { try spec.validate(topology: topology) } catch { throw SuanliError.validation(error) }
        var c = CompiledTask(spec, topology: topology)
        prepare(&c)
        return funnel(c, spec: spec)
    }

    /// An explanation if no registered resource could ever take the task (even with every unit
    /// free), else `nil`. Fast when the task is possible: it stops at the first group that could.
    mutating func impossibility(_ task: CompiledTask, spec: TaskSpec) -> Explanation? {
        // Reliability scores change with time and history: a task they exclude waits, it is not impossible.
        var c = task
        c.minReliability = -.infinity
        if collectGroups(c) != nil {
            var totals = [Int64](repeating: 0, count: c.alternatives.count)
            for (i, g32) in scratchGroups.enumerated() {
                let g = Int(g32)
                let allPriced = groups[g].prices.last.map { $0 <= c.maxPrice } ?? false
                if c.gang {
                    guard groups[g].maxUnits >= c.units else { continue }
                    if allPriced { return nil }
                    let count = groups[g].countPriced(atMost: c.maxPrice)
                    for p in 0..<count where slots[Int(groups[g].members[p])].units >= c.units { return nil }
                } else {
                    let a = Int(scratchAlternatives[i])
                    if allPriced {
                        totals[a] += groups[g].totalUnits
                    } else {
                        let count = groups[g].countPriced(atMost: c.maxPrice)
                        for p in 0..<count { totals[a] += Int64(slots[Int(groups[g].members[p])].units) }
                    }
                    if totals[a] >= Int64(c.units) { return nil }
                }
            }
        }
        var explanation = funnel(c, spec: spec)
        explanation.verdict = .impossible
        return explanation
    }

    /// Counts, constraint by constraint, the resources each one removes, and says what blocks.
    func funnel(_ c: CompiledTask, spec: TaskSpec) -> Explanation {
        let names = ["accept.kind", "accept.arch", "accept.model", "accept.min_memory_gib"]
        // How far each shape gets through the alternative-dependent steps (0…4), and which alternatives it matches fully.
        var shapeStage = [Int](repeating: 0, count: shapes.count)
        var shapeAlternatives = [[Int]](repeating: [], count: shapes.count)
        for (s, shape) in shapes.enumerated() {
            for (a, alt) in c.alternatives.enumerated() {
                var stage = 0
                if shape.kind == alt.kind {
                    stage = 1
                    if alt.arch == nil || alt.arch! == shape.arch {
                        stage = 2
                        if alt.model == nil || alt.model! == shape.model {
                            stage = 3
                            if shape.memoryGiB >= alt.minMemoryGiB { stage = 4 }
                        }
                    }
                }
                shapeStage[s] = max(shapeStage[s], stage)
                if stage == 4 { shapeAlternatives[s].append(a) }
            }
        }
        let hasArch = c.alternatives.contains { $0.arch != nil }
        let hasModel = c.alternatives.contains { $0.model != nil }
        let hasMemory = c.alternatives.contains { $0.minMemoryGiB > 0 }
        let hasRtt = c.from >= 0 && c.maxRtt.isFinite
        let hasPrice = c.maxPrice != .max
        let hasRenewable = c.minRenewable > -.infinity
        let hasReliability = c.minReliability > -.infinity
        // passed[k]: resources through step k (0 kind … 3 memory, 4 rtt, 5 price, 6 renewable, 7 reliability, 8 units,
        // 9 available, 10 free).
        var passed = [Int](repeating: 0, count: 11)
        var nearest: (rtt: Double, slot: Int32)? = nil
        var cheapest: (price: Int64, slot: Int32)? = nil
        var greenest: (renewable: Double, slot: Int32)? = nil
        var mostReliable: (score: Double, slot: Int32)? = nil
        var largest: (units: Int32, slot: Int32)? = nil
        var mostFree: (free: Int32, slot: Int32)? = nil
        var staticUnits = [Int64](repeating: 0, count: c.alternatives.count)
        var freeUnits = [Int64](repeating: 0, count: c.alternatives.count)
        var best: (option: Option, units: Int32)? = nil
        let u = c.units
        for s in slots.indices where slots[s].alive {
            let r = slots[s]
            let slot = Int32(s)
            let stage = shapeStage[Int(r.shape)]
            for k in 0..<stage { passed[k] += 1 }
            guard stage == 4 else { continue }
            let rtt = rttFrom(c, r.location)
            if hasRtt, nearest == nil || rtt < nearest!.rtt || (rtt == nearest!.rtt && ids[s] < ids[Int(nearest!.slot)]) {
                nearest = (rtt, slot)
            }
            guard c.allowed[Int(r.location)] else { continue }
            passed[4] += 1
            if cheapest == nil || r.price < cheapest!.price { cheapest = (r.price, slot) }
            guard r.price <= c.maxPrice else { continue }
            passed[5] += 1
            if greenest == nil || r.renewable > greenest!.renewable { greenest = (r.renewable, slot) }
            guard r.renewable >= c.minRenewable else { continue }
            passed[6] += 1
            let score = reliability(ofProvider: r.provider)
            if mostReliable == nil || score > mostReliable!.score { mostReliable = (score, slot) }
            guard score >= c.minReliability else { continue }
            passed[7] += 1
            if largest == nil || r.units > largest!.units { largest = (r.units, slot) }
            for a in shapeAlternatives[Int(r.shape)] { staticUnits[a] += Int64(r.units) }
            guard !c.gang || r.units >= u else { continue }
            passed[8] += 1
            guard r.available else { continue }
            passed[9] += 1
            if mostFree == nil || r.effFree > mostFree!.free { mostFree = (r.effFree, slot) }
            for a in shapeAlternatives[Int(r.shape)] { freeUnits[a] += Int64(r.effFree) }
            guard r.effFree >= (c.gang ? u : 1) else { continue }
            passed[10] += 1
            let option = Option(
                slot: slot, alternative: Int32(shapeAlternatives[Int(r.shape)].first ?? 0),
                cost: 0, price: r.price, rtt: rtt, renewable: r.renewable, tieKey: r.tieKey)
            if best == nil || option.price < best!.option.price { best = (option, r.effFree) }
        }
        // The funnel, with the steps the spec actually constrains.
        var steps: [Explanation.Step] = []
        var previous = resourceCount
        let include = [true, hasArch, hasModel, hasMemory, hasRtt, hasPrice, hasRenewable, hasReliability, true, true, true]
        let stepNames =
            names + ["max_rtt_ms", "max_price_fen_per_unit_hour", "min_renewable", "min_reliability", "units", "available", "free_units"]
        for k in 0..<11 {
            if include[k] {
                steps.append(Explanation.Step(constraint: stepNames[k], removed: previous - passed[k], remaining: passed[k]))
            }
            previous = passed[k]
        }

        let what = describe(c)
        func id(_ slot: Int32) -> String { ids[Int(slot)] }
        func number(_ x: Double) -> String {
            x.rounded() == x && abs(x) < 1e12 ? String(Int64(x)) : String(format: "%.1f", x)
        }
        let split = !c.gang
        let staticEnough = split ? (staticUnits.max() ?? 0) >= Int64(u) : passed[8] > 0
        let freeEnough = split ? (freeUnits.max() ?? 0) >= Int64(u) : passed[10] > 0
        var verdict: Explanation.Verdict = .queued
        let message: String
        if passed[0] == 0 {
            verdict = .impossible
            let kinds = Set(shapes.map(\.kind.rawValue)).sorted().joined(separator: ", ")
            message =
                "no registered resource is a \(c.alternatives.map(\.kind.rawValue).uniqued().joined(separator: " or ")); registered kinds: \(kinds.isEmpty ? "none" : kinds)"
        } else if passed[1] == 0 || passed[2] == 0 || passed[3] == 0 {
            verdict = .impossible
            let k = passed[1] == 0 ? 1 : (passed[2] == 0 ? 2 : 3)
            let field = names[k]
            var known: [String] = []
            for alt in c.alternatives {
                for shape in shapes where shape.kind == alt.kind {
                    switch k {
                    case 1: known.append(shape.arch)
                    case 2: if alt.arch == nil || shape.arch == alt.arch! { known.append(shape.model) }
                    default:
                        if (alt.arch == nil || shape.arch == alt.arch!) && (alt.model == nil || shape.model == alt.model!) {
                            known.append(number(shape.memoryGiB) + " GiB")
                        }
                    }
                }
            }
            let list = known.uniqued().sorted().prefix(8).joined(separator: ", ")
            message =
                "no registered resource matches any alternative of accept (\(field) removed the last \(k == 1 ? passed[0] : passed[k - 1])); available values: \(list): change \(field)"
        } else if passed[4] == 0 {
            verdict = .impossible
            let (rtt, slot) = nearest!
            message =
                "no \(describeKinds(c)) is within \(number(c.maxRtt)) ms of \(topology.locations[Int(c.from)].code); the nearest is \(String(format: "%.1f", rtt)) ms away (\(id(slot)) at \(topology.locations[Int(slots[Int(slot)].location)].code)): raise max_rtt_ms to \(Int(rtt.rounded(.up)))"
        } else if passed[5] == 0 {
            verdict = .impossible
            let (price, slot) = cheapest!
            message =
                "no \(what.upToRtt) costs at most \(c.maxPrice) fen per unit-hour; the cheapest costs \(price) (\(id(slot))): raise max_price_fen_per_unit_hour to \(price)"
        } else if passed[6] == 0 {
            verdict = .impossible
            let (renewable, slot) = greenest!
            message =
                "no \(what.upToPrice) has a renewable share of at least \(number(c.minRenewable)); the greenest has \(renewable) (\(id(slot))): lower min_renewable to \(renewable)"
        } else if passed[7] == 0 {
            // Scores change with the providers' history: the task waits rather than being refused.
            let (score, slot) = mostReliable!
            message =
                "no \(what.full) belongs to a provider with a reliability of at least \(c.minReliability); the most reliable scores \(score) (\(id(slot))): it runs when a provider's score reaches it, or lower min_reliability to \(score)"
        } else if !staticEnough {
            verdict = .impossible
            if split {
                message =
                    "the \(what.full) resources have \(staticUnits.max() ?? 0) units in total, fewer than \(u): ask for at most \(staticUnits.max() ?? 0) units or relax the constraints"
            } else {
                let (units, slot) = largest!
                message =
                    "no \(what.full) has \(u) units; the largest has \(units) (\(id(slot))): ask for at most \(units) units or set gang to false to split over several resources"
            }
        } else if passed[9] == 0 {
            message =
                "all \(passed[8]) \(what.full) resources that could take it are unavailable now (unhealthy or not reporting); it runs when one reports again"
        } else if !freeEnough {
            if split {
                message =
                    "the available \(what.full) resources have \(freeUnits.max() ?? 0) free units in total now, the task needs \(u); it runs when capacity frees up"
            } else {
                let (free, slot) = mostFree!
                message =
                    "no \(what.full) has \(u) free units now; the most free has \(free) (\(id(slot))): it runs when capacity frees up, or ask for fewer units or set gang to false"
            }
        } else {
            verdict = .placeable
            if let best {
                let rtt =
                    c.from >= 0
                    ? ", \(String(format: "%.1f", best.option.rtt)) ms from \(topology.locations[Int(c.from)].code)" : ""
                message =
                    "placeable now: e.g. \(id(best.option.slot)) at \(best.option.price) fen per unit-hour\(rtt), renewable \(best.option.renewable), \(best.units) free units"
            } else {
                message = "placeable now over several resources"
            }
        }
        return Explanation(verdict: verdict, resources: resourceCount, steps: steps, message: message)
    }

    struct Description {
        var upToRtt: String
        var upToPrice: String
        var full: String
    }

    func describeKinds(_ c: CompiledTask) -> String {
        c.alternatives.map { alt in
            var text = alt.kind.rawValue
            if let model = alt.model { text += " '\(model)'" }
            if let arch = alt.arch { text += " (\(arch))" }
            if alt.minMemoryGiB > 0 {
                let m = alt.minMemoryGiB
                text += " with ≥ \(m.rounded() == m ? String(Int64(m)) : String(m)) GiB per unit"
            }
            return text
        }.uniqued().joined(separator: " or ")
    }

    func describe(_ c: CompiledTask) -> Description {
        var text = describeKinds(c)
        if c.from >= 0 && c.maxRtt.isFinite {
            let m = c.maxRtt
            text += " within \(m.rounded() == m ? String(Int64(m)) : String(m)) ms of \(topology.locations[Int(c.from)].code)"
        }
        let upToRtt = text
        if c.maxPrice != .max { text += " at ≤ \(c.maxPrice) fen per unit-hour" }
        let upToPrice = text
        if c.minRenewable > -.infinity { text += " with renewable ≥ \(c.minRenewable)" }
        return Description(upToRtt: upToRtt, upToPrice: upToPrice, full: text)
    }
}

extension Array where Element: Hashable {
    /// The elements without repeats, in first-seen order.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
