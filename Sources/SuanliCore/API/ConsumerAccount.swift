import Foundation

/// `PUT /v1/consumers/{id}/budget`: the consumer's budget in fen, or `null` to remove it.
public struct BudgetUpdate: Sendable, Codable, Hashable {
    /// 0…10^15 fen, or nil: no budget.
    public var fen: Int64?

    /// Creates an update.
    public init(fen: Int64?) { self.fen = fen }

    /// The largest budget.
    public static let maxFen: Int64 = 1_000_000_000_000_000

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.fen) else {
            throw DecodingError.keyNotFound(
                CodingKeys.fen, .init(codingPath: [], debugDescription: "fen is required: a number of fen, or null to remove the budget"))
        }
        fen = try c.decodeIfPresent(Int64.self, forKey: .fen)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(fen, forKey: .fen)  // explicit null removes
    }

    enum CodingKeys: String, CodingKey { case fen }

    /// Checks the amount: 0…``maxFen``.
    public func validate() throws(ValidationError) {
        if let fen, !(0...Self.maxFen).contains(fen) {
            throw ValidationError(field: "fen", "fen must be between 0 and \(Self.maxFen), or null to remove the budget; got \(fen)")
        }
    }
}

/// `PUT /v1/consumers/{id}/quotas`: the most units of each kind the consumer's unfinished tasks
/// may hold (`{"gpu":16,"npu":8}`); kinds not named have no quota, `{}` removes them all.
public struct QuotaUpdate: Sendable, Hashable {
    public var quotas: [ResourceKind: Int]

    /// Creates an update.
    public init(_ quotas: [ResourceKind: Int]) { self.quotas = quotas }

    /// Parses the JSON object, naming an unknown kind or a bad number.
    public init(json: [String: Int]) throws(ValidationError) {
        var quotas: [ResourceKind: Int] = [:]
        for (key, value) in json {
            guard let kind = ResourceKind(rawValue: key) else {
                // An empty key names no field of its own: the error is about the quotas object.
                throw ValidationError(
                    field: key.isEmpty ? "quotas" : Validation.excerpt(key),
                    "unknown kind '\(Validation.excerpt(key))'; quotas are per kind: \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard (0...TaskSpec.Limits.maxUnits).contains(value) else {
                throw ValidationError(field: key, "\(key) must be a number of units between 0 and \(TaskSpec.Limits.maxUnits), got \(value)")
            }
            quotas[kind] = value
        }
        self.quotas = quotas
    }

    /// The JSON object.
    public var json: [String: Int] { Dictionary(uniqueKeysWithValues: quotas.map { ($0.key.rawValue, $0.value) }) }
}

/// A consumer's budget, quotas and what its tasks spent and reserve
/// (`GET`/`PUT /v1/consumers/{id}/budget` and `…/quotas`).
public struct ConsumerAccount: Sendable, Codable, Hashable {
    public var consumer: String
    /// The budget in fen; nil: none.
    public var budgetFen: Int64?
    /// Every metered charge of the consumer's tasks.
    public var spentFen: Int64
    /// What the consumer's unfinished tasks may still cost: each one's estimate less what it was already charged.
    public var reservedFen: Int64
    /// `budget − spent − reserved` (negative once a lowered budget is overdrawn); nil without a budget.
    public var remainingFen: Int64?
    /// Units per kind; kinds not named have no quota.
    public var quotas: [String: Int]
    /// Units per kind held by unfinished tasks (a queued task counts toward every kind it accepts).
    public var inUse: [String: Int]

    enum CodingKeys: String, CodingKey {
        case consumer, quotas
        case budgetFen = "budget_fen"
        case spentFen = "spent_fen"
        case reservedFen = "reserved_fen"
        case remainingFen = "remaining_fen"
        case inUse = "in_use"
    }

    /// Creates an account view.
    public init(
        consumer: String, budgetFen: Int64?, spentFen: Int64, reservedFen: Int64, remainingFen: Int64?, quotas: [String: Int],
        inUse: [String: Int]
    ) {
        self.consumer = consumer
        self.budgetFen = budgetFen
        self.spentFen = spentFen
        self.reservedFen = reservedFen
        self.remainingFen = remainingFen
        self.quotas = quotas
        self.inUse = inUse
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(consumer, forKey: .consumer)
        try c.encode(budgetFen, forKey: .budgetFen)  // explicit null: no budget
        try c.encode(spentFen, forKey: .spentFen)
        try c.encode(reservedFen, forKey: .reservedFen)
        try c.encode(remainingFen, forKey: .remainingFen)
        try c.encode(quotas, forKey: .quotas)
        try c.encode(inUse, forKey: .inUse)
    }
}
