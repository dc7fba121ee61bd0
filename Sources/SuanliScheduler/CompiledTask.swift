import Foundation
import SuanliCore

/// A task spec turned into what the hot path compares: dense indexes instead of strings.
struct CompiledTask: Sendable {
    struct Alternative: Sendable {
        var kind: ResourceKind
        var arch: String?
        var model: String?
        var minMemoryGiB: Double
        /// Shapes this alternative accepts (valid for `shapeEpoch`).
        var shapes: [Int32] = []

        func accepts(_ shape: SchedulerEngine.Shape) -> Bool {
            shape.kind == kind && (arch == nil || shape.arch == arch!) && (model == nil || shape.model == model!)
                && shape.memoryGiB >= minMemoryGiB
        }
    }

    var units: Int32
    var gang: Bool
    var priority: Int
    var maxPrice: Int64
    var minRenewable: Double
    /// Lowest provider reliability (`-infinity`: any).
    var minReliability: Double
    /// Data location index, or -1.
    var from: Int32
    var maxRtt: Double
    /// Per location: within `maxRtt` of the data location (all true without a limit).
    var allowed: [Bool] = []
    var locationsValid = false
    var wPrice: Double
    var wLatency: Double
    var wCarbon: Double
    var durationS: Double?
    var deadline: Double?
    var alternatives: [Alternative]
    /// `shapes.count` when the alternatives' shape lists were computed (-1: never).
    var shapeEpoch = -1
    /// Every shape any alternative accepts, once each.
    var shapeList: [Int32] = []

    init(_ spec: TaskSpec, topology: Topology) {
        units = Int32(clamping: spec.units)
        gang = spec.gang
        priority = spec.priority
        maxPrice = spec.maxPriceFenPerUnitHour ?? .max
        minRenewable = spec.minRenewable ?? -.infinity
        minReliability = spec.minReliability ?? -.infinity
        from = spec.dataLocation.flatMap { topology.index(of: $0) }.map(Int32.init) ?? -1
        maxRtt = spec.maxRttMs ?? .infinity
        wPrice = spec.objective.price
        wLatency = spec.objective.latency
        wCarbon = spec.objective.carbon
        durationS = spec.durationS
        deadline = spec.deadline?.timeIntervalSince1970
        alternatives = spec.accept.map {
            Alternative(kind: $0.kind, arch: $0.arch, model: $0.model, minMemoryGiB: $0.minMemoryGiB ?? 0)
        }
    }

    mutating func invalidateLocations() { locationsValid = false }
}

extension SchedulerEngine {
    /// Brings a compiled task up to date with the engine's shapes and topology.
    @inline(__always)
    func prepare(_ c: inout CompiledTask) {
        if c.shapeEpoch != shapes.count {
            for a in c.alternatives.indices {
                var list: [Int32] = []
                for (i, shape) in shapes.enumerated() where c.alternatives[a].accepts(shape) { list.append(Int32(i)) }
                c.alternatives[a].shapes = list
            }
            var list = c.alternatives.flatMap(\.shapes)
            list.sort()
            var unique: [Int32] = []
            unique.reserveCapacity(list.count)
            for s in list where unique.last != s { unique.append(s) }
            c.shapeList = unique
            c.shapeEpoch = shapes.count
        }
        if !c.locationsValid {
            if c.from >= 0 && c.maxRtt.isFinite {
                let row = Int(c.from) * locationCount
                c.allowed = (0..<locationCount).map { rtt[row + $0] <= c.maxRtt }
            } else {
                c.allowed = [Bool](repeating: true, count: locationCount)
            }
            c.locationsValid = true
        }
    }

    /// Sum of the generations of every shape the task accepts: changes when capacity it could use may have grown.
    func generation(of c: CompiledTask) -> UInt64 {
        var sum: UInt64 = UInt64(shapes.count) &* 0x9E37_79B9
        for s in c.shapeList { sum &+= shapeGeneration[Int(s)] }
        return sum
    }

    /// Sum of the capacity increases of every shape the task accepts.
    func increase(of c: CompiledTask) -> Int64 {
        var sum: Int64 = 0
        for s in c.shapeList { sum += shapeIncrease[Int(s)] }
        return sum
    }

    /// Whether a task that failed for lack of capacity may fit now: something it can use changed,
    /// or its shapes gained at least the units it lacked.
    func worthRetrying(_ t: Int32, head: Int32?) -> Bool {
        let i = Int(t)
        if tasks[i].blockedBehind >= 0 && tasks[i].blockedBehind != (head ?? -1) { return true }
        return tasks[i].compiled.shapeList.withUnsafeBufferPointer { list in
            var generation: UInt64 = UInt64(shapes.count) &* 0x9E37_79B9
            var increase: Int64 = 0
            for s in list {
                generation &+= shapeGeneration[Int(s)]
                increase += shapeIncrease[Int(s)]
            }
            return generation != tasks[i].generationSeen || increase - tasks[i].increaseSeen >= tasks[i].deficit
        }
    }

    /// Records that a task fits but only by delaying `head`: retried when the head changes, its
    /// shapes gain any capacity, or the head's estimated start or spare units change
    /// (``reservationMoved(_:head:now:)``).
    mutating func noteBlocked(_ t: Int32, behind head: Int32?) {
        let c = tasks[Int(t)].compiled
        tasks[Int(t)].generationSeen = generation(of: c)
        tasks[Int(t)].increaseSeen = increase(of: c)
        tasks[Int(t)].deficit = 1
        tasks[Int(t)].blockedBehind = head ?? -1
        tasks[Int(t)].blockedShadow = headShadow?.generation ?? 0
    }

    /// Records that a task failed for lack of capacity (after a `plan` that set `lastCapacitySeen`).
    mutating func noteNoCapacity(_ t: Int32) {
        let c = tasks[Int(t)].compiled
        tasks[Int(t)].generationSeen = generation(of: c)
        tasks[Int(t)].increaseSeen = increase(of: c)
        tasks[Int(t)].deficit = max(1, Int64(c.units) - lastCapacitySeen)
        tasks[Int(t)].blockedBehind = -1
    }

    /// RTT in ms from the task's data location to `location` (0 without a data location).
    @inline(__always)
    func rttFrom(_ c: CompiledTask, _ location: Int32) -> Double {
        c.from < 0 ? 0 : rtt[Int(c.from) * locationCount + Int(location)]
    }
}
