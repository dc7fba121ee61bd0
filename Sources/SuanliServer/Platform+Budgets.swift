import Foundation
import SuanliCore
import SuanliMarket
import SuanliOrchestration
import SuanliStore

extension PlatformState {
    /// The consumer's metered charges so far and its unfinished tasks, as the budget rules see them.
    func openTasks(of consumer: String) -> (spent: Int64, open: [ConsumerLimits.OpenTask]) {
        // Every metered part of every task, archived ones included (the ledger keeps them all).
        let spent = ledger.chargedByConsumer[consumer] ?? 0
        var open: [ConsumerLimits.OpenTask] = []
        for id in book.byConsumer[consumer] ?? [] {
            guard let task = book[id], !task.state.isFinal else { continue }
            let charged = task.runtime.usage.reduce(Int64(0)) { total, usage in
                let (sum, overflow) = total.addingReportingOverflow(usage.amountFen)
                return overflow ? .max : sum
            }
            open.append(
                ConsumerLimits.OpenTask(
                    id: id, spec: task.spec, placement: task.placement, chargedFen: charged,
                    worstPrice: task.placement == nil ? worstPrice(task.spec) : 0))
        }
        return (spent, open)
    }

    /// The most a task not yet placed could pay per unit-hour: its `max_price_fen_per_unit_hour`,
    /// else the dearest resource one of its alternatives accepts (0 when none does).
    func worstPrice(_ spec: TaskSpec) -> Int64 {
        spec.maxPriceFenPerUnitHour ?? registry.dearestPrice(for: spec) ?? 0
    }

    /// Refuses a new task of `consumer` against its budget and quotas (nothing when it has neither):
    /// at `placement`'s prices when it is known (an accepted offer), else at the worst price.
    func checkLimits(consumer: String, spec: TaskSpec, placement: Placement? = nil) throws(SuanliError) {
        guard let limits = limits[consumer] else { return }
        let (spent, open) = openTasks(of: consumer)
        let task = ConsumerLimits.OpenTask(
            id: "", spec: spec, placement: placement, chargedFen: 0, worstPrice: placement == nil ? worstPrice(spec) : 0)
        try limits.check(task, consumer: consumer, spentFen: spent, open: open)
    }

    /// The consumer's account view.
    func account(of consumer: String) -> ConsumerAccount {
        let (spent, open) = openTasks(of: consumer)
        return (limits[consumer] ?? ConsumerLimits()).account(consumer: consumer, spentFen: spent, open: open)
    }

    /// Loads the stored budgets and quotas.
    mutating func loadLimits(_ stored: [StoredConsumerLimits]) {
        for row in stored { limits[row.consumer] = ConsumerLimits(budgetFen: row.budgetFen, quotas: row.quotas) }
    }
}

extension Platform {
    /// A consumer's budget, quotas, spending and reservations: its own, or any for the operator and auditors.
    public func consumerAccount(_ consumer: String, by principal: Principal) throws(SuanliError) -> ConsumerAccount {
        switch principal {
        case .operator, .auditor: break
        case .consumer(let id) where id == consumer: break
        case .consumer: throw SuanliError(.forbidden, "consumers see only their own budget")
        case .provider: throw SuanliError(.forbidden, "budgets are the operator's and the consumer's business")
        case .anonymous: throw SuanliError(.unauthorized, "budgets need the consumer's, the operator's or an auditor's token")
        }
        return try state.withLock { state throws(SuanliError) in
            guard state.consumers[consumer] != nil else { throw SuanliError(.notFound, "no consumer \(consumer)") }
            return state.account(of: consumer)
        }
    }

    /// Sets (or, with `fen: null`, removes) a consumer's budget; operator only. When the budget no
    /// longer covers what is spent and reserved, queued tasks are cancelled, newest first, until it
    /// does (placement stops); running work goes on.
    public func setBudget(_ consumer: String, _ update: BudgetUpdate, by principal: Principal) async throws(SuanliError)
        -> ConsumerAccount
    {
        try requireOperator(principal)
        do throws(ValidationError) { try update.validate() } catch { throw .validation(error) }
        let now = clock()
        return try await commit { state throws(SuanliError) in
            guard state.consumers[consumer] != nil else { throw SuanliError(.notFound, "no consumer \(consumer)") }
            var limits = state.limits[consumer] ?? ConsumerLimits()
            limits.budgetFen = update.fen
            state.limits[consumer] = limits
            var mutations: [StoreMutation] = [
                .put(StoredConsumerLimits(consumer: consumer, budgetFen: limits.budgetFen, quotas: limits.quotas, updatedAt: now))
            ]
            mutations += state.stopOverBudget(consumer, now: now)
            return (state.account(of: consumer), mutations)
        }
    }

    /// Replaces a consumer's unit quotas per kind; operator only.
    public func setQuotas(_ consumer: String, _ update: QuotaUpdate, by principal: Principal) async throws(SuanliError)
        -> ConsumerAccount
    {
        try requireOperator(principal)
        let now = clock()
        return try await commit { state throws(SuanliError) in
            guard state.consumers[consumer] != nil else { throw SuanliError(.notFound, "no consumer \(consumer)") }
            var limits = state.limits[consumer] ?? ConsumerLimits()
            limits.quotas = update.quotas
            state.limits[consumer] = limits
            let stored = StoredConsumerLimits(consumer: consumer, budgetFen: limits.budgetFen, quotas: limits.quotas, updatedAt: now)
            return (state.account(of: consumer), [.put(stored)])
        }
    }
}

extension PlatformState {
    /// Cancels the consumer's queued tasks, newest first, while its budget is overdrawn.
    mutating func stopOverBudget(_ consumer: String, now: Date) -> [StoreMutation] {
        guard let budget = limits[consumer]?.budgetFen else { return [] }
        var mutations: [StoreMutation] = []
        let (spent, tasks) = openTasks(of: consumer)
        var open = tasks
        func remaining() -> Int64 {
            ConsumerLimits.remaining(budget: budget, spent: spent, reserved: open.reduce(Int64(0)) { ConsumerLimits.add($0, $1.reservedFen) })
        }
        for candidate in open.reversed() where remaining() < 0 {
            guard let task = book[candidate.id], task.state == .queued else { continue }
            guard case .success(let actions) = book.cancel(candidate.id, by: "the budget (exhausted)", now: now) else { continue }
            mutations += perform(actions, now: now)
            open.removeAll { $0.id == candidate.id }
        }
        return mutations
    }
}
