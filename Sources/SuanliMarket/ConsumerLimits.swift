import Foundation
import SuanliCore

/// A consumer's budget and quotas, and the rules that refuse a task against them.
///
/// - The worst-case cost of a task is `units × price × duration_s`, charged as metering charges
///   (⌈unit-ms × price ÷ 3,600,000⌉ fen). The price is the placement's once placed; before, the
///   task's `max_price_fen_per_unit_hour`, else the dearest resource that could take it.
/// - Unfinished tasks reserve their worst-case cost less what they were already charged;
///   `remaining = budget − spent − reserved`. A task whose worst case exceeds `remaining` is
///   refused (402 `budget_exceeded`); with a budget, `duration_s` is required.
/// - Quotas count the units of unfinished tasks per kind — a placed task toward the kind it
///   runs on, a queued one toward every kind it accepts — and refuse (409 `quota_exceeded`) a
///   task that would take any kind it accepts past its quota.
public struct ConsumerLimits: Sendable, Hashable {
    /// The budget in fen; nil: none.
    public var budgetFen: Int64?
    /// Units per kind; kinds not named have no quota.
    public var quotas: [ResourceKind: Int]

    /// Creates limits.
    public init(budgetFen: Int64? = nil, quotas: [ResourceKind: Int] = [:]) {
        self.budgetFen = budgetFen
        self.quotas = quotas
    }

    /// An unfinished task as the rules see it.
    public struct OpenTask: Sendable, Hashable {
        public var id: String
        public var spec: TaskSpec
        public var placement: Placement?
        /// Charged so far (every metered part of every attempt).
        public var chargedFen: Int64
        /// The worst price per unit-hour it could pay while unplaced.
        public var worstPrice: Int64

        /// Creates an open task.
        public init(id: String, spec: TaskSpec, placement: Placement?, chargedFen: Int64, worstPrice: Int64) {
            self.id = id
            self.spec = spec
            self.placement = placement
            self.chargedFen = chargedFen
            self.worstPrice = worstPrice
        }

        /// Worst-case cost of the whole run: at the placement's prices once placed, else at ``worstPrice``; 0 without `duration_s`.
        public var estimateFen: Int64 {
            guard let duration = spec.durationS, duration > 0 else { return 0 }
            let millis = Int64(min((duration * 1000).rounded(.up), 9e15))
            if let placement {
                return placement.parts.reduce(Int64(0)) { total, part in
                    ConsumerLimits.add(total, ConsumerLimits.cost(units: part.units, millis: millis, price: part.priceFenPerUnitHour))
                }
            }
            return ConsumerLimits.cost(units: spec.units, millis: millis, price: worstPrice)
        }

        /// What it still reserves: the estimate less what was charged, never below 0.
        public var reservedFen: Int64 { max(0, estimateFen - chargedFen) }

        /// The kinds whose units it holds: the placed alternative's kind, or every kind it accepts.
        public var kinds: Set<ResourceKind> {
            if let placement, spec.accept.indices.contains(placement.alternative) { return [spec.accept[placement.alternative].kind] }
            return Set(spec.accept.map(\.kind))
        }
    }

    /// ⌈units × millis × price ÷ 3,600,000⌉, as metering charges (saturating).
    public static func cost(units: Int, millis: Int64, price: Int64) -> Int64 {
        let (unitMillis, overflow) = millis.multipliedReportingOverflow(by: Int64(max(0, units)))
        return UsageRecord.amount(unitMillis: overflow ? .max : unitMillis, priceFenPerUnitHour: price)
    }

    /// `a + b` for non-negative amounts, stopping at `Int64.max`.
    public static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    /// `budget − spent − reserved`, stopping at `Int64.min` instead of trapping.
    public static func remaining(budget: Int64, spent: Int64, reserved: Int64) -> Int64 {
        let (afterSpent, o1) = budget.subtractingReportingOverflow(spent)
        if o1 { return .min }
        let (afterReserved, o2) = afterSpent.subtractingReportingOverflow(reserved)
        return o2 ? .min : afterReserved
    }

    /// The account: budget, spent, reserved, remaining, quotas and units in use.
    public func account(consumer: String, spentFen: Int64, open: [OpenTask]) -> ConsumerAccount {
        let reserved = open.reduce(Int64(0)) { Self.add($0, $1.reservedFen) }
        var inUse: [String: Int] = [:]
        for task in open {
            for kind in task.kinds { inUse[kind.rawValue, default: 0] += task.spec.units }
        }
        return ConsumerAccount(
            consumer: consumer, budgetFen: budgetFen, spentFen: spentFen, reservedFen: reserved,
            remainingFen: budgetFen.map { Self.remaining(budget: $0, spent: spentFen, reserved: reserved) }, quotas: QuotaUpdate(quotas).json, inUse: inUse)
    }

    /// Refuses `task` (not yet among `open`) when its worst case exceeds the remaining budget or it would exceed a quota.
    public func check(_ task: OpenTask, consumer: String, spentFen: Int64, open: [OpenTask]) throws(SuanliError) {
        let account = account(consumer: consumer, spentFen: spentFen, open: open)
        for kind in task.kinds.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let quota = quotas[kind] else { continue }
            let used = account.inUse[kind.rawValue] ?? 0
            if used + task.spec.units > quota {
                throw SuanliError(
                    .quotaExceeded,
                    "consumer \(consumer) has a quota of \(quota) \(kind.rawValue) units; its unfinished tasks hold \(used) and this task asks for \(task.spec.units)",
                    field: "units")
            }
        }
        guard let budget = budgetFen else { return }
        guard let duration = task.spec.durationS, duration > 0 else {
            throw SuanliError(
                .validation,
                "consumer \(consumer) has a budget, so a task must give duration_s: its worst-case cost is units × price × duration_s",
                field: "duration_s")
        }
        let worst = task.estimateFen
        let remaining = account.remainingFen ?? budget
        if worst > remaining {
            let seconds = duration.rounded() == duration ? String(Int(duration)) : String(duration)
            let how =
                task.placement.map { placement in
                    placement.parts.map { "\($0.units) units × \($0.priceFenPerUnitHour) fen per unit-hour" }.joined(separator: " + ")
                } ?? "\(task.spec.units) units × \(task.worstPrice) fen per unit-hour"
            throw SuanliError(
                .budgetExceeded,
                "the worst-case cost of this task is \(worst) fen (\(how) × \(seconds) s) but consumer \(consumer) has \(max(0, remaining)) fen left of its budget of \(budget) (spent \(account.spentFen), reserved by unfinished tasks \(account.reservedFen))")
        }
    }
}
