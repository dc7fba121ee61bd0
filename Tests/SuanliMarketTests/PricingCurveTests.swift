import SuanliCore
import Testing

/// The dynamic pricing curve: floor when idle, cap when full, floor + ⌈(cap − floor) × u²⌉ between.
@Suite("Pricing curve")
struct PricingCurveTests {
    let dynamic = ResourcePricing.dynamic(cap: 500)

    @Test func theCurveRunsFromTheFloorToTheCapWithTheSquareOfUtilisation() {
        #expect(dynamic.price(list: 100, utilisation: 0) == 100)
        #expect(dynamic.price(list: 100, utilisation: 0.5) == 200)
        #expect(dynamic.price(list: 100, utilisation: 0.9) == 424)  // 100 + ⌈400 × 0.81⌉
        #expect(dynamic.price(list: 100, utilisation: 1) == 500)
        // A started fen is charged: 100 + ⌈400 × 0.01⌉ = 104; 100 + ⌈400 × 0.0001⌉ = 101.
        #expect(dynamic.price(list: 100, utilisation: 0.1) == 104)
        #expect(dynamic.price(list: 100, utilisation: 0.01) == 101)
        var last: Int64 = 0
        for step in 0...100 {
            let price = dynamic.price(list: 100, utilisation: Double(step) / 100)
            #expect(price >= last && (100...500).contains(price))
            last = price
        }
    }

    @Test func utilisationComesFromFreeUnitsAndIsClamped() {
        #expect(dynamic.price(list: 100, units: 8, free: 4) == 200)
        #expect(dynamic.price(list: 100, units: 8, free: 8) == 100)
        #expect(dynamic.price(list: 100, units: 8, free: 0) == 500)
        #expect(dynamic.price(list: 100, units: 8, free: -3) == 500)
        #expect(dynamic.price(list: 100, units: 8, free: 12) == 100)
        #expect(dynamic.price(list: 100, utilisation: .nan) == 100)
        #expect(dynamic.price(list: 100, utilisation: 7) == 500)
        #expect(ResourcePricing.fixed.price(list: 100, units: 8, free: 0) == 100)
    }

    @Test func rulesAreCheckedAgainstTheListPrice() throws {
        try dynamic.validate(list: 100)
        try dynamic.validate(list: 500)
        try ResourcePricing.fixed.validate(list: 100)
        #expect(throws: ValidationError.self) { try dynamic.validate(list: 501) }
        #expect(throws: ValidationError.self) { try ResourcePricing(model: .dynamic).validate(list: 100) }
        #expect(throws: ValidationError.self) { try ResourcePricing(model: .fixed, capFenPerUnitHour: 5).validate(list: 1) }
        #expect(throws: ValidationError.self) { try ResourcePricing.dynamic(cap: 100_000_000_001).validate(list: 1) }
    }
}
