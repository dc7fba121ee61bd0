/// How a resource's price follows its load (`"pricing"` in the resource spec; absent: fixed).
///
/// - `fixed`: `price_fen_per_unit_hour`, whatever the load.
/// - `dynamic`: `price_fen_per_unit_hour` is the floor (the price when idle) and
///   `cap_fen_per_unit_hour` the cap (the price when every unit is in use); in between the price
///   rises with the square of the utilisation `u` (0…1) in the provider's latest report,
///   `u = 1 − free_units ÷ units`:
///
///       price(u) = floor + ⌈(cap − floor) × u²⌉
///
///   so it stays near the floor while the resource is lightly used and climbs steeply as it
///   fills (u = 0.5 → a quarter of the way to the cap; u = 0.9 → 81 %).
/// - `spot`: `price_fen_per_unit_hour` for every task, and the lower `spot_fen_per_unit_hour`
///   for tasks that set `"preemptible": true`; a non-preemptible task that needs the units of
///   a running preemptible task (and fits nowhere else) preempts it (`docs/market.md`, "Spot").
///
/// The price in force when a task's part is placed is the price metered for it (it is in the
/// placement); later changes apply to later placements only.
public struct ResourcePricing: Sendable, Codable, Hashable {
    /// The pricing models.
    public enum Model: String, Sendable, Codable, Hashable, CaseIterable {
        /// One price.
        case fixed
        /// The price rises with utilisation from the list price (floor) to a cap.
        case dynamic
        /// The list price, and a lower spot price for preemptible tasks.
        case spot
    }

    public var model: Model
    /// The price at full utilisation (`dynamic` only).
    public var capFenPerUnitHour: Int64?
    /// The price for preemptible tasks (`spot` only).
    public var spotFenPerUnitHour: Int64? = nil

    enum CodingKeys: String, CodingKey {
        case model
        case capFenPerUnitHour = "cap_fen_per_unit_hour"
        case spotFenPerUnitHour = "spot_fen_per_unit_hour"
    }

    /// Creates a pricing rule.
    public init(model: Model, capFenPerUnitHour: Int64? = nil, spotFenPerUnitHour: Int64? = nil) {
        self.model = model
        self.capFenPerUnitHour = capFenPerUnitHour
        self.spotFenPerUnitHour = spotFenPerUnitHour
    }

    /// Spot pricing: `spot` fen per unit-hour for preemptible tasks, the list price for others.
    public static func spot(_ spot: Int64) -> ResourcePricing { ResourcePricing(model: .spot, spotFenPerUnitHour: spot) }

    /// The price a preemptible task pays (`spot` only; nil otherwise).
    public var preemptiblePrice: Int64? { model == .spot ? spotFenPerUnitHour : nil }

    /// Fixed pricing (the default).
    public static let fixed = ResourcePricing(model: .fixed)

    /// A dynamic price rising to `cap` fen per unit-hour.
    public static func dynamic(cap: Int64) -> ResourcePricing { ResourcePricing(model: .dynamic, capFenPerUnitHour: cap) }

    /// The price in force for list price `list` at `utilisation` (clamped to 0…1; NaN counts as 0).
    public func price(list: Int64, utilisation: Double) -> Int64 {
        guard model == .dynamic, let cap = capFenPerUnitHour, cap > list else { return list }
        let u = utilisation.isNaN ? 0 : min(1, max(0, utilisation))
        let rise = (Double(cap - list) * u * u).rounded(.up)
        return min(cap, list + Int64(rise))
    }

    /// The price in force for a resource of `units` units with `free` of them free.
    public func price(list: Int64, units: Int, free: Int) -> Int64 {
        guard units > 0 else { return list }
        return price(list: list, utilisation: 1 - Double(min(max(free, 0), units)) / Double(units))
    }

    /// Checks the rule against the list price: `dynamic` needs a cap at least the list price (and at most 100,000,000,000).
    public func validate(list: Int64) throws(ValidationError) {
        switch model {
        case .fixed, .spot:
            if model == .spot {
                guard let spot = spotFenPerUnitHour else {
                    throw ValidationError(
                        field: "pricing.spot_fen_per_unit_hour",
                        "spot pricing needs pricing.spot_fen_per_unit_hour (the price for preemptible tasks)")
                }
                guard spot >= 0, spot <= list else {
                    throw ValidationError(
                        field: "pricing.spot_fen_per_unit_hour",
                        "pricing.spot_fen_per_unit_hour must be between 0 and price_fen_per_unit_hour (\(list)), got \(spot)")
                }
            } else if spotFenPerUnitHour != nil {
                throw ValidationError(field: "pricing.spot_fen_per_unit_hour", "pricing.spot_fen_per_unit_hour applies to spot pricing only")
            }
            guard capFenPerUnitHour == nil else {
                throw ValidationError(field: "pricing.cap_fen_per_unit_hour", "pricing.cap_fen_per_unit_hour applies to dynamic pricing only")
            }
        case .dynamic:
            guard spotFenPerUnitHour == nil else {
                throw ValidationError(field: "pricing.spot_fen_per_unit_hour", "pricing.spot_fen_per_unit_hour applies to spot pricing only")
            }
            guard let cap = capFenPerUnitHour else {
                throw ValidationError(
                    field: "pricing.cap_fen_per_unit_hour",
                    "dynamic pricing needs pricing.cap_fen_per_unit_hour (the price at full utilisation; price_fen_per_unit_hour is the floor)")
            }
            guard cap >= list, cap <= 100_000_000_000 else {
                throw ValidationError(
                    field: "pricing.cap_fen_per_unit_hour",
                    "pricing.cap_fen_per_unit_hour must be between price_fen_per_unit_hour (\(list), the floor) and 100000000000, got \(cap)")
            }
        }
    }
}
