import Foundation
import SuanliCore
import SuanliMarket
import Testing

/// The budget and quota rules without a server: worst cases, reservations, kinds counted, and
/// amounts that saturate instead of trapping.
@Suite("Budget rules")
struct BudgetRulesTests {
    static func task(_ id: String, units: Int, seconds: Double?, kinds: [ResourceKind] = [.gpu], placedAt price: Int64? = nil)
        -> ConsumerLimits.OpenTask
    {
        let spec = TaskSpec(name: id, units: units, accept: kinds.map { TaskSpec.Alternative(kind: $0) }, durationS: seconds)
        let placement = price.map {
            Placement(alternative: 0, parts: [.init(resource: "86.1.1/g", units: units, priceFenPerUnitHour: $0, rttMs: nil, renewable: 1)])
        }
        return ConsumerLimits.OpenTask(id: id, spec: spec, placement: placement, chargedFen: 0, worstPrice: price == nil ? 3600 : 0)
    }

    @Test func worstCasesReservationsAndKinds() throws {
        // ⌈units × ms × price ÷ 3,600,000⌉, as metering: 3 units × 1 s at 1 fen/h is 0.00083 fen → 1.
        #expect(Self.task("a", units: 3, seconds: 1, placedAt: 1).estimateFen == 1)
        #expect(Self.task("b", units: 2, seconds: 600).estimateFen == 1200)
        var charged = Self.task("c", units: 2, seconds: 600, placedAt: 3600)
        charged.chargedFen = 1500
        #expect(charged.reservedFen == 0, "charged more than the estimate: nothing left to reserve")
        #expect(Self.task("d", units: 1, seconds: nil).estimateFen == 0)
        let limits = ConsumerLimits(budgetFen: 2000, quotas: [.gpu: 4, .npu: 2])
        let open = [Self.task("e", units: 2, seconds: 600, kinds: [.gpu, .npu])]
        let account = limits.account(consumer: "c1", spentFen: 100, open: open)
        #expect(account.inUse == ["gpu": 2, "npu": 2] && account.reservedFen == 1200 && account.remainingFen == 700)
        // A queued task counts toward every kind it accepts: one more npu unit is past the quota.
        #expect(throws: SuanliError.self) { try limits.check(Self.task("f", units: 1, seconds: 1, kinds: [.npu]), consumer: "c1", spentFen: 100, open: open) }
        try limits.check(Self.task("g", units: 2, seconds: 1, kinds: [.gpu]), consumer: "c1", spentFen: 100, open: open)
        do {
            try limits.check(Self.task("h", units: 1, seconds: 1200), consumer: "c1", spentFen: 100, open: open)
            Issue.record("1200 fen is more than the 700 left")
        } catch {
            #expect(error.code == .budgetExceeded && error.status == 402 && error.message.contains("700 fen left"))
        }
    }

    @Test func amountsSaturate() {
        #expect(ConsumerLimits.remaining(budget: 10, spent: .max, reserved: .max) == .min)
        #expect(ConsumerLimits.add(.max, 1) == .max)
        let huge = Self.task("x", units: 1_000_000, seconds: 366 * 86_400, placedAt: 100_000_000_000)
        #expect(huge.estimateFen == .max)
        let account = ConsumerLimits(budgetFen: 1).account(consumer: "c1", spentFen: .max, open: [huge, huge])
        #expect(account.reservedFen == .max && account.remainingFen == .min)
    }
}
