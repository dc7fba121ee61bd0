import AsyncHTTPClient
import Foundation
import NIOCore
import SuanliClient
import SuanliCore
import SuanliMarket
import SuanliServer
import Testing

extension SuanliClient {
    /// Posts agent events as the provider's agent would (its clock agrees with the platform's).
    fileprivate func report(_ events: [AttemptEvent], sentAt: Date) async throws {
        let body = try SuanliJSON.encoder().encode(AttemptEventBatch(events: events, sentAt: sentAt))
        _ = try await raw(.POST, "/v1/agent/events", body: body)
    }
}

/// `GET /v1/bills` and `GET /v1/payouts` on a real platform with a 2.5 % fee: parts metered by
/// agent events, who may read which, months, CSV, and the books balancing to the fen.
@Suite("Billing: bills and payouts over HTTP")
struct BillingTests {
    /// Runs one task of `consumer` on the provider's resource for `seconds` (clock moved), metered.
    static func run(
        _ t: TestPlatform, consumer: SuanliClient, provider: SuanliClient, resource: String, units: Int, seconds: Double
    ) async throws -> String {
        let task = try await consumer.submit(taskSpec(units: units))
        #expect(task.placement?.parts.first?.resource == resource)
        let start = t.clock.now
        t.clock.advance(seconds)
        try await provider.report(
            [
                AttemptEvent(task: task.id, attempt: 1, resource: resource, phase: .running, at: start),
                AttemptEvent(task: task.id, attempt: 1, resource: resource, phase: .succeeded, exitCode: 0, at: t.clock.now),
            ], sentAt: t.clock.now)
        return task.id
    }

    /// Sends a GET with `Accept: text/csv`; returns status, content type and body.
    static func csv(_ url: String, token: String) async throws -> (Int, String, String) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/csv")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: "Content-Type") ?? "", String(buffer: body))
    }

    @Test func billsPayoutsAndTheFeeBalance() async throws {
        // Parts run for an hour of platform time: resources stay fresh for days without agents.
        try await TestPlatform.with(heartbeatInterval: 86_400, configure: { $0.platformFee = PlatformFee(basisPoints: 250) }) { t in
            let (p, provider) = try await t.provider("P")
            let (q, other) = try await t.provider("Q")
            _ = try await provider.putResource("\(p)/g", gpuSpec(units: 8, price: 3600))
            _ = try await other.putResource("\(q)/g", gpuSpec(units: 8, price: 7000))
            let (alice, aliceClient) = try await t.consumer("alice")
            let (bob, bobClient) = try await t.consumer("bob")
            let january = BillingMonth(containing: t.clock.now)
            // Alice: 2 units × 1 h at 3600 fen per unit-hour on P; Bob: 1 unit × 0.5 s on P.
            _ = try await Self.run(t, consumer: aliceClient, provider: provider, resource: "\(p)/g", units: 2, seconds: 3600)
            _ = try await Self.run(t, consumer: bobClient, provider: provider, resource: "\(p)/g", units: 1, seconds: 0.5)
            // P fills up (8 units), so Alice's next task runs on Q, the dearer one: 3 units × 10 min.
            _ = try await provider.putResource("\(p)/g", gpuSpec(units: 1, price: 3600))
            _ = try await Self.run(t, consumer: aliceClient, provider: other, resource: "\(q)/g", units: 3, seconds: 600)

            let aliceBill = try await aliceClient.bills(month: january)
            #expect(aliceBill.consumer == alice && aliceBill.month == january.description)
            #expect(aliceBill.items.map(\.amountFen) == [7200, 3500] && aliceBill.totals.amountFen == 10_700)
            #expect(aliceBill.totals.parts == 2 && aliceBill.totals.unitSeconds == 7200 + 1800)
            #expect(aliceBill.items.allSatisfy { $0.grossFen == nil && $0.feeFen == nil })
            let bobBill = try await bobClient.bills()  // the current month by default
            #expect(bobBill.items.map(\.amountFen) == [1])  // ⌈0.5 s × 3600 fen/h⌉ = ⌈0.5⌉
            // The usage report and the bill agree.
            #expect(try await aliceClient.usage().totals.amountFen == aliceBill.totals.amountFen)

            let pPayout = try await provider.payouts(month: january)
            #expect(pPayout.provider == p && pPayout.feeBasisPoints == 250)
            // 7200 − ⌊180⌋ = 7020; 1 − ⌊0.025⌋ = 1.
            #expect(pPayout.items.map(\.amountFen) == [7020, 1] && pPayout.items.map(\.feeFen) == [180, 0])
            #expect(pPayout.totals.grossFen == 7201 && pPayout.totals.feeFen == 180 && pPayout.totals.amountFen == 7021)
            let qPayout = try await other.payouts(month: january)
            #expect(qPayout.totals.amountFen == 3500 - 87 && qPayout.totals.feeFen == 87)

            // The books balance: every bill = every payout + the fee, to the fen (operator and auditors see all).
            let allBills = try await t.operatorClient.bills(month: january)
            let allPayouts = try await t.operatorClient.payouts(month: january)
            #expect(allBills.totals.amountFen == aliceBill.totals.amountFen + bobBill.totals.amountFen)
            #expect(allBills.totals.amountFen == allPayouts.totals.amountFen + allPayouts.totals.feeFen!)
            #expect(allPayouts.totals.amountFen == pPayout.totals.amountFen + qPayout.totals.amountFen)
            #expect(try await t.operatorClient.bills(consumer: bob, month: january).totals.amountFen == 1)

            // Next month starts empty; January's lines stay in January.
            t.clock.advance(40 * 86_400)
            #expect(try await aliceClient.bills().items.isEmpty)
            #expect(try await aliceClient.bills(month: january).totals.amountFen == 10_700)

            // CSV: the same lines; gross and fee columns in payouts.
            let (status, type, text) = try await Self.csv(t.url + "/v1/bills?month=\(january)", token: TestPlatform.operatorToken)
            #expect(status == 200 && type.hasPrefix("text/csv"))
            let rows = text.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            #expect(rows.first?.last == "amount_fen" && rows.count == 4)
            #expect(rows.dropFirst().compactMap { Int64($0.last!) }.reduce(0, +) == allBills.totals.amountFen)
            let (_, _, payoutCSV) = try await Self.csv(t.url + "/v1/payouts?month=\(january)&provider=\(p)", token: TestPlatform.operatorToken)
            #expect(payoutCSV.hasPrefix("task,attempt,") && payoutCSV.contains(",7020,7200,180\r\n"))

            // Who may read which.
            await expectAPIError(403, "forbidden") { _ = try await aliceClient.bills(consumer: bob) }
            await expectAPIError(403, "forbidden") { _ = try await aliceClient.payouts() }
            await expectAPIError(403, "forbidden") { _ = try await provider.payouts(provider: q) }
            await expectAPIError(403, "forbidden") { _ = try await provider.bills() }
            await expectAPIError(401, "unauthorized") { _ = try await t.anonymous.bills() }
            // Bad months and parameters are 400s naming them.
            for query in ["month=2026-13", "month=november", "consumer=c1&month=2026-1", "from=2026-01-01"] {
                let (code, body) = try await rawRequest(t.url + "/v1/bills?" + query, token: TestPlatform.operatorToken)
                #expect(code == 400 && body.contains("bad_request"), "\(query): \(body)")
            }
        }
    }
}
