import Foundation
import SuanliClient
import SuanliCore
import Testing

/// Budgets and quotas on a real platform: worst-case costs refused with 402 naming the numbers,
/// reservations by unfinished tasks, quotas per kind, an overdrawn budget stopping placement
/// (queued tasks cancelled, running ones untouched), who may set them, and a restart.
@Suite("Budgets and quotas over HTTP")
struct BudgetTests {
    /// A one-unit GPU task of `seconds`.
    static func job(_ name: String, units: Int = 1, seconds: Double? = 600, kind: ResourceKind = .gpu) -> TaskSpec {
        var spec = taskSpec(name, units: units, kind: kind)
        spec.durationS = seconds
        return spec
    }

    @Test func budgetsRefuseAndReserve() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let consumer = try await TestPlatform.with(directory: directory) { t in
            let (p, provider) = try await t.provider("P")
            _ = try await provider.putResource("\(p)/g", gpuSpec(units: 2, price: 3600))
            let (id, alice) = try await t.consumer("alice")
            // No budget: anything goes, and the account says so.
            let open = try await alice.account(consumer: id)
            #expect(open.budgetFen == nil && open.remainingFen == nil && open.spentFen == 0)

            let account = try await t.operatorClient.setBudget(consumer: id, fen: 1000)
            #expect(account.budgetFen == 1000 && account.remainingFen == 1000)
            // 1 unit × 3600 fen/h × 600 s = 600 fen: placed, and reserved.
            let first = try await alice.submit(Self.job("a"))
            #expect(first.state == .scheduled)
            var now = try await alice.account(consumer: id)
            #expect(now.reservedFen == 600 && now.remainingFen == 400 && now.inUse == ["gpu": 1])
            // Another 600 fen is more than the 400 left: 402 naming the numbers.
            let message = await expectAPIError(402, "budget_exceeded") { _ = try await alice.submit(Self.job("b")) }
            #expect(message.contains("600 fen") && message.contains("400 fen left") && message.contains("budget of 1000"))
            #expect(message.contains("1 units × 3600 fen per unit-hour × 600 s"))
            // 400 fen buys 400 s.
            #expect(try await alice.submit(Self.job("c", seconds: 400)).state == .scheduled)
            // With a budget, duration_s is needed for the worst case.
            let noDuration = await expectAPIError(422, "validation_failed") { _ = try await alice.submit(Self.job("d", seconds: nil)) }
            #expect(noDuration.contains("duration_s"))
            // A queued task reserves at the dearest price that could take it (max_price when given).
            _ = try await t.operatorClient.setBudget(consumer: id, fen: 5000)
            var capped = Self.job("e", units: 2)
            capped.maxPriceFenPerUnitHour = 4000
            let queued = try await alice.submit(capped)
            #expect(queued.state == .queued)
            now = try await alice.account(consumer: id)
            // ⌈2 × 600 s × 4000 fen/h⌉ = 1334.
            #expect(now.reservedFen == 600 + 400 + 1334 && now.remainingFen == 5000 - 2334)

            // Lowering the budget below the reservations stops placement: the queued task is
            // cancelled, the placed ones keep running.
            now = try await t.operatorClient.setBudget(consumer: id, fen: 1200)
            #expect(try await alice.task(queued.id).state == .cancelled)
            #expect(try await alice.task(first.id).state == .scheduled)
            #expect(now.reservedFen == 1000 && now.remainingFen == 200)
            return id
        }
        // Budgets survive a restart.
        try await TestPlatform.with(directory: directory) { t in
            let account = try await t.operatorClient.account(consumer: consumer)
            #expect(account.budgetFen == 1200 && account.reservedFen == 1000)
        }
    }

    @Test func aQueuedTaskReservesAtADynamicPricesCap() async throws {
        try await TestPlatform.with { t in
            let (p, provider) = try await t.provider("P")
            var node = gpuSpec(units: 1, price: 100)
            node.pricing = .dynamic(cap: 500)
            _ = try await provider.putResource("\(p)/g", node)
            let (id, alice) = try await t.consumer("alice")
            _ = try await t.operatorClient.setBudget(consumer: id, fen: 10_000)
            let running = try await alice.submit(Self.job("a", seconds: 3600))
            let placed = try #require(running.placement?.parts.first?.priceFenPerUnitHour)
            // The node is full: the next task waits, reserving an hour at the cap, not the floor.
            let queued = try await alice.submit(Self.job("b", seconds: 3600))
            #expect(queued.state == .queued)
            let account = try await alice.account(consumer: id)
            #expect(account.reservedFen == placed + 500 && account.remainingFen == 10_000 - placed - 500)
        }
    }

    @Test func quotasPerKindAndWhoMaySetThem() async throws {
        try await TestPlatform.with { t in
            let (p, provider) = try await t.provider("P")
            _ = try await provider.putResource("\(p)/g", gpuSpec(units: 8, price: 100))
            _ = try await provider.putResource("\(p)/n", gpuSpec(units: 8, price: 100, model: "Huawei Ascend 910B", kind: .npu))
            let (id, alice) = try await t.consumer("alice")
            let (other, bob) = try await t.consumer("bob")
            let account = try await t.operatorClient.setQuotas(consumer: id, [.gpu: 3])
            #expect(account.quotas == ["gpu": 3] && account.budgetFen == nil)
            _ = try await alice.submit(Self.job("a", units: 2))
            let message = await expectAPIError(409, "quota_exceeded") { _ = try await alice.submit(Self.job("b", units: 2)) }
            #expect(message.contains("quota of 3 gpu units") && message.contains("hold 2") && message.contains("asks for 2"))
            // Other kinds and other consumers are not limited.
            #expect(try await alice.submit(Self.job("c", units: 4, kind: .npu)).state == .scheduled)
            #expect(try await bob.submit(Self.job("d", units: 4)).state == .scheduled)
            #expect(try await alice.submit(Self.job("e", units: 1)).state == .scheduled)
            #expect(try await alice.account(consumer: id).inUse == ["gpu": 3, "npu": 4])

            // Only the operator sets budgets and quotas; consumers read their own.
            await expectAPIError(403, "forbidden") { _ = try await alice.setBudget(consumer: id, fen: 1_000_000) }
            await expectAPIError(403, "forbidden") { _ = try await provider.setQuotas(consumer: id, [:]) }
            await expectAPIError(403, "forbidden") { _ = try await bob.account(consumer: id) }
            await expectAPIError(401, "unauthorized") { _ = try await t.anonymous.account(consumer: other) }
            await expectAPIError(404, "not_found") { _ = try await t.operatorClient.setBudget(consumer: "c999", fen: 1) }
            // Bad bodies name the field.
            for (path, body, status) in [
                ("budget", #"{"fen":-1}"#, 422), ("budget", #"{}"#, 400), ("budget", #"{"fen":"lots"}"#, 400),
                ("quotas", #"{"gpus":2}"#, 422), ("quotas", #"{"gpu":-2}"#, 422), ("quotas", #"[1]"#, 400),
            ] {
                let (code, text) = try await rawRequest(
                    t.url + "/v1/consumers/\(id)/\(path)", method: .PUT, token: TestPlatform.operatorToken, body: Data(body.utf8))
                #expect(code == status, "\(path) \(body): \(text)")
            }
            // `{"fen":null}` removes the budget; `{}` removes the quotas.
            #expect(try await t.operatorClient.setBudget(consumer: id, fen: nil).budgetFen == nil)
            #expect(try await t.operatorClient.setQuotas(consumer: id, [:]).quotas.isEmpty)
            #expect(try await alice.submit(Self.job("f", units: 1)).state == .scheduled)
        }
    }
}
