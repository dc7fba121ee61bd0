/// The batch optimiser: assigns a set of tasks to resources minimising the total weighted cost
/// Σ units × cost-per-unit, subject to capacity. With gang tasks of different sizes this is a
/// generalised assignment problem (NP-hard), so it is solved heuristically:
///
/// 1. two starting solutions — the online greedy one (each task in queue order takes its best
///    option) and a *regret* construction (within each priority level, the task that would lose
///    most by not getting its best remaining option chooses first, re-evaluated lazily);
/// 2. the cheaper complete one is improved by local search until no move helps: *shift* a task
///    to a cheaper candidate with room; *swap* it with a task occupying a cheaper candidate, or
///    *eject* that task to its cheapest other candidate with room (an ejection chain of length
///    two); split tasks move units from their dearest part to cheaper candidates with room.
///
/// Every move keeps every capacity, so the result is feasible and never costs more than the
/// greedy start. Deterministic: fixed iteration orders, ties by index.
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

    var capacity: [Int32]
    var tasks: [Task]
    /// Per task: (candidate index, units).
    private(set) var assignment: [[(candidate: Int32, units: Int32)]] = []
    /// Gang tasks on each resource.
    private var occupants: [[Int32]] = []
    private let epsilon = 1e-12

    init(capacity: [Int32], tasks: [Task]) {
        self.capacity = capacity
        self.tasks = tasks
    }

    /// Total cost of an assignment.
    func cost(of assignment: [[(candidate: Int32, units: Int32)]]) -> Double {
        var total = 0.0
        for (i, parts) in assignment.enumerated() {
            for part in parts { total += tasks[i].costs[Int(part.candidate)] * Double(part.units) }
        }
        return total
    }

    /// Solves from the greedy start (`start[i]`: candidate index and units of task `i`, feasible
    /// for `capacity`); returns the final assignment's cost.
    mutating func solve(start: [[(candidate: Int32, units: Int32)]], passes: Int) -> Double {
        let initialCapacity = capacity
        var best = start
        var bestCost = cost(of: start)
        if let regret = regretConstruction(start: start), cost(of: regret) < bestCost - epsilon {
            best = regret
            bestCost = cost(of: regret)
        }
        capacity = initialCapacity
        install(best)
        for _ in 0..<passes {
            var improved = false
            for a in tasks.indices where !tasks[a].fixed {
                if tasks[a].gang {
                    if improveGang(Int32(a)) { improved = true }
                } else if improveSplit(a) {
                    improved = true
                }
            }
            if !improved { break }
        }
        return cost(of: assignment)
    }

    /// Takes an assignment as the current state (capacity must be the free capacity without it).
    private mutating func install(_ solution: [[(candidate: Int32, units: Int32)]]) {
        assignment = solution
        occupants = Array(repeating: [], count: capacity.count)
        for (i, parts) in solution.enumerated() {
            for part in parts {
                let r = Int(tasks[i].candidates[Int(part.candidate)])
                capacity[r] -= part.units
                if tasks[i].gang { occupants[r].append(Int32(i)) }
            }
        }
    }

    // MARK: Regret construction

    /// Builds a solution by priority level, then largest regret first; `nil` if some task does not fit.
    private mutating func regretConstruction(start: [[(candidate: Int32, units: Int32)]]) -> [[(candidate: Int32, units: Int32)]]? {
        var solution = [[(candidate: Int32, units: Int32)]](repeating: [], count: tasks.count)
        // Fixed tasks keep their starting place.
        for t in tasks.indices where tasks[t].fixed {
            solution[t] = start[t]
            for part in start[t] { capacity[Int(tasks[t].candidates[Int(part.candidate)])] -= part.units }
        }
        var order = tasks.indices.filter { !tasks[$0].fixed }
        order.sort { tasks[$0].priority != tasks[$1].priority ? tasks[$0].priority > tasks[$1].priority : $0 < $1 }
        var i = 0
        while i < order.count {
            var j = i
            while j < order.count && tasks[order[j]].priority == tasks[order[i]].priority { j += 1 }
            // Gang tasks by lazy regret; split tasks after them in order.
            var heap = RegretHeap()
            for k in i..<j where tasks[order[k]].gang { heap.push(regret: regret(order[k]), task: Int32(order[k])) }
            while let (stored, t) = heap.pop() {
                let current = regret(Int(t))
                if current < stored - epsilon, let next = heap.peekRegret, next > current {
                    heap.push(regret: current, task: t)
                    continue
                }
                guard let c = firstFitting(Int(t), from: 0) else { return nil }
                capacity[Int(tasks[Int(t)].candidates[c])] -= tasks[Int(t)].units
                solution[Int(t)] = [(Int32(c), tasks[Int(t)].units)]
            }
            for k in i..<j where !tasks[order[k]].gang {
                let t = order[k]
                var remaining = tasks[t].units
                var parts: [(candidate: Int32, units: Int32)] = []
                for (c, r) in tasks[t].candidates.enumerated() where remaining > 0 && capacity[Int(r)] > 0 {
                    let take = min(remaining, capacity[Int(r)])
                    capacity[Int(r)] -= take
                    remaining -= take
                    parts.append((Int32(c), take))
                }
                guard remaining == 0 else { return nil }
                solution[t] = parts
            }
            i = j
        }
        return solution
    }

    private func firstFitting(_ t: Int, from start: Int) -> Int? {
        let task = tasks[t]
        var c = start
        while c < task.candidates.count {
            if capacity[Int(task.candidates[c])] >= task.units { return c }
            c += 1
        }
        return nil
    }

    /// Extra cost of the second-best fitting option over the best (infinite if only one fits).
    private func regret(_ t: Int) -> Double {
        guard let first = firstFitting(t, from: 0) else { return .infinity }
        guard let second = firstFitting(t, from: first + 1) else { return .infinity }
        return (tasks[t].costs[second] - tasks[t].costs[first]) * Double(tasks[t].units)
    }

    // MARK: Local search

    private func candidateIndex(_ t: Int, of resource: Int32) -> Int? {
        tasks[t].candidates.firstIndex(of: resource)
    }

    private mutating func move(_ t: Int32, to candidate: Int) {
        let task = tasks[Int(t)]
        let old = assignment[Int(t)][0].candidate
        let from = Int(task.candidates[Int(old)])
        let to = Int(task.candidates[candidate])
        capacity[from] += task.units
        capacity[to] -= task.units
        if let i = occupants[from].firstIndex(of: t) { occupants[from].remove(at: i) }
        occupants[to].append(t)
        assignment[Int(t)] = [(Int32(candidate), task.units)]
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
                move(a, to: i)
                return true
            }
            let deficit = task.units - capacity[Int(r)]
            var bestGain = epsilon
            var bestMove: (b: Int32, target: Int)? = nil
            for b in occupants[Int(r)] where b != a && !tasks[Int(b)].fixed && tasks[Int(b)].units >= deficit {
                let tb = tasks[Int(b)]
                let ib = Int(assignment[Int(b)][0].candidate)
                let cbr = tb.costs[ib]
                // Swap: b takes a's resource.
                if let j = candidateIndex(Int(b), of: r0), capacity[Int(r0)] + task.units >= tb.units {
                    let gain = gainA + (cbr - tb.costs[j]) * Double(tb.units)
                    if gain > bestGain {
                        bestGain = gain
                        bestMove = (b, j)
                    }
                }
                // Eject: b goes to its cheapest other candidate with room.
                for (j, rb) in tb.candidates.enumerated() where rb != r && rb != r0 && capacity[Int(rb)] >= tb.units {
                    let gain = gainA + (cbr - tb.costs[j]) * Double(tb.units)
                    if gain > bestGain {
                        bestGain = gain
                        bestMove = (b, j)
                    }
                    break
                }
            }
            if let (b, target) = bestMove {
                move(b, to: target)
                move(a, to: i)
                return true
            }
        }
        return false
    }

    /// Moves units of split task `a` from its dearest parts to cheaper candidates with room.
    private mutating func improveSplit(_ a: Int) -> Bool {
        let task = tasks[a]
        var units = [Int32](repeating: 0, count: task.candidates.count)
        for part in assignment[a] { units[Int(part.candidate)] += part.units }
        var improved = false
        var hi = task.candidates.count - 1
        var lo = 0
        while lo < hi {
            if units[hi] == 0 {
                hi -= 1
                continue
            }
            let room = capacity[Int(task.candidates[lo])]
            if room <= 0 || task.costs[lo] >= task.costs[hi] - epsilon {
                lo += 1
                continue
            }
            let take = min(room, units[hi])
            units[hi] -= take
            units[lo] += take
            capacity[Int(task.candidates[hi])] += take
            capacity[Int(task.candidates[lo])] -= take
            improved = true
        }
        if improved {
            assignment[a] = units.enumerated().filter { $0.element > 0 }.map { (Int32($0.offset), $0.element) }
        }
        return improved
    }
}

/// A max-heap of (regret, task), ties to the lower task index.
struct RegretHeap {
    private var items: [(regret: Double, task: Int32)] = []

    private func above(_ a: (regret: Double, task: Int32), _ b: (regret: Double, task: Int32)) -> Bool {
        a.regret != b.regret ? a.regret > b.regret : a.task < b.task
    }

    var peekRegret: Double? { items.first?.regret }

    mutating func push(regret: Double, task: Int32) {
        items.append((regret, task))
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard above(items[i], items[p]) else { break }
            items.swapAt(i, p)
            i = p
        }
    }

    mutating func pop() -> (Double, Int32)? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var m = i
                if l < items.count && above(items[l], items[m]) { m = l }
                if r < items.count && above(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return (top.regret, top.task)
    }
}
