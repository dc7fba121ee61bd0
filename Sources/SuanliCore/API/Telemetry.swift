/// One live-state report for one resource (`POST /v1/telemetry`).
public struct TelemetryReport: Sendable, Codable, Hashable {
    public var id: String
    public var freeUnits: Int
    public var healthy: Bool
    public var utilization: Double?
    /// A new price, if the provider changes it with this report.
    public var priceFenPerUnitHour: Int64?

    enum CodingKeys: String, CodingKey {
        case id, healthy, utilization
        case freeUnits = "free_units"
        case priceFenPerUnitHour = "price_fen_per_unit_hour"
    }

    /// Creates a report.
    public init(id: String, freeUnits: Int, healthy: Bool, utilization: Double? = nil, priceFenPerUnitHour: Int64? = nil) {
        self.id = id
        self.freeUnits = freeUnits
        self.healthy = healthy
        self.utilization = utilization
        self.priceFenPerUnitHour = priceFenPerUnitHour
    }
}

/// The body of `POST /v1/telemetry`.
public struct TelemetryBatch: Sendable, Codable, Hashable {
    /// Maximum reports per call.
    public static let maxReports = 10_000
    public var reports: [TelemetryReport]

    /// Creates a batch.
    public init(reports: [TelemetryReport]) { self.reports = reports }
}

/// The answer to `POST /v1/telemetry`.
public struct TelemetryAck: Sendable, Codable, Hashable {
    /// How many reports were applied.
    public var accepted: Int

    /// Creates an acknowledgement.
    public init(accepted: Int) { self.accepted = accepted }
}

/// The body of `POST /v1/resolve`.
public struct ResolveBatch: Sendable, Codable, Hashable {
    /// Maximum identifiers per call.
    public static let maxIDs = 10_000
    public var ids: [String]

    /// Creates a batch.
    public init(ids: [String]) { self.ids = ids }
}

/// The answer to `POST /v1/resolve`: records in request order, `null` for unknown identifiers.
public struct ResolveBatchResult: Sendable, Codable, Hashable {
    public var items: [ResourceRecord?]

    /// Creates a result.
    public init(items: [ResourceRecord?]) { self.items = items }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var list = c.nestedUnkeyedContainer(forKey: .items)
        for item in items {
            if let item { try list.encode(item) } else { try list.encodeNil() }
        }
    }
}
