import Foundation
import SuanliClient
import SuanliCore
import SuanliMarket
import Testing

extension SuanliClient {
    /// Posts agent events with the platform's own clock as the agent's.
    fileprivate func meter(_ events: [AttemptEvent], sentAt: Date) async throws {
        let body = try SuanliJSON.encoder().encode(AttemptEventBatch(events: events, sentAt: sentAt))
        _ = try await raw(.POST, "/v1/agent/events", body: body)
    }
}

/// `suanli budget`, `suanli bills` and `suanli payouts`: the real executable against a real
/// platform over loopback (the output docs/market.md shows).
@Suite("Billing commands")
struct BillingCLITests {
    static func suanli(_ t: TestPlatform, token: String, _ arguments: String...) async throws -> ExternalTools.Output {
        try await ExternalTools.runDetached(
            [try suanliExecutable()] + arguments + ["--server", t.url, "--token", token], environment: ["SUANLI_TOKEN": ""])
    }

    @Test func budgetBillsAndPayouts() async throws {
        try await TestPlatform.with(heartbeatInterval: 86_400, configure: { $0.platformFee = PlatformFee(basisPoints: 250) }) { t in
            let providerRecord = try await t.operatorClient.registerProvider(
                ProviderRegistration(name: "P", contact: "ops@example.com", location: "cluster.zhangjiakou", renewable: 0.5, pue: 1.2))
            let p = providerRecord.prefix.description
            let provider = t.client(providerRecord.token)
            _ = try await provider.putResource("\(p)/g", gpuSpec(units: 8, price: 3600))
            let consumer = try await t.operatorClient.registerConsumer(ConsumerRegistration(name: "alice"))

            let set = try await Self.suanli(t, token: TestPlatform.operatorToken, "budget", consumer.id, "--fen", "1000", "--quota", "gpu=4")
            #expect(set.status == 0, "\(set.stderr)")
            #expect(set.stdout == """
                consumer   \(consumer.id)
                budget     ¥10.00
                spent      ¥0.00
                reserved   ¥0.00  (unfinished tasks' worst case)
                remaining  ¥10.00
                quota      gpu: 0 of 4 units in use

                """)
            // 2 units for two hours at ¥36 is beyond ¥10: the platform's 402 message, exit 1.
            let alice = t.client(consumer.token)
            var spec = taskSpec(units: 2)
            spec.durationS = 7200
            await expectAPIError(402, "budget_exceeded") { _ = try await alice.submit(spec) }
            _ = try await Self.suanli(t, token: TestPlatform.operatorToken, "budget", consumer.id, "--fen", "100000")
            let task = try await alice.submit(spec)
            let start = t.clock.now
            t.clock.advance(3600)
            try await provider.meter(
                [
                    AttemptEvent(task: task.id, attempt: 1, resource: "\(p)/g", phase: .running, at: start),
                    AttemptEvent(task: task.id, attempt: 1, resource: "\(p)/g", phase: .succeeded, exitCode: 0, at: t.clock.now),
                ], sentAt: t.clock.now)
            let month = BillingMonth(containing: t.clock.now).description

            let bills = try await Self.suanli(t, token: consumer.token!, "bills", "--month", month)
            #expect(bills.status == 0, "\(bills.stderr)")
            #expect(bills.stdout == """
                TASK  ATT  PROVIDER  RESOURCE  UNITS    UNIT-S  ¥/UNIT-H  AMOUNT ¥
                \(task.id)      1  \(p)    \(p)/g      2  7200.000     36.00     72.00
                \(month), \(consumer.id): 1 parts, 7200.000 unit-seconds, ¥72.00

                """)
            let payouts = try await Self.suanli(t, token: providerRecord.token!, "payouts", "--month", month)
            #expect(payouts.stdout.hasSuffix("\(month), \(p): 1 parts, gross ¥72.00, fee ¥1.80 (250 bp), payout ¥70.20\n"), "\(payouts.stdout)")
            #expect(payouts.stdout.contains("72.00   1.80     70.20"))
            let csv = try await Self.suanli(t, token: TestPlatform.operatorToken, "payouts", "--month", month, "--csv")
            #expect(csv.stdout.hasPrefix("task,attempt,consumer,provider,resource,units,start,end,unit_seconds,price_fen_per_unit_hour,amount_fen,gross_fen,fee_fen\r\n"))
            #expect(csv.stdout.hasSuffix(",2,\(Timestamp.format(start)),\(Timestamp.format(t.clock.now)),7200.000,3600,7020,7200,180\r\n"))
            let account = try await Self.suanli(t, token: consumer.token!, "budget", consumer.id, "--json")
            let decoded = try SuanliJSON.decoder().decode(ConsumerAccount.self, from: Data(account.stdout.utf8))
            #expect(decoded.spentFen == 7200 && decoded.budgetFen == 100_000 && decoded.reservedFen == 0)

            // Refusals: the platform's message on stderr, exit 1; bad options before any call.
            let forbidden = try await Self.suanli(t, token: consumer.token!, "budget", consumer.id, "--fen", "5")
            #expect(forbidden.status == 1 && forbidden.stderr.contains("only the platform operator"))
            let badMonth = try await Self.suanli(t, token: consumer.token!, "bills", "--month", "2026-13")
            #expect(badMonth.status != 0 && badMonth.stderr.contains("--month must be YYYY-MM"))
            let badQuota = try await Self.suanli(t, token: TestPlatform.operatorToken, "budget", consumer.id, "--quota", "gpus=3")
            #expect(badQuota.status != 0 && badQuota.stderr.contains("--quota must be KIND=UNITS"))
        }
    }
}
