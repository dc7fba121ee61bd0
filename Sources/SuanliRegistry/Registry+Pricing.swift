import SuanliCore

extension Registry {
    /// The price in force of a resource with a pricing rule (``ResourcePricing``), from its
    /// list price and the free units in its latest report; nil for a fixed price or an unknown id.
    public func priceInForce(of id: String) -> Int64? {
        guard let slot = slot(of: id) else { return nil }
        let e = entries[Int(slot)]
        guard let pricing = e.pricing, pricing.model != .fixed else { return nil }
        return pricing.price(list: e.price, units: Int(e.units), free: Int(e.freeUnits))
    }
}
