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

    enum CodingKeys: String, CodingKey {
        case providers, resources, units, basis, utilization
        case availableResources = "available_resources"
        case freeUnits = "free_units"
        case byKind = "by_kind"
        case pflopsByClass = "pflops_by_class"
        case centralWesternShare = "central_western_share"
        case renewableShare = "renewable_share"
        case generatedAt = "generated_at"
    }

    /// Creates a report.
    public init(
        providers: Int, resources: Int, availableResources: Int, units: Int, freeUnits: Int,
        byKind: [String: KindTotals], pflopsByClass: [String: Double], basis: [String: String],
        centralWesternShare: Double, renewableShare: Double, utilization: Double, generatedAt: Date
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
    }
}
