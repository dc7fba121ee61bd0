import SuanliCore

/// Prices the agent registers, in fen per unit-hour.
///
/// ``price(kind:model:)`` looks up, in order: the model's price, the kind's price, the
/// built-in catalogue's base price for a matching model, and finally ``fallback``.
public struct Pricing: Sendable, Codable, Hashable {
    /// Prices for exact model names (as registered).
    public var byModel: [String: Int64]
    /// Prices by resource kind.
    public var byKind: [ResourceKind: Int64]
    /// The price when nothing else matches.
    public var fallback: Int64

    /// Creates a price list.
    public init(byModel: [String: Int64] = [:], byKind: [ResourceKind: Int64] = [:], fallback: Int64 = 0) {
        self.byModel = byModel
        self.byKind = byKind
        self.fallback = fallback
    }

    /// One price for everything.
    public static func flat(_ fenPerUnitHour: Int64) -> Pricing {
        Pricing(fallback: fenPerUnitHour).withKinds(fenPerUnitHour)
    }

    private func withKinds(_ price: Int64) -> Pricing {
        var copy = self
        for kind in ResourceKind.allCases { copy.byKind[kind] = price }
        return copy
    }

    /// The price of one unit-hour of `model` (of `kind`).
    public func price(kind: ResourceKind, model: String) -> Int64 {
        if let price = byModel[model] { return price }
        if let price = byKind[kind] { return price }
        if let known = HardwareMatch.catalogModel(kind: kind, name: model) { return known.basePriceFen }
        return fallback
    }
}
