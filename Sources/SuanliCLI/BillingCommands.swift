import ArgumentParser
import Foundation
import SuanliClient
import SuanliCore

/// `--month YYYY-MM`, parsed.
private func parseMonth(_ text: String?) throws -> BillingMonth? {
    try text.map { text in
        guard let month = BillingMonth(parsing: text) else { throw ValidationError("--month must be YYYY-MM, e.g. 2026-11; got '\(text)'") }
        return month
    }
}

/// Prints a statement as a table (or JSON, or CSV).
private func printStatement(_ statement: Statement, json: Bool, csv: Bool) throws {
    if json { return try printJSON(statement) }
    if csv { return print(statement.csv, terminator: "") }
    let payout = statement.feeBasisPoints != nil
    var table =
        payout
        ? Table("TASK", "ATT", "CONSUMER", "RESOURCE", "UNITS", "UNIT-S", "¥/UNIT-H", "GROSS ¥", "FEE ¥", "PAYOUT ¥", rightAligned: [1, 4, 5, 6, 7, 8, 9])
        : Table("TASK", "ATT", "PROVIDER", "RESOURCE", "UNITS", "UNIT-S", "¥/UNIT-H", "AMOUNT ¥", rightAligned: [1, 4, 5, 6, 7])
    for line in statement.items {
        var cells = [
            line.task, String(line.attempt), payout ? line.consumer : line.provider, line.resource, String(line.units),
            String(format: "%.3f", line.unitSeconds), yuan(line.priceFenPerUnitHour),
        ]
        cells += payout ? [yuan(line.grossFen ?? 0), yuan(line.feeFen ?? 0), yuan(line.amountFen)] : [yuan(line.amountFen)]
        table.add(cells)
    }
    print(table.render())
    let t = statement.totals
    let whose = statement.consumer ?? statement.provider ?? "everyone"
    if payout {
        print(
            "\(statement.month), \(whose): \(t.parts) parts, gross ¥\(yuan(t.grossFen ?? 0)), fee ¥\(yuan(t.feeFen ?? 0)) (\(statement.feeBasisPoints ?? 0) bp), payout ¥\(yuan(t.amountFen))"
        )
    } else {
        print("\(statement.month), \(whose): \(t.parts) parts, \(String(format: "%.3f", t.unitSeconds)) unit-seconds, ¥\(yuan(t.amountFen))")
    }
}

/// `suanli bills`: a month's bill.
struct BillsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bills", abstract: "A month's bill: yours, or any consumer's (or everyone's) with the operator or an auditor token.")
    @OptionGroup var client: ClientOptions
    @Option(help: "Only this consumer (operator and auditors).") var consumer: String?
    @Option(help: "The month, YYYY-MM (UTC); default this month.") var month: String?
    @Flag(help: "Print CSV (the lines, RFC 4180).") var csv = false

    func run() async throws {
        let period = try parseMonth(month)
        try await runClient {
            try printStatement(try await client.client.bills(consumer: consumer, month: period), json: client.json, csv: csv)
        }
    }
}

/// `suanli payouts`: a month's payout.
struct PayoutsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payouts", abstract: "A month's payout: yours, or any provider's (or everyone's) with the operator or an auditor token.")
    @OptionGroup var client: ClientOptions
    @Option(help: "Only this provider prefix (operator and auditors).") var provider: String?
    @Option(help: "The month, YYYY-MM (UTC); default this month.") var month: String?
    @Flag(help: "Print CSV (the lines, RFC 4180).") var csv = false

    func run() async throws {
        let period = try parseMonth(month)
        try await runClient {
            try printStatement(try await client.client.payouts(provider: provider, month: period), json: client.json, csv: csv)
        }
    }
}

/// `suanli budget CONSUMER [--fen N | --none] [--quota gpu=8 …]`: shows or sets a consumer's budget and quotas.
struct BudgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Show a consumer's budget, quotas and spending; set them with the operator token.",
        discussion: "suanli budget c1 --fen 100000 --quota gpu=8 --quota npu=4   (--none removes the budget; --quota none removes the quotas)")
    @OptionGroup var client: ClientOptions
    @Argument(help: "The consumer id (e.g. c1).") var consumer: String
    @Option(help: "Set the budget, in fen.") var fen: Int64?
    @Flag(help: "Remove the budget.") var none = false
    @Option(name: .customLong("quota"), help: "Set a quota, KIND=UNITS (repeatable; replaces all quotas); 'none' removes them.")
    var quotas: [String] = []

    func validate() throws {
        if fen != nil && none { throw ValidationError("give --fen N or --none, not both") }
        if let fen, fen < 0 { throw ValidationError("--fen must be 0 or more") }
        _ = try parsedQuotas()
    }

    /// The quotas given, or nil when none was.
    func parsedQuotas() throws -> [ResourceKind: Int]? {
        guard !quotas.isEmpty else { return nil }
        if quotas == ["none"] { return [:] }
        var result: [ResourceKind: Int] = [:]
        for item in quotas {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let kind = ResourceKind(rawValue: String(parts[0])), let units = Int(parts[1]), units >= 0 else {
                throw ValidationError(
                    "--quota must be KIND=UNITS with KIND one of \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(item)'")
            }
            result[kind] = units
        }
        return result
    }

    func run() async throws {
        let quotaUpdate = try parsedQuotas()
        try await runClient {
            let api = client.client
            if fen != nil || none { _ = try await api.setBudget(consumer: consumer, fen: none ? nil : fen) }
            if let quotaUpdate { _ = try await api.setQuotas(consumer: consumer, quotaUpdate) }
            let account = try await api.account(consumer: consumer)
            if client.json { return try printJSON(account) }
            print("consumer   \(account.consumer)")
            print("budget     " + (account.budgetFen.map { "¥\(yuan($0))" } ?? "none"))
            print("spent      ¥\(yuan(account.spentFen))")
            print("reserved   ¥\(yuan(account.reservedFen))  (unfinished tasks' worst case)")
            print("remaining  " + (account.remainingFen.map { "¥\(yuan($0))" } ?? "unlimited"))
            let kinds = Set(account.quotas.keys).union(account.inUse.keys).sorted()
            if kinds.isEmpty { return print("quotas     none") }
            for kind in kinds {
                print("quota      \(kind): \(account.inUse[kind] ?? 0) of " + (account.quotas[kind].map(String.init) ?? "unlimited") + " units in use")
            }
        }
    }
}
