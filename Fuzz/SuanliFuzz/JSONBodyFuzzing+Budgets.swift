import Foundation
import SuanliCore
import SuanliMarket

extension JSONBodyFuzzing {
    /// The bodies of `PUT /v1/consumers/{id}/budget` and `…/quotas`, followed by what the
    /// platform does next: validation, then a task refused or admitted against those limits
    /// (messages bounded, amounts never trapping); and the input as a bill's `month`.
    static func bodiesOfBudgets(_ data: Data, now: Date) {
        var limits = ConsumerLimits()
        if let update = decoded(BudgetUpdate.self, data), validates({ () throws(ValidationError) in try update.validate() }) {
            limits.budgetFen = update.fen
        }
        if let json = decoded([String: Int].self, data) {
            do throws(ValidationError) {
                limits.quotas = try QuotaUpdate(json: json).quotas
            } catch {
                require(!error.field.isEmpty, "quota error without a field")
                bounded(error.message)
            }
        }
        let spec = TaskSpec(name: "n", units: 4, accept: [.init(kind: .gpu)], durationS: 86_400 * 366)
        let placed = ConsumerLimits.OpenTask(
            id: "t1", spec: spec,
            placement: Placement(alternative: 0, parts: [.init(resource: "86.1.1/g", units: 4, priceFenPerUnitHour: .max, rttMs: nil, renewable: 1)]),
            chargedFen: 7, worstPrice: 0)
        let fresh = ConsumerLimits.OpenTask(id: "", spec: spec, placement: nil, chargedFen: 0, worstPrice: 100_000_000_000)
        do throws(SuanliError) {
            try limits.check(fresh, consumer: "c1", spentFen: .max, open: [placed])
        } catch {
            bounded(error)
        }
        encodes(limits.account(consumer: "c1", spentFen: 12, open: [placed, fresh]))
        if let text = String(data: data, encoding: .utf8), let month = BillingMonth(parsing: text) {
            require(month.description == text && BillingMonth(containing: month.start) == month, "month \(text) does not round-trip")
            require(month.end > month.start, "month \(text) ends before it starts")
        }
    }
}
