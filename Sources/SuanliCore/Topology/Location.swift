/// A place compute can be: a national hub, a data-centre cluster or a demand city.
public struct Location: Sendable, Codable, Hashable {
    /// What kind of place this is.
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        case hub, cluster, city
    }

    /// Official macro-region of the province (东部/中部/西部/东北), used for the
    /// central/western share in statistics.
    public enum Region: String, Sendable, Codable, Hashable, CaseIterable {
        case east, central, west, northeast

        /// Whether the region counts as central or western in national statistics.
        public var isCentralOrWestern: Bool { self == .central || self == .west }
    }

    /// Stable code, e.g. `cluster.zhangjiakou`.
    public var code: String
    /// Display name, e.g. `Zhangjiakou 张家口`.
    public var name: String
    public var kind: Kind
    /// The national hub this place belongs to or is served by (itself for a hub).
    public var hub: String
    public var region: Region
    /// Latitude in degrees.
    public var lat: Double
    /// Longitude in degrees.
    public var lon: Double

    /// Creates a location.
    public init(code: String, name: String, kind: Kind, hub: String, region: Region, lat: Double, lon: Double) {
        self.code = code
        self.name = name
        self.kind = kind
        self.hub = hub
        self.region = region
        self.lat = lat
        self.lon = lon
    }
}
