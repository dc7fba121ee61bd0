import Foundation
import SuanliClient
import SuanliCore
@testable import SuanliServer
import Testing

/// Dynamic pricing on a real platform: the price in force follows the reported utilisation,
/// a task is placed (and metered) at the price in force then, quotes offer it, and the rule survives a restart.
@Suite("Pricing models over HTTP")
struct PricingTests {
    @Test func aDynamicPriceFollowsUtilisationAndThePriceInForceIsThePlacementsPrice() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let clock = ManualClock()
        let id = try await TestPlatform.with(directory: directory, heartbeatInterval: 1000, clock: clock) { t in
            let (prefix, provider) = try await t.provider()
            let id = "\(prefix)/a/dyn"
            var spec = gpuSpec(units: 8, price: 100)
            spec.pricing = .dynamic(cap: 500)
            let (record, _) = try await provider.putResource(id, spec)
            #expect(record.pricing == .dynamic(cap: 500))
            #expect(record.priceFenPerUnitHour == 100)
            let (_, a) = try await t.consumer("alice")
            // Idle: the floor.
            let first = try await a.submit(taskSpec("idle"))
            #expect(first.placement?.parts.map(\.priceFenPerUnitHour) == [100])
            // Half the units in use by the provider's report: 100 + ⌈400 × 0.5²⌉ = 200, for tasks and quotes.
            _ = try await provider.report([TelemetryReport(id: id, freeUnits: 4, healthy: true)])
            let second = try await a.submit(taskSpec("busy"))
            #expect(second.placement?.parts.map(\.priceFenPerUnitHour) == [200])
            let quote = try await a.quote(QuoteRequest(spec: taskSpec("quoted"), maxOffers: 1))
            #expect(quote.offers.map(\.priceFenPerUnitHour) == [200])
            _ = try await a.releaseQuote(quote.id)
            // The placed task keeps the price in force when it was placed.
            _ = try await provider.report([TelemetryReport(id: id, freeUnits: 1, healthy: true)])
            #expect(try await a.task(second.id).placement?.parts.map(\.priceFenPerUnitHour) == [200])
            return id
        }
        try await TestPlatform.with(directory: directory, heartbeatInterval: 1000, clock: clock) { t in
            let record = try await t.anonymous.resolve(id)
            #expect(record.pricing == .dynamic(cap: 500))
            let (status, body) = try await rawRequest(t.url + "/v1/resolve/" + id)
            #expect(status == 200)
            #expect(body.contains(#""pricing":{"#))
        }
    }

    @Test func aBadRuleIsRefusedNamingTheField() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            var spec = gpuSpec(units: 8, price: 100)
            spec.pricing = .dynamic(cap: 50)
            let message = await expectAPIError(422, "validation_failed") { _ = try await provider.putResource("\(prefix)/a/x", spec) }
            #expect(message.contains("pricing.cap_fen_per_unit_hour"))
            spec.pricing = ResourcePricing(model: .dynamic)
            await expectAPIError(422, "validation_failed") { _ = try await provider.putResource("\(prefix)/a/x", spec) }
        }
    }
}
