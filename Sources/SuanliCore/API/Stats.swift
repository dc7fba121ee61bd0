import Foundation

/// `GET /v1/stats`: national totals for operators and analysts.
public struct StatsReport: Sendable, Codable, Hashable {
    /// Totals for one resource kind.
    public struct KindTotals: Sendable, Codable, Hashable {
        public var resources: Int
        /// Resources that are available now.
        public var available: Int
        public var units: Int
        /// Free units on available resources.
        public var freeUnits: Int

        enum CodingKeys: String, CodingKey {
            case resources, available, units
            case freeUnits = "free_units"
        }

        /// Creates totals.
        public init(resources: Int = 0, available: Int = 0, units: Int = 0, freeUnits: Int = 0) {
            self.resources = resources
            self.available = available
            self.units = units
            self.freeUnits = freeUnits
        }
    }

    public var providers: Int
    public var resources: Int
    public var availableResources: Int
    public var units: Int
    public var freeUnits: Int
    public var byKind: [String: KindTotals]
    /// Peak compute by class in PFLOPS, each on its statistical basis (see `basis`).
    public var pflopsByClass: [String: Double]
    /// The precision each class is counted at: general fp32, intelligent fp16, supercomputing fp64, edge fp16.
    public var basis: [String: String]
    /// Share of peak compute located in central and western regions (0…1).
    public var centralWesternShare: Double
    /// Renewable share weighted by each resource's peak compute (0…1).
    public var renewableShare: Double
    /// Busy share of units on available resources: 1 − free / units (0…1).
    public var utilization: Double
    public var generatedAt: Date
    /// PUE weighted by each resource's peak compute at its class's basis (0 when there is no compute).
    public var pue: Double
    /// Peak compute figures, each with the precision it is counted at.
    public var capacity: Capacity
    /// The basis of every other figure: what a share or ratio is weighted by (see `docs/statistics.md`).
    public var figureBasis: [String: String]
    /// Totals for each national hub (a location counts towards the hub it belongs to or is served by).
    public var byHub: [String: LocationTotals]
    /// Totals for each location that has resources.
    public var byLocation: [String: LocationTotals]
    /// The share of demand cities with available capacity within 20 ms, per kind.
    public var coverage: Coverage
    /// Tasks by state, the queue and placements since the platform started.
    public var tasks: TaskTotals
    /// Time series, only when asked for with `?history=`.
    public var history: History?

    enum CodingKeys: String, CodingKey {
        case providers, resources, units, basis, utilization, pue, capacity, coverage, tasks, history
        case availableResources = "available_resources"
        case freeUnits = "free_units"
        case byKind = "by_kind"
        case pflopsByClass = "pflops_by_class"
        case centralWesternShare = "central_western_share"
        case renewableShare = "renewable_share"
        case generatedAt = "generated_at"
        case figureBasis = "figure_basis"
        case byHub = "by_hub"
        case byLocation = "by_location"
    }

    /// Creates a report.
    public init(
        providers: Int, resources: Int, availableResources: Int, units: Int, freeUnits: Int,
        byKind: [String: KindTotals], pflopsByClass: [String: Double], basis: [String: String],
        centralWesternShare: Double, renewableShare: Double, utilization: Double, generatedAt: Date,
        pue: Double = 0, capacity: Capacity = Capacity(), figureBasis: [String: String] = StatsReport.figureBases,
        byHub: [String: LocationTotals] = [:], byLocation: [String: LocationTotals] = [:], coverage: Coverage = Coverage(),
        tasks: TaskTotals = TaskTotals(), history: History? = nil
    ) {
        self.providers = providers
        self.resources = resources
        self.availableResources = availableResources
        self.units = units
        self.freeUnits = freeUnits
        self.byKind = byKind
        self.pflopsByClass = pflopsByClass
        self.basis = basis
        self.centralWesternShare = centralWesternShare
        self.renewableShare = renewableShare
        self.utilization = utilization
        self.generatedAt = generatedAt
        self.pue = pue
        self.capacity = capacity
        self.figureBasis = figureBasis
        self.byHub = byHub
        self.byLocation = byLocation
        self.coverage = coverage
        self.tasks = tasks
        self.history = history
    }
}

extension StatsReport {
    /// The basis of each figure that is not a capacity (capacities carry their own `basis`):
    /// `class_basis_pflops` — weighted by peak compute, each class at its statistical precision;
    /// `available_units` — over the units of available resources; `demand_cities` — over the
    /// topology's cities; `units` and `count` — plain sums.
    public static let figureBases: [String: String] = [
        "pflops_by_class": CapacityFigure.classBasis,
        "central_western_share": "class_basis_pflops",
        "renewable_share": "class_basis_pflops",
        "pue": "class_basis_pflops",
        "utilization": "available_units",
        "free_units": "available_units",
        "units": "units",
        "coverage": "demand_cities",
        "providers": "count",
        "resources": "count",
    ]

    /// Peak compute in PFLOPS at one stated precision.
    public struct CapacityFigure: Sendable, Codable, Hashable {
        /// The `basis` of a sum in which each class is counted at its own statistical precision.
        public static let classBasis = "mixed"

        /// Σ units × TFLOPS-per-unit at `basis` / 1000, rounded to 0.001.
        public var pflops: Double
        /// The precision counted (`fp64`, `fp32`, `fp16`), or `mixed` (each class at its own).
        public var basis: String
        /// Resources in this figure's scope.
        public var resources: Int
        /// Of those, resources that report no figure at this precision (counted as 0).
        public var unratedResources: Int

        enum CodingKeys: String, CodingKey {
            case pflops, basis, resources
            case unratedResources = "unrated_resources"
        }

        /// Creates a figure.
        public init(pflops: Double = 0, basis: String, resources: Int = 0, unratedResources: Int = 0) {
            self.pflops = pflops
            self.basis = basis
            self.resources = resources
            self.unratedResources = unratedResources
        }
    }

    /// Peak compute by class at each class's basis, and national totals on two bases.
    public struct Capacity: Sendable, Codable, Hashable {
        /// Each class at its statistical precision (general fp32, intelligent fp16, supercomputing fp64, edge fp16).
        public var byClass: [String: CapacityFigure]
        /// Every resource at FP32: the single-precision basis of national totals.
        public var total: CapacityFigure
        /// The sum of the class figures, each at its own precision (basis `mixed`).
        public var classBasisTotal: CapacityFigure

        enum CodingKeys: String, CodingKey {
            case total
            case byClass = "by_class"
            case classBasisTotal = "class_basis_total"
        }

        /// Creates capacity figures.
        public init(
            byClass: [String: CapacityFigure] = [:], total: CapacityFigure = CapacityFigure(basis: Precision.fp32.rawValue),
            classBasisTotal: CapacityFigure = CapacityFigure(basis: CapacityFigure.classBasis)
        ) {
            self.byClass = byClass
            self.total = total
            self.classBasisTotal = classBasisTotal
        }
    }

    /// Totals for one place (a hub or a location).
    public struct LocationTotals: Sendable, Codable, Hashable {
        public var resources: Int
        /// Resources that are available now.
        public var available: Int
        public var units: Int
        /// Free units on available resources.
        public var freeUnits: Int
        /// 1 − free / units over available resources (0…1).
        public var utilization: Double
        /// Peak compute in PFLOPS, each class at its own precision.
        public var pflops: Double
        /// The basis of `pflops`: always `mixed` (each class at its statistical precision).
        public var basis: String

        enum CodingKeys: String, CodingKey {
            case resources, available, units, utilization, pflops, basis
            case freeUnits = "free_units"
        }

        /// Creates totals.
        public init(
            resources: Int = 0, available: Int = 0, units: Int = 0, freeUnits: Int = 0, utilization: Double = 0,
            pflops: Double = 0, basis: String = CapacityFigure.classBasis
        ) {
            self.resources = resources
            self.available = available
            self.units = units
            self.freeUnits = freeUnits
            self.utilization = utilization
            self.pflops = pflops
            self.basis = basis
        }
    }

    /// Latency coverage: which demand cities have available capacity within `rtt_ms`.
    public struct Coverage: Sendable, Codable, Hashable {
        /// Covered cities and their share of all demand cities.
        public struct Share: Sendable, Codable, Hashable {
            /// Cities with at least one free unit on an available resource within the RTT.
            public var covered: Int
            /// `covered / cities` (0…1; 0 when there are no cities).
            public var share: Double

            /// Creates a share.
            public init(covered: Int = 0, share: Double = 0) {
                self.covered = covered
                self.share = share
            }
        }

        /// The RTT bound in ms (20: the national hub-to-hub latency target).
        public var rttMs: Double
        /// Demand cities in the topology (locations of kind `city`).
        public var cities: Int
        /// Coverage per resource kind.
        public var byKind: [String: Share]
        /// Coverage by capacity of any kind.
        public var any: Share

        enum CodingKeys: String, CodingKey {
            case cities, any
            case rttMs = "rtt_ms"
            case byKind = "by_kind"
        }

        /// Creates coverage figures.
        public init(rttMs: Double = 20, cities: Int = 0, byKind: [String: Share] = [:], any: Share = Share()) {
            self.rttMs = rttMs
            self.cities = cities
            self.byKind = byKind
            self.any = any
        }
    }

    /// Tasks by state, the queue and placements.
    public struct TaskTotals: Sendable, Codable, Hashable {
        /// Every task state with its count (0 included).
        public var byState: [String: Int]
        /// Tasks waiting in the scheduler's queue.
        public var queueLength: Int
        /// Placements (a task or a later attempt of it scheduled) since this platform process started.
        public var placementsTotal: Int
        /// Quotes whose offers are held now.
        public var openQuotes: Int
        /// Units held for those offers (taken for every placement until the quotes end).
        public var heldUnits: Int

        enum CodingKeys: String, CodingKey {
            case byState = "by_state"
            case queueLength = "queue_length"
            case placementsTotal = "placements_total"
            case openQuotes = "open_quotes"
            case heldUnits = "held_units"
        }

        /// Creates task totals.
        public init(byState: [String: Int] = [:], queueLength: Int = 0, placementsTotal: Int = 0, openQuotes: Int = 0, heldUnits: Int = 0) {
            self.byState = byState
            self.queueLength = queueLength
            self.placementsTotal = placementsTotal
            self.openQuotes = openQuotes
            self.heldUnits = heldUnits
        }
    }

    /// Sampled time series (`?history=5m`, at most `kept_s`).
    public struct History: Sendable, Codable, Hashable {
        /// One sample.
        public struct Point: Sendable, Codable, Hashable {
            /// The sample's time (the start of its interval on the platform's clock).
            public var at: Date
            /// Resources available at `at`.
            public var availableResources: Int
            /// Units on available resources.
            public var units: Int
            /// Free units on available resources.
            public var freeUnits: Int
            /// Free units on available resources, per kind.
            public var freeUnitsByKind: [String: Int]
            /// 1 − free / units over available resources (0…1).
            public var utilization: Double
            /// Every task state with its count.
            public var tasksByState: [String: Int]
            /// Tasks waiting in the queue.
            public var queueLength: Int
            /// Placements since the previous point (0 for the first point kept).
            public var placements: Int
            /// Placements since the platform process started.
            public var placementsTotal: Int

            enum CodingKeys: String, CodingKey {
                case at, units, utilization, placements
                case availableResources = "available_resources"
                case freeUnits = "free_units"
                case freeUnitsByKind = "free_units_by_kind"
                case tasksByState = "tasks_by_state"
                case queueLength = "queue_length"
                case placementsTotal = "placements_total"
            }

            /// Creates a point.
            public init(
                at: Date, availableResources: Int, units: Int, freeUnits: Int, freeUnitsByKind: [String: Int],
                utilization: Double, tasksByState: [String: Int], queueLength: Int, placements: Int, placementsTotal: Int
            ) {
                self.at = at
                self.availableResources = availableResources
                self.units = units
                self.freeUnits = freeUnits
                self.freeUnitsByKind = freeUnitsByKind
                self.utilization = utilization
                self.tasksByState = tasksByState
                self.queueLength = queueLength
                self.placements = placements
                self.placementsTotal = placementsTotal
            }
        }

        /// Seconds between samples.
        public var intervalS: Double
        /// The span asked for, in seconds.
        public var windowS: Double
        /// The longest span the platform keeps, in seconds.
        public var keptS: Double
        /// Samples within the window, oldest first.
        public var points: [Point]

        enum CodingKeys: String, CodingKey {
            case points
            case intervalS = "interval_s"
            case windowS = "window_s"
            case keptS = "kept_s"
        }

        /// Creates a series.
        public init(intervalS: Double, windowS: Double, keptS: Double, points: [Point]) {
            self.intervalS = intervalS
            self.windowS = windowS
            self.keptS = keptS
            self.points = points
        }
    }
}
