import Foundation
import SuanliCore

/// Running sums over the registry's resources for statistics, filled in slices so that a
/// caller holding a lock around the registry can release it between slices.
///
/// Sums are kept per (location, kind, class) cell; everything in ``StatsReport`` and the
/// Prometheus gauges is derived from them. A tally filled in several slices is not one atomic
/// snapshot: resources that change between slices are counted as they were when their slice ran.
public struct StatsTally: Sendable {
    /// Sums for one (location, kind, class) cell.
    public struct Cell: Sendable, Hashable {
        /// Live resources.
        public var resources = 0
        /// Resources available now (healthy and recently reported).
        public var available = 0
        /// Units of every live resource.
        public var units = 0
        /// Units of available resources.
        public var availableUnits = 0
        /// Free units of available resources.
        public var freeUnits = 0
        /// Peak PFLOPS at the class's statistical precision.
        public var pflops = 0.0
        /// Peak PFLOPS at FP32 (the basis of national totals).
        public var fp32PFLOPS = 0.0
        /// Resources without a figure at the class's precision.
        public var unrated = 0
        /// Resources without an FP32 figure.
        public var fp32Unrated = 0

        /// An empty cell.
        public init() {}
    }

    /// The locations cells are indexed by (the registry's topology when the tally started).
    public let locations: [Location]
    /// `cells[(location * kinds + kind) * classes + class]`, kinds and classes in `allCases` order.
    public internal(set) var cells: [Cell]
    /// Peak PFLOPS (class basis) in central or western regions.
    var centralWesternPFLOPS = 0.0
    /// Σ renewable share × peak PFLOPS (class basis).
    var renewableWeighted = 0.0
    /// Σ PUE × peak PFLOPS (class basis).
    var pueWeighted = 0.0
    /// The next slot to visit.
    var nextSlot = 0
    /// Providers and live resources when the last slice ran.
    public internal(set) var providers = 0
    public internal(set) var resources = 0
    /// Whether every slot has been visited.
    public internal(set) var isComplete = false

    static let kinds = ResourceKind.allCases
    static let classes = ComputeClass.allCases
    static let kindIndex = Dictionary(uniqueKeysWithValues: ResourceKind.allCases.enumerated().map { ($1, $0) })
    static let classIndex = Dictionary(uniqueKeysWithValues: ComputeClass.allCases.enumerated().map { ($1, $0) })

    init(locations: [Location]) {
        self.locations = locations
        self.cells = Array(repeating: Cell(), count: locations.count * Self.kinds.count * Self.classes.count)
    }

    /// The cell of one location index, kind and class.
    public func cell(location: Int, kind: ResourceKind, class computeClass: ComputeClass) -> Cell {
        cells[Self.cellIndex(location: location, kind: Self.kindIndex[kind]!, class: Self.classIndex[computeClass]!)]
    }

    @inline(__always)
    static func cellIndex(location: Int, kind: Int, class c: Int) -> Int {
        (location * kinds.count + kind) * classes.count + c
    }

    /// Calls `body` for every non-empty cell with its location, kind and class.
    public func forEachCell(_ body: (Location, ResourceKind, ComputeClass, Cell) -> Void) {
        for (l, location) in locations.enumerated() {
            for (k, kind) in Self.kinds.enumerated() {
                for (c, computeClass) in Self.classes.enumerated() {
                    let cell = cells[Self.cellIndex(location: l, kind: k, class: c)]
                    if cell.resources > 0 { body(location, kind, computeClass, cell) }
                }
            }
        }
    }

    /// The report for these sums: totals, capacity on its bases, places and 20 ms coverage
    /// (from `topology`'s RTT matrix). Task figures and history are left empty for the caller.
    public func report(topology: Topology, now: Date, coverageRttMs: Double = 20) -> StatsReport {
        var byKind: [ResourceKind: StatsReport.KindTotals] = [:]
        var classFigures: [ComputeClass: StatsReport.CapacityFigure] = [:]
        for c in Self.classes { classFigures[c] = .init(basis: c.statisticalPrecision.rawValue) }
        var total = StatsReport.CapacityFigure(basis: Precision.fp32.rawValue)
        var classTotal = StatsReport.CapacityFigure(basis: StatsReport.CapacityFigure.classBasis)
        var places: [Int: Cell] = [:]
        var hubs: [String: Cell] = [:]
        var freeByLocationKind = [Int](repeating: 0, count: locations.count * Self.kinds.count)
        var all = Cell()
        for l in locations.indices {
            for (k, kind) in Self.kinds.enumerated() {
                for (c, computeClass) in Self.classes.enumerated() {
                    let cell = cells[Self.cellIndex(location: l, kind: k, class: c)]
                    guard cell.resources > 0 else { continue }
                    var totals = byKind[kind] ?? .init()
                    totals.resources += cell.resources
                    totals.available += cell.available
                    totals.units += cell.units
                    totals.freeUnits += cell.freeUnits
                    byKind[kind] = totals
                    classFigures[computeClass]!.add(cell.pflops, resources: cell.resources, unrated: cell.unrated)
                    total.add(cell.fp32PFLOPS, resources: cell.resources, unrated: cell.fp32Unrated)
                    classTotal.add(cell.pflops, resources: cell.resources, unrated: 0)
                    places[l, default: Cell()].merge(cell)
                    hubs[locations[l].hub, default: Cell()].merge(cell)
                    all.merge(cell)
                    freeByLocationKind[l * Self.kinds.count + k] += cell.freeUnits
                }
            }
        }
        for c in Self.classes { classFigures[c]!.round() }
        total.round()
        classTotal.round()
        // Every hub is listed, with zeros where nothing is registered.
        for location in topology.locations where location.kind == .hub && hubs[location.code] == nil {
            hubs[location.code] = Cell()
        }
        let peak = all.pflops
        return StatsReport(
            providers: providers, resources: resources, availableResources: all.available, units: all.units,
            freeUnits: all.freeUnits,
            byKind: Dictionary(uniqueKeysWithValues: Self.kinds.map { ($0.rawValue, byKind[$0] ?? .init()) }),
            pflopsByClass: Dictionary(uniqueKeysWithValues: Self.classes.map { ($0.rawValue, classFigures[$0]!.pflops) }),
            basis: Dictionary(uniqueKeysWithValues: Self.classes.map { ($0.rawValue, $0.statisticalPrecision.rawValue) }),
            centralWesternShare: peak > 0 ? centralWesternPFLOPS / peak : 0,
            renewableShare: peak > 0 ? renewableWeighted / peak : 0,
            utilization: all.utilization,
            generatedAt: now,
            pue: peak > 0 ? pueWeighted / peak : 0,
            capacity: StatsReport.Capacity(
                byClass: Dictionary(uniqueKeysWithValues: classFigures.map { ($0.key.rawValue, $0.value) }),
                total: total, classBasisTotal: classTotal),
            byHub: hubs.mapValues(\.locationTotals),
            byLocation: Dictionary(uniqueKeysWithValues: places.map { (locations[$0.key].code, $0.value.locationTotals) }),
            coverage: Self.coverage(
                topology: topology, locations: locations, freeByLocationKind: freeByLocationKind, rttMs: coverageRttMs))
    }

    /// Demand cities with at least one free unit on an available resource within `rttMs`, per kind and of any kind.
    static func coverage(topology: Topology, locations: [Location], freeByLocationKind: [Int], rttMs: Double) -> StatsReport.Coverage {
        let kinds = Self.kinds.count
        // Locations with free capacity of each kind.
        let supplied: [[Int]] = (0..<kinds).map { k in locations.indices.filter { freeByLocationKind[$0 * kinds + k] > 0 } }
        var covered = [Int](repeating: 0, count: kinds)
        var coveredAny = 0
        var cities = 0
        for city in topology.locations.indices where topology.locations[city].kind == .city {
            cities += 1
            var any = false
            for k in 0..<kinds where supplied[k].contains(where: { topology.rttMs(city, $0) <= rttMs }) {
                covered[k] += 1
                any = true
            }
            if any { coveredAny += 1 }
        }
        func share(_ n: Int) -> StatsReport.Coverage.Share {
            .init(covered: n, share: cities > 0 ? Double(n) / Double(cities) : 0)
        }
        return StatsReport.Coverage(
            rttMs: rttMs, cities: cities,
            byKind: Dictionary(uniqueKeysWithValues: Self.kinds.enumerated().map { ($1.rawValue, share(covered[$0])) }),
            any: share(coveredAny))
    }
}

extension StatsTally.Cell {
    /// Adds another cell's sums (to total cells over places, kinds or classes).
    public mutating func merge(_ other: Self) {
        resources += other.resources
        available += other.available
        units += other.units
        availableUnits += other.availableUnits
        freeUnits += other.freeUnits
        pflops += other.pflops
        fp32PFLOPS += other.fp32PFLOPS
        unrated += other.unrated
        fp32Unrated += other.fp32Unrated
    }

    /// 1 − free / units over available resources (0 when none is available).
    public var utilization: Double { availableUnits > 0 ? 1 - Double(freeUnits) / Double(availableUnits) : 0 }

    var locationTotals: StatsReport.LocationTotals {
        .init(
            resources: resources, available: available, units: units, freeUnits: freeUnits, utilization: utilization,
            pflops: (pflops * 1000).rounded() / 1000)
    }
}

extension StatsReport.CapacityFigure {
    mutating func add(_ pflops: Double, resources: Int, unrated: Int) {
        self.pflops += pflops
        self.resources += resources
        self.unratedResources += unrated
    }

    mutating func round() { pflops = (pflops * 1000).rounded() / 1000 }
}

extension Registry {
    /// An empty tally over this registry's locations, to fill with ``tally(_:limit:now:)``.
    public func makeStatsTally() -> StatsTally { StatsTally(locations: topology.locations) }

    /// Adds up to `limit` more resource slots to `tally`; returns whether it is complete.
    @discardableResult
    public func tally(_ tally: inout StatsTally, limit: Int = .max, now: Date) -> Bool {
        let t = now.timeIntervalSince1970
        let end = tally.nextSlot + min(limit, entries.count - tally.nextSlot)
        let westFlags = topology.locations.map { $0.region.isCentralOrWestern }
        let kinds = StatsTally.kinds.count
        let classes = StatsTally.classes.count
        var slot = tally.nextSlot
        while slot < end {
            let e = entries[slot]
            slot += 1
            guard e.alive, Int(e.location) < tally.locations.count else { continue }
            let k = StatsTally.kindIndex[e.kind]!
            let c = StatsTally.classIndex[e.computeClass]!
            let index = (Int(e.location) * kinds + k) * classes + c
            var cell = tally.cells[index]
            cell.resources += 1
            cell.units += Int(e.units)
            if isAvailable(e, now: t) {
                cell.available += 1
                cell.availableUnits += Int(e.units)
                cell.freeUnits += Int(e.freeUnits)
            }
            if e.fp32.isNaN { cell.fp32Unrated += 1 } else { cell.fp32PFLOPS += e.fp32 * Double(e.units) / 1000 }
            let perUnit: Double
            switch e.computeClass.statisticalPrecision {
            case .fp64: perUnit = e.fp64
            case .fp32: perUnit = e.fp32
            case .fp16: perUnit = e.fp16
            case .int8: perUnit = e.int8
            }
            if perUnit.isNaN {
                cell.unrated += 1
            } else {
                let peak = perUnit * Double(e.units) / 1000  // TFLOPS → PFLOPS
                cell.pflops += peak
                if westFlags[Int(e.location)] { tally.centralWesternPFLOPS += peak }
                let provider = providers[Int(e.provider)]
                let renewable = e.renewableOverride.isNaN ? provider.renewable : e.renewableOverride
                tally.renewableWeighted += renewable * peak
                tally.pueWeighted += provider.stored.registration.pue * peak
            }
            tally.cells[index] = cell
        }
        tally.nextSlot = end
        tally.providers = providers.count
        tally.resources = resourceCount
        tally.isComplete = end >= entries.count
        return tally.isComplete
    }

    /// National totals: counts, units, peak compute on its stated bases, central/western share,
    /// capacity-weighted renewable share and PUE, utilization, places and 20 ms coverage
    /// (definitions in `docs/statistics.md`), in one pass.
    public func stats(now: Date) -> StatsReport {
        var tally = makeStatsTally()
        self.tally(&tally, now: now)
        return tally.report(topology: topology, now: now)
    }
}
