import SuanliCore

/// What the engine needs to know about one resource: its static description, price,
/// renewable share in force and the provider's latest report.
///
/// The server builds one from each registry record (``init(record:)``) and passes it to
/// ``SchedulerEngine/upsertResource(_:now:)`` whenever the record changes.
public struct SchedulerResource: Sendable, Hashable {
    /// The resource identifier.
    public var id: String
    /// The owning provider (its prefix as text); resources of one provider share a tie-break salt, nothing else.
    public var provider: String
    public var kind: ResourceKind
    public var arch: String
    public var model: String
    /// Memory per unit in GiB.
    public var memoryGiB: Double
    /// Schedulable units.
    public var units: Int
    /// A location code of the engine's topology.
    public var location: String
    /// Price per unit-hour in fen.
    public var priceFenPerUnitHour: Int64
    /// Renewable share in force (the resource's override, else its provider's), 0…1.
    public var renewable: Double
    /// Free units in the provider's latest report.
    public var freeUnits: Int
    /// Healthy and reporting; an unavailable resource has no effective free units.
    public var available: Bool
    /// The price for preemptible tasks (a `spot` pricing rule); nil: they pay the price too.
    public var spotPriceFenPerUnitHour: Int64? = nil

    /// Creates a resource description.
    public init(
        id: String, provider: String, kind: ResourceKind, arch: String, model: String, memoryGiB: Double, units: Int,
        location: String, priceFenPerUnitHour: Int64, renewable: Double, freeUnits: Int, available: Bool = true
    ) {
        self.id = id
        self.provider = provider
        self.kind = kind
        self.arch = arch
        self.model = model
        self.memoryGiB = memoryGiB
        self.units = units
        self.location = location
        self.priceFenPerUnitHour = priceFenPerUnitHour
        self.renewable = renewable
        self.freeUnits = freeUnits
        self.available = available
    }

    /// The engine's view of a registry record (live state included); a dynamic price is the
    /// price in force for the record's reported free units (``ResourcePricing``).
    public init(record: ResourceRecord) {
        self.init(
            id: record.id.string, provider: record.provider.description, kind: record.kind, arch: record.arch,
            model: record.model, memoryGiB: record.memoryGiB, units: record.units, location: record.location,
            priceFenPerUnitHour: record.pricing?.price(
                list: record.priceFenPerUnitHour, units: record.units, free: record.state.freeUnits) ?? record.priceFenPerUnitHour,
            renewable: record.renewable,
            freeUnits: record.state.freeUnits, available: record.available)
        self.spotPriceFenPerUnitHour = record.pricing?.preemptiblePrice
    }
}

/// One live-state report for ``SchedulerEngine/report(_:now:)``.
public struct ResourceReport: Sendable, Hashable {
    /// The resource identifier.
    public var id: String
    /// Free units the provider reports (they include the units of Suanli tasks it is already running).
    public var freeUnits: Int
    /// Healthy and reporting.
    public var available: Bool
    /// A new price per unit-hour, if it changed.
    public var priceFenPerUnitHour: Int64?

    /// Creates a report.
    public init(id: String, freeUnits: Int, available: Bool = true, priceFenPerUnitHour: Int64? = nil) {
        self.id = id
        self.freeUnits = freeUnits
        self.available = available
        self.priceFenPerUnitHour = priceFenPerUnitHour
    }
}
