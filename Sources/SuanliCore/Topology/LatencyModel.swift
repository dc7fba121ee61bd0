import Foundation

/// Estimates round-trip time between two places from their great-circle distance.
///
/// `rtt_ms = overhead_ms + 2 × distance_km × route_factor / fibre_km_per_ms` for two distinct
/// places, and `same_site_ms` within one place. Defaults: route factor 1.5 (fibre follows roads
/// and rings, not great circles), 200 km per ms (light in fibre, ≈ c / 1.47), 2 ms of fixed
/// overhead (switching, last-mile, queueing), 0.5 ms within a site. See `docs/topology.md`.
public struct LatencyModel: Sendable, Hashable, Codable {
    public var routeFactor: Double
    public var fibreKmPerMs: Double
    public var overheadMs: Double
    public var sameSiteMs: Double

    /// Mean Earth radius in km.
    public static let earthRadiusKm = 6371.0

    /// Creates a latency model; the defaults are the documented ones.
    public init(routeFactor: Double = 1.5, fibreKmPerMs: Double = 200, overheadMs: Double = 2, sameSiteMs: Double = 0.5) {
        self.routeFactor = routeFactor
        self.fibreKmPerMs = fibreKmPerMs
        self.overheadMs = overheadMs
        self.sameSiteMs = sameSiteMs
    }

    /// Great-circle distance in km (haversine).
    public static func distanceKm(_ a: Location, _ b: Location) -> Double {
        let rad = Double.pi / 180
        let dLat = (b.lat - a.lat) * rad
        let dLon = (b.lon - a.lon) * rad
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.lat * rad) * cos(b.lat * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadiusKm * asin(min(1, sqrt(h)))
    }

    /// Estimated round-trip time in ms.
    public func rttMs(_ a: Location, _ b: Location) -> Double {
        if a.code == b.code { return sameSiteMs }
        return overheadMs + 2 * Self.distanceKm(a, b) * routeFactor / fibreKmPerMs
    }
}
