import Foundation
import SuanliClient
import SuanliCore
@testable import SuanliServer
import Testing

/// Quotes over HTTP on a real platform: offers hold capacity, holds block others and expire by
/// themselves (manual clock + the expiry service), accept places exactly, 410 after expiry,
/// DELETE releases, holds survive a restart.
@Suite("Quotes over HTTP")
struct QuoteTests {
    /// A provider with a cheap and a dear 4-GPU node (heartbeats never go stale in these tests).
    static func twoNodes(_ t: TestPlatform) async throws -> (cheap: String, dear: String, provider: SuanliClient) {
        let (prefix, provider) = try await t.provider()
        let cheap = "\(prefix)/a/cheap"
        let dear = "\(prefix)/a/dear"
        _ = try await provider.putResource(cheap, gpuSpec(units: 4, price: 100))
        _ = try await provider.putResource(dear, gpuSpec(units: 4, price: 300))
        return (cheap, dear, provider)
    }

    static func request(units: Int = 4, holdS: Int = 30, maxOffers: Int = 5) -> QuoteRequest {
        QuoteRequest(spec: taskSpec("quoted", units: units), holdS: holdS, maxOffers: maxOffers)
    }

    /// Waits (real time, at most `seconds`) until `condition` holds; returns whether it did.
    static func eventually(_ seconds: Double = 5, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    @Test func offersAreRankedHeldAndBlockOthersUntilTheyExpireByThemselves() async throws {
        try await TestPlatform.with(heartbeatInterval: 1000) { t in
            let (cheap, dear, _) = try await Self.twoNodes(t)
            let (alice, a) = try await t.consumer("alice")
            let (_, b) = try await t.consumer("bob")
            let quote = try await a.quote(Self.request())
            #expect(quote.id == "q1")
            #expect(quote.consumer == alice)
            #expect(quote.state == .open)
            #expect(quote.expiresAt == t.clock.now.addingTimeInterval(30))
            #expect(quote.offers.map(\.id) == ["o1", "o2"])
            #expect(quote.offers.map { $0.placement.parts.map(\.resource) } == [[cheap], [dear]])
            #expect(quote.offers.map(\.priceFenPerUnitHour) == [100, 300])
            // 4 units × 60 s × 100 fen/h = 6.67 fen, a started fen charged.
            #expect(quote.offers.map(\.estimatedCostFen) == [7, 20])
            #expect(quote.offers[0].estimatedStart == t.clock.now)
            #expect(quote.offers[0].renewable == 0.5)
            #expect(quote.offers.map(\.reliability) == [1, 1])  // providers without history score 1
            #expect(t.platform.heldUnits(on: cheap) == 4)
            #expect(t.platform.heldUnits(on: dear) == 4)
            let stats = try await t.anonymous.stats().tasks
            #expect(stats.openQuotes == 1 && stats.heldUnits == 8)

            // Nobody else can take held units: another consumer's task and quote find nothing.
            let waiting = try await b.submit(taskSpec("bob", units: 4))
            #expect(waiting.state == .queued)
            #expect(try await b.quote(Self.request()).offers.isEmpty)
            let explanation = try await b.explain(waiting.id)
            #expect(explanation.verdict == .queued)

            // After expires_at the expiry service frees the units without anyone asking; the queue takes them.
            t.clock.advance(30)
            #expect(try await Self.eventually { t.platform.heldUnits(on: cheap) == 0 && t.platform.heldUnits(on: dear) == 0 })
            #expect(try await t.anonymous.stats().tasks.heldUnits == 0)
            #expect(try await Self.eventually { try await b.task(waiting.id).state == .scheduled })
            #expect(try await b.task(waiting.id).placement?.parts.first?.resource == cheap)
            let gone = await expectAPIError(410, "gone") { _ = try await a.accept(quote: quote.id, offer: "o2") }
            #expect(gone.contains("expired"))
        }
    }

    @Test func acceptPlacesExactlyAsOfferedAtTheQuotedPriceAndReleasesTheOtherOffers() async throws {
        try await TestPlatform.with(heartbeatInterval: 1000) { t in
            let (cheap, dear, provider) = try await Self.twoNodes(t)
            let (_, a) = try await t.consumer("alice")
            let (_, b) = try await t.consumer("bob")
            let quote = try await a.quote(Self.request())
            // The provider raises the dear node's price while the quote is held: the offer's price stands.
            _ = try await provider.report([TelemetryReport(id: dear, freeUnits: 4, healthy: true, priceFenPerUnitHour: 500)])
            let task = try await a.accept(quote: quote.id, offer: "o2")
            #expect(task.state == .scheduled)
            #expect(task.placement == quote.offers[1].placement)
            #expect(task.placement?.parts.map(\.priceFenPerUnitHour) == [300])
            #expect(try await a.task(task.id).placement == quote.offers[1].placement)
            // The other offer's hold was released at once: bob's task takes the cheap node now.
            #expect(t.platform.heldUnits(on: cheap) == 0)
            #expect(t.platform.heldUnits(on: dear) == 0)
            let bobs = try await b.submit(taskSpec("bob", units: 4))
            #expect(bobs.state == .scheduled)
            #expect(bobs.placement?.parts.map(\.resource) == [cheap])
            // A quote is accepted once.
            await expectAPIError(409, "conflict") { _ = try await a.accept(quote: quote.id, offer: "o1") }
        }
    }

    @Test func acceptChecksTheBudgetAtTheOffersOwnPrice() async throws {
        try await TestPlatform.with(heartbeatInterval: 1000) { t in
            _ = try await Self.twoNodes(t)
            let (id, a) = try await t.consumer("alice")
            var request = Self.request()
            request.spec.durationS = 600
            let quote = try await a.quote(request)
            // 4 units × 300 fen/h × 600 s = 200 fen on the dear node, 67 on the cheap one.
            _ = try await t.operatorClient.setBudget(consumer: id, fen: 100)
            let message = await expectAPIError(402, "budget_exceeded") { _ = try await a.accept(quote: quote.id, offer: "o2") }
            #expect(message.contains("budget of 100"))
            // Refused without a change: the quote is still open and the cheaper offer fits.
            let task = try await a.accept(quote: quote.id, offer: "o1")
            #expect(task.state == .scheduled && task.placement == quote.offers[0].placement)
        }
    }

    @Test func deleteReleasesEarlyAndOnlyTheOwnerOrOperatorMayActOnAQuote() async throws {
        try await TestPlatform.with(heartbeatInterval: 1000) { t in
            let (cheap, _, provider) = try await Self.twoNodes(t)
            let (_, a) = try await t.consumer("alice")
            let (_, b) = try await t.consumer("bob")
            let quote = try await a.quote(Self.request(maxOffers: 1))
            #expect(quote.offers.count == 1)
            await expectAPIError(404, "not_found") { _ = try await b.accept(quote: quote.id, offer: "o1") }
            await expectAPIError(404, "not_found") { _ = try await b.releaseQuote(quote.id) }
            await expectAPIError(403, "forbidden") { _ = try await t.operatorClient.accept(quote: quote.id, offer: "o1") }
            await expectAPIError(403, "forbidden") { _ = try await provider.quote(Self.request()) }
            await expectAPIError(401, "unauthorized") { _ = try await t.anonymous.quote(Self.request()) }
            await expectAPIError(422, "validation_failed") { _ = try await a.accept(quote: quote.id, offer: "o7") }
            await expectAPIError(404, "not_found") { _ = try await a.accept(quote: "q99", offer: "o1") }
            #expect(t.platform.heldUnits(on: cheap) == 4)
            let released = try await a.releaseQuote(quote.id)
            #expect(released.state == .released)
            #expect(t.platform.heldUnits(on: cheap) == 0)
            await expectAPIError(410, "gone") { _ = try await a.accept(quote: quote.id, offer: "o1") }
            await expectAPIError(410, "gone") { _ = try await a.releaseQuote(quote.id) }
            // The operator may release any consumer's quote.
            let second = try await a.quote(Self.request(maxOffers: 1))
            #expect(try await t.operatorClient.releaseQuote(second.id).state == .released)
        }
    }

    @Test func badQuoteRequestsAreRefusedNamingTheField() async throws {
        try await TestPlatform.with(heartbeatInterval: 1000) { t in
            _ = try await Self.twoNodes(t)
            let (_, a) = try await t.consumer("alice")
            for (request, field) in [
                (Self.request(holdS: 0), "hold_s"), (Self.request(holdS: 301), "hold_s"), (Self.request(maxOffers: 0), "max_offers"),
                (Self.request(maxOffers: 21), "max_offers"),
            ] {
                let message = await expectAPIError(422, "validation_failed") { _ = try await a.quote(request) }
                #expect(message.contains(field))
            }
            // No registered resource could ever take 64 units on one node: 422, as for POST /v1/tasks.
            await expectAPIError(422, "validation_failed") { _ = try await a.quote(Self.request(units: 64)) }
            let token = try await t.operatorClient.registerConsumer(ConsumerRegistration(name: "raw")).token
            let (status, body) = try await rawRequest(
                t.url + "/v1/quotes", method: .POST, token: token, body: Data(#"{"name":"n","units":1,"accept":[{"kind":"gpu","run":{"command":["true"]}}],"hold_s":"x"}"#.utf8))
            #expect(status == 400)
            #expect(body.contains("hold_s"))
            let (missing, _) = try await rawRequest(
                t.url + "/v1/quotes/q1/accept", method: .POST, token: token, body: Data("{}".utf8))
            #expect(missing == 400)
        }
    }

    @Test func anOfferOnAResourceThatStoppedReportingIsRefusedAndOneOnARemovedResourceToo() async throws {
        try await TestPlatform.with(heartbeatInterval: 10) { t in
            let (cheap, dear, provider) = try await Self.twoNodes(t)
            let (_, a) = try await t.consumer("alice")
            let quote = try await a.quote(Self.request(holdS: 300))
            #expect(quote.offers.count == 2)
            // The dear node goes away: its offer cannot be accepted as offered.
            try await provider.deleteResource(dear)
            let removed = await expectAPIError(409, "conflict") { _ = try await a.accept(quote: quote.id, offer: "o2") }
            #expect(removed.contains("removed"))
            // The cheap node's provider stops reporting (3 heartbeat intervals): accepting would place on a dead node.
            t.clock.advance(31)
            try await t.platform.sweep()  // the liveness pass, as LivenessSweeper runs it
            let stale = await expectAPIError(409, "conflict") { _ = try await a.accept(quote: quote.id, offer: "o1") }
            #expect(stale.contains("unavailable"))
            #expect(t.platform.heldUnits(on: cheap) == 4)
        }
    }

    @Test func holdsSurviveARestart() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let clock = ManualClock()
        let (quote, aliceToken, cheap) = try await TestPlatform.with(directory: directory, heartbeatInterval: 1000, clock: clock) {
            t in
            let (cheap, _, _) = try await Self.twoNodes(t)
            let record = try await t.operatorClient.registerConsumer(ConsumerRegistration(name: "alice"))
            let quote = try await t.client(record.token).quote(Self.request(holdS: 300))
            return (quote, record.token!, cheap)
        }
        try await TestPlatform.with(directory: directory, heartbeatInterval: 1000, clock: clock) { t in
            #expect(t.platform.heldUnits(on: cheap) == 4)
            let (_, b) = try await t.consumer("bob")
            #expect(try await b.submit(taskSpec("bob", units: 4)).state == .queued)
            let a = t.client(aliceToken)
            let next = try await a.quote(Self.request(holdS: 5, maxOffers: 1))
            #expect(next.id == "q2")
            #expect(next.offers.isEmpty)
            let task = try await a.accept(quote: quote.id, offer: "o1")
            #expect(task.placement == quote.offers[0].placement)
        }
    }
}
