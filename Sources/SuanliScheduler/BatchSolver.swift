import HeapModule

/// The batch optimiser: assigns a set of tasks to resources minimising the total weighted cost
/// Σ units × cost-per-unit, subject to capacity. Gang tasks (all units on one resource) of
/// different sizes make this a generalised assignment problem (NP-hard); split tasks add a
/// transportation problem on top. It is solved heuristically, in three steps:
///
/// 1. **Starts.** The online greedy solution (each task in queue order takes its best option)
///    and a *regret* construction (within a priority level, the task that would lose most by not
///    getting its best remaining option chooses first, re-evaluated lazily).
/// 2. **Lagrangian guidance.** Capacity constraints are priced with multipliers λ per resource,
///    updated by subgradient steps on the relaxed problem (each task alone picks its cheapest
///    `cost + λ`); every few steps a regret construction under the priced costs gives another
///    start. The multipliers act like market-clearing prices: contended cheap resources become
///    dearer, so the tasks that gain least from them look elsewhere first.
/// 3. **Local search** on each start, until no move helps: *shift* a task (or some units of a
///    split task) to a cheaper candidate with room; *swap* it with a task on a cheaper candidate;
///    *eject* that task to its cheapest other candidate with room; *pull* units of split tasks
///    off a cheaper candidate to make room; *exchange* units between two split tasks whose
///    preferences differ.
///
/// Every move keeps every capacity, and the greedy start is one of the candidates, so the result
/// is feasible and never costs more than greedy. Deterministic: fixed orders, ties by index.
struct BatchSolver: Sendable {
    struct Task: Sendable {
        var units: Int32
        var gang: Bool
        var priority: Int
        /// Local resource indexes, best first.
        var candidates: [Int32]
        /// Cost per unit on each candidate (non-decreasing).
        var costs: [Double]
        /// Kept where it is (not re-optimised).
        var fixed: Bool
    }

    typealias Solution = [[(candidate: Int32, units: Int32)]]

    var capacity: [Int32]
    var tasks: [Task]
    /// Per task: (candidate index, units).
    private(set) var assignment: Solution = []
    /// Tasks with units on each resource.
    private var occupants: [[Int32]] = []
    /// Lagrangian steps (0 disables the guidance).
    var lagrangianSteps = 48
    /// Relative gap to a lower bound below which the search stops (0.01%).
    var tolerance = BatchSolver.defaultTolerance
    static let defaultTolerance = 1e-4
    /// Starts improved by local search (the cheapest distinct ones).
    var searches = 3
    /// Last change of each resource and last fruitless look at each task (don't-look bits).
    private var stamp: [UInt64] = []
    private var looked: [UInt64] = []
    private var clock: UInt64 = 1
    private let epsilon = 1e-9

    init(capacity: [Int32], tasks: [Task]) {
        self.capacity = capacity
        self.tasks = tasks
    }

    /// Total cost of an assignment.
    func cost(of solution: Solution) -> Double {
        var total = 0.0
        for (i, parts) in solution.enumerated() {
            for part in parts { total += tasks[i].costs[Int(part.candidate)] * Double(part.units) }
        }
        return total
    }

    /// Solves from the greedy start (`start[i]`: candidate index and units of task `i`, feasible
    /// for `capacity`); returns the final assignment's cost.
    mutating func solve(start: Solution, passes: Int) -> Double {
        let free = capacity
        // Within `tolerance` of the bound where every task gets its cheapest candidate: stop.
        var bound = 0.0
        for task in tasks { bound += (task.costs.min() ?? 0) * Double(task.units) }
        if cost(of: start) <= bound + tolerance * max(1, abs(bound)) {
            install(start)
            return cost(of: start)
        }
        // Less effort on very large batches (the greedy start is already good when tasks are many
        // relative to the contention, and the time budget is shared).
        let steps = tasks.count > 2000 ? lagrangianSteps / 2 : lagrangianSteps
        let searches = tasks.count > 2000 ? 1 : self.searches
        // Starting solutions: greedy, regret, and regret under Lagrangian prices.
        var starts: [(cost: Double, solution: Solution)] = [(cost(of: start), start)]
        if let regret = construct(free: free, prices: nil, start: start) { starts.append((cost(of: regret), regret)) }
        if steps > 0 {
            var prices = [Double](repeating: 0, count: free.count)
            var theta = 1.0
            var bestBound = -Double.infinity
            var stale = 0
            let upper = starts.map(\.cost).min()!
            for step in 1...steps {
                let (bound, gradient) = relaxed(prices, free: free)
                if bound > bestBound + epsilon {
                    bestBound = bound
                    stale = 0
                } else {
                    stale += 1
                    if stale >= 4 {
                        theta /= 2
                        stale = 0
                    }
                }
                let norm = gradient.reduce(0.0) { $0 + $1 * $1 }
                if norm < epsilon || upper - bestBound < tolerance * max(1, abs(upper)) { break }
                let length = theta * (upper - bound) / norm
                for r in prices.indices { prices[r] = max(0, prices[r] + length * gradient[r]) }
                if step % 6 == 0, let guided = construct(free: free, prices: prices, start: start) {
                    starts.append((cost(of: guided), guided))
                }
            }
        }
        // Local search from the most promising distinct starts; greedy itself is the fallback.
        var best = start
        var bestCost = cost(of: start)
        var order = Array(starts.indices)
        order.sort { starts[$0].cost != starts[$1].cost ? starts[$0].cost < starts[$1].cost : $0 < $1 }
        var tried: [Double] = []
        for i in order where tried.count < searches {
            if tried.contains(where: { abs($0 - starts[i].cost) <= epsilon * max(1, abs($0)) }) { continue }
            tried.append(starts[i].cost)
            let improved = improve(starts[i].solution, free: free, passes: passes)
            let c = cost(of: improved)
            if c < bestCost - epsilon {
                best = improved
                bestCost = c
            }
        }
        capacity = free
        install(best)
        return bestCost
    }

    /// The Lagrangian bound at `prices` and its subgradient (load − capacity per resource).
    private func relaxed(_ prices: [Double], free: [Int32]) -> (Double, [Double]) {
        var bound = 0.0
        var load = [Double](repeating: 0, count: free.count)
        for task in tasks {
            var best = Double.infinity
            var at = -1
            for (c, r) in task.candidates.enumerated() {
                let v = task.costs[c] + prices[Int(r)]
                if v < best {
                    best = v
                    at = Int(r)
                }
            }
            guard at >= 0 else { continue }
            bound += best * Double(task.units)
            load[at] += Double(task.units)
        }
        var gradient = load
        for r in free.indices {
            bound -= prices[r] * Double(free[r])
            gradient[r] -= Double(free[r])
        }
        return (bound, gradient)
    }

    /// Local search from `solution` on a fresh copy of the free capacity.
    private mutating func improve(_ solution: Solution, free: [Int32], passes: Int) -> Solution {
        capacity = free
        install(solution)
        stamp = [UInt64](repeating: 1, count: capacity.count)
        looked = [UInt64](repeating: 0, count: tasks.count)
        clock = 1
        for _ in 0..<passes {
            var improved = false
            for a in tasks.indices where !tasks[a].fixed {
                // Skip a task if nothing on its candidates changed since its last fruitless look.
                var latest: UInt64 = 0
                for r in tasks[a].candidates { latest = max(latest, stamp[Int(r)]) }
                if looked[a] >= latest { continue }
                let found = tasks[a].gang ? improveGang(Int32(a)) : improveSplit(Int32(a))
                if found {
                    improved = true
                } else {
                    looked[a] = clock
                }
            }
            if !improved { break }
        }
        return assignment
    }

    /// Takes an assignment as the current state (capacity must be the free capacity without it).
    private mutating func install(_ solution: Solution) {
        assignment = solution
        occupants = Array(repeating: [], count: capacity.count)
        for (i, parts) in solution.enumerated() {
            for part in parts {
                let r = Int(tasks[i].candidates[Int(part.candidate)])
                capacity[r] -= part.units
                occupants[r].append(Int32(i))
            }
        }
    }

    // MARK: Constructions

    /// Builds a solution by priority level, then largest regret first, under `prices` added to the
    /// costs (`nil`: true costs); `nil` if some task does not fit. Fixed tasks keep their start.
    private func construct(free: [Int32], prices: [Double]?, start: Solution) -> Solution? {
        var capacity = free
        var solution = Solution(repeating: [], count: tasks.count)
        for t in tasks.indices where tasks[t].fixed {
            solution[t] = start[t]
            for part in start[t] { capacity[Int(tasks[t].candidates[Int(part.candidate)])] -= part.units }
        }
        func priced(_ t: Int, _ c: Int) -> Double {
            tasks[t].costs[c] + (prices?[Int(tasks[t].candidates[c])] ?? 0)
        }
        /// The cheapest and second-cheapest fitting candidates of gang task `t` under the priced costs.
        func bestTwo(_ t: Int) -> (Int?, Int?) {
            var first: Int? = nil
            var second: Int? = nil
            var f = Double.infinity
            var g = Double.infinity
            let task = tasks[t]
            for c in task.candidates.indices where capacity[Int(task.candidates[c])] >= task.units {
                let v = priced(t, c)
                if v < f {
                    second = first
                    g = f
                    first = c
                    f = v
                } else if v < g {
                    second = c
                    g = v
                }
            }
            return (first, second)
        }
        func regret(_ t: Int) -> Double {
            let (first, second) = bestTwo(t)
            guard let first, let second else { return .infinity }
            return (priced(t, second) - priced(t, first)) * Double(tasks[t].units)
        }
        var levels = tasks.indices.filter { !tasks[$0].fixed }
        levels.sort { tasks[$0].priority != tasks[$1].priority ? tasks[$0].priority > tasks[$1].priority : $0 < $1 }
        var i = 0
        while i < levels.count {
            var j = i
            while j < levels.count && tasks[levels[j]].priority == tasks[levels[i]].priority { j += 1 }
            var heap = Heap<Regret>()
            for k in i..<j where tasks[levels[k]].gang { heap.insert(Regret(regret: regret(levels[k]), task: Int32(levels[k]))) }
            while let top = heap.popMax() {
                let t = Int(top.task)
                let current = regret(t)
                if current < top.regret - epsilon, let next = heap.max, next.regret > current {
                    heap.insert(Regret(regret: current, task: top.task))
                    continue
                }
                guard let c = bestTwo(t).0 else { return nil }
                capacity[Int(tasks[t].candidates[c])] -= tasks[t].units
                solution[t] = [(Int32(c), tasks[t].units)]
            }
            for k in i..<j where !tasks[levels[k]].gang {
                let t = levels[k]
                var remaining = tasks[t].units
                var parts: [(candidate: Int32, units: Int32)] = []
                var order = Array(0..<Int32(tasks[t].candidates.count))
                if prices != nil {
                    order.sort { a, b in
                        let x = priced(t, Int(a))
                        let y = priced(t, Int(b))
                        return x != y ? x < y : a < b
                    }
                }
                for c in order where remaining > 0 {
                    let r = Int(tasks[t].candidates[Int(c)])
                    guard capacity[r] > 0 else { continue }
                    let take = min(remaining, capacity[r])
                    capacity[r] -= take
                    remaining -= take
                    parts.append((c, take))
                }
                guard remaining == 0 else { return nil }
                solution[t] = parts
            }
            i = j
        }
        return solution
    }

    // MARK: Moves

    @inline(__always)
    private func resource(_ t: Int32, _ c: Int32) -> Int32 { tasks[Int(t)].candidates[Int(c)] }

    private func candidateIndex(_ t: Int32, of resource: Int32) -> Int? {
        tasks[Int(t)].candidates.firstIndex(of: resource)
    }

    /// Units task `t` has on resource `r`.
    private func units(_ t: Int32, on r: Int32) -> Int32 {
        var total: Int32 = 0
        for part in assignment[Int(t)] where resource(t, part.candidate) == r { total += part.units }
        return total
    }

    /// Moves `amount` units of task `t` from candidate `from` to candidate `to`.
    private mutating func shift(_ t: Int32, from: Int32, to: Int32, amount: Int32) {
        guard amount > 0, from != to else { return }
        let rf = Int(resource(t, from))
        let rt = Int(resource(t, to))
        capacity[rf] += amount
        capacity[rt] -= amount
        clock += 1
        stamp[rf] = clock
        stamp[rt] = clock
        var parts = assignment[Int(t)]
        if let i = parts.firstIndex(where: { $0.candidate == from }) {
            parts[i].units -= amount
            if parts[i].units == 0 {
                parts.remove(at: i)
                if let k = occupants[rf].firstIndex(of: t) { occupants[rf].remove(at: k) }
            }
        }
        if let i = parts.firstIndex(where: { $0.candidate == to }) {
            parts[i].units += amount
        } else {
            parts.append((to, amount))
            occupants[rt].append(t)
        }
        parts.sort { $0.candidate < $1.candidate }
        assignment[Int(t)] = parts
    }

    /// Moves a gang task whole to candidate `to`.
    private mutating func move(_ t: Int32, to: Int32) {
        guard let part = assignment[Int(t)].first else { return }
        shift(t, from: part.candidate, to: to, amount: part.units)
    }

    /// One improving move for gang task `a`, if any.
    private mutating func improveGang(_ a: Int32) -> Bool {
        guard let part = assignment[Int(a)].first else { return false }
        let task = tasks[Int(a)]
        let i0 = Int(part.candidate)
        let r0 = task.candidates[i0]
        let c0 = task.costs[i0]
        for i in 0..<i0 {
            let gainA = (c0 - task.costs[i]) * Double(task.units)
            if gainA <= epsilon { continue }
            let r = task.candidates[i]
            if capacity[Int(r)] >= task.units {
                move(a, to: Int32(i))
                return true
            }
            let deficit = task.units - capacity[Int(r)]
            // One gang occupant swaps with a.
            var bestGain = epsilon
            var bestSwap: (b: Int32, target: Int)? = nil
            for b in occupants[Int(r)]
            where b != a && tasks[Int(b)].gang && !tasks[Int(b)].fixed && tasks[Int(b)].units >= deficit {
                let tb = tasks[Int(b)]
                let cbr = tb.costs[Int(assignment[Int(b)][0].candidate)]
                if let j = candidateIndex(b, of: r0), capacity[Int(r0)] + task.units >= tb.units {
                    let gain = gainA + (cbr - tb.costs[j]) * Double(tb.units)
                    if gain > bestGain {
                        bestGain = gain
                        bestSwap = (b, j)
                    }
                }
            }
            // Or other tasks on r (gang ones whole, split ones by units) move to their cheapest
            // other candidates with room, cheapest first, until a fits.
            if let ejection = ejectionPlan(on: r, units: deficit, excluding: a, extraRoom: (r0, task.units)),
                gainA - ejection.penalty > bestGain
            {
                for m in ejection.moves { shift(m.task, from: m.from, to: m.to, amount: m.units) }
                move(a, to: Int32(i))
                return true
            }
            if let (b, target) = bestSwap {
                move(b, to: Int32(target))
                move(a, to: Int32(i))
                return true
            }
        }
        return false
    }

    /// The cheapest way to free `units` units on `r` by moving other tasks off it: gang tasks whole
    /// to their cheapest other candidate with room, split tasks by units to their cheapest
    /// candidates with room, taking the smallest cost increase per unit first. `extraRoom`: a
    /// resource that will gain room (the moving task's current one).
    private func ejectionPlan(on r: Int32, units needed: Int32, excluding a: Int32, extraRoom: (Int32, Int32))
        -> (penalty: Double, moves: [(task: Int32, from: Int32, to: Int32, units: Int32)])?
    {
        var options: [(increase: Double, task: Int32, from: Int32, to: Int32, max: Int32, whole: Bool)] = []
        var freeable: Int32 = 0
        for s in occupants[Int(r)] where s != a && !tasks[Int(s)].fixed {
            let ts = tasks[Int(s)]
            guard let from = candidateIndex(s, of: r) else { continue }
            let have = units(s, on: r)
            var gathered: Int32 = 0
            for (c, rc) in ts.candidates.enumerated() where rc != r {
                let room = capacity[Int(rc)] + (rc == extraRoom.0 ? extraRoom.1 : 0)
                if ts.gang {
                    guard room >= have else { continue }
                    options.append((ts.costs[c] - ts.costs[from], s, Int32(from), Int32(c), have, true))
                    freeable += have
                    break
                } else if room > 0 {
                    let take = min(have - gathered, room)
                    options.append((ts.costs[c] - ts.costs[from], s, Int32(from), Int32(c), take, false))
                    gathered += take
                    if gathered >= min(have, needed) { break }
                }
            }
            freeable += gathered
        }
        guard freeable >= needed else { return nil }
        options.sort { $0.increase != $1.increase ? $0.increase < $1.increase : ($0.task, $0.to) < ($1.task, $1.to) }
        var remaining = needed
        var penalty = 0.0
        var moves: [(task: Int32, from: Int32, to: Int32, units: Int32)] = []
        for o in options where remaining > 0 {
            let rc = resource(o.task, o.to)
            var room = capacity[Int(rc)] + (rc == extraRoom.0 ? extraRoom.1 : 0)
            var left = units(o.task, on: r)
            for m in moves {
                if resource(m.task, m.to) == rc { room -= m.units }
                if m.task == o.task { left -= m.units }
            }
            let take: Int32
            if o.whole {
                guard left == o.max, room >= o.max else { continue }
                take = o.max
            } else {
                take = min(remaining, room, left, o.max)
            }
            guard take > 0 else { continue }
            penalty += o.increase * Double(take)
            remaining -= take
            moves.append((o.task, o.from, o.to, take))
        }
        return remaining <= 0 ? (penalty, moves) : nil
    }

    /// One improving move for split task `a`: shift units to cheaper candidates with room, or
    /// exchange units with another task on a cheaper candidate.
    private mutating func improveSplit(_ a: Int32) -> Bool {
        let task = tasks[Int(a)]
        var improved = false
        // Dearest parts first.
        for part in assignment[Int(a)].sorted(by: { $0.candidate > $1.candidate }) {
            let hi = part.candidate
            var have = units(a, on: resource(a, hi))
            guard have > 0 else { continue }
            for lo in 0..<Int(hi) where have > 0 {
                let gainPerUnit = task.costs[Int(hi)] - task.costs[lo]
                if gainPerUnit <= epsilon { break }
                let rlo = task.candidates[lo]
                let room = capacity[Int(rlo)]
                if room > 0 {
                    let take = min(room, have)
                    shift(a, from: hi, to: Int32(lo), amount: take)
                    have -= take
                    improved = true
                    continue
                }
                // Exchange with a task on rlo that minds the swap less.
                let rhi = task.candidates[Int(hi)]
                for b in occupants[Int(rlo)] where b != a && !tasks[Int(b)].fixed && have > 0 {
                    guard let bhi = candidateIndex(b, of: rhi), let blo = candidateIndex(b, of: rlo) else { continue }
                    let tb = tasks[Int(b)]
                    let loss = tb.costs[bhi] - tb.costs[blo]
                    if tb.gang {
                        // b moves whole to rhi; a moves up to u_b + room units to rlo.
                        let delta = min(have, tb.units + capacity[Int(rlo)])
                        guard capacity[Int(rhi)] + delta >= tb.units else { continue }
                        let gain = gainPerUnit * Double(delta) - loss * Double(tb.units)
                        guard gain > epsilon else { continue }
                        move(b, to: Int32(bhi))
                        shift(a, from: hi, to: Int32(lo), amount: delta)
                        have -= delta
                        improved = true
                    } else {
                        guard gainPerUnit - loss > epsilon else { continue }
                        let delta = min(have, units(b, on: rlo))
                        guard delta > 0 else { continue }
                        shift(b, from: Int32(blo), to: Int32(bhi), amount: delta)
                        shift(a, from: hi, to: Int32(lo), amount: delta)
                        have -= delta
                        improved = true
                    }
                }
            }
        }
        return improved
    }
}

/// A gang task's regret in the regret construction; the greatest regret chooses first, ties to
/// the lower task index (so the greatest element is the one that chooses next).
struct Regret: Comparable {
    var regret: Double
    var task: Int32

    static func < (a: Regret, b: Regret) -> Bool {
        a.regret != b.regret ? a.regret < b.regret : a.task > b.task
    }
}
