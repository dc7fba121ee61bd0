import Foundation

/// A calendar month in UTC (`YYYY-MM`), the period of bills and payouts.
public struct BillingMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    /// 1…12.
    public var month: Int

    /// Creates a month; `month` must be 1…12.
    public init(year: Int, month: Int) {
        precondition((1...12).contains(month))
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM` (years 1970–9999), or nil.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
            bytes.enumerated().allSatisfy({ $0.offset == 4 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0.element) }),
            let year = Int(String(decoding: bytes[0..<4], as: UTF8.self)),
            let month = Int(String(decoding: bytes[5..<7], as: UTF8.self)),
            year >= 1970, (1...12).contains(month)
        else { return nil }
        self.init(year: year, month: month)
    }

    /// The month `date` falls in (UTC).
    public init(containing date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: date)
        self.init(year: parts.year!, month: parts.month!)
    }

    /// The first instant of the month.
    public var start: Date { Self.firstInstant(year: year, month: month) }
    /// The first instant of the next month.
    public var end: Date { month == 12 ? Self.firstInstant(year: year + 1, month: 1) : Self.firstInstant(year: year, month: month + 1) }

    /// Whether `date` lies in the month.
    public func contains(_ date: Date) -> Bool { date >= start && date < end }

    public var description: String {
        String(year) + "-" + (month < 10 ? "0" : "") + String(month)
    }

    public static func < (a: BillingMonth, b: BillingMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    static func firstInstant(year: Int, month: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: 1))!
    }
}

/// One line of a bill or payout: one metered task part (as in `/v1/usage`).
///
/// In a bill `amount_fen` is what the consumer is charged; in a payout it is what the provider
/// is paid, `gross_fen − fee_fen`, with `gross_fen` the consumer's charge and `fee_fen` the
/// platform's fee (both present only in payouts).
public struct StatementLine: Sendable, Codable, Hashable {
    public var task: String
    public var attempt: Int
    public var consumer: String
    public var provider: String
    public var resource: String
    public var units: Int
    public var start: Date
    public var end: Date
    public var unitSeconds: Double
    public var priceFenPerUnitHour: Int64
    public var amountFen: Int64
    public var grossFen: Int64?
    public var feeFen: Int64?

    enum CodingKeys: String, CodingKey {
        case task, attempt, consumer, provider, resource, units, start, end
        case unitSeconds = "unit_seconds"
        case priceFenPerUnitHour = "price_fen_per_unit_hour"
        case amountFen = "amount_fen"
        case grossFen = "gross_fen"
        case feeFen = "fee_fen"
    }

    /// A line from a metered part: in a bill (no fee given) or a payout (`fee` taken from the charge).
    public init(_ usage: UsageRecord, fee: Int64? = nil) {
        task = usage.task
        attempt = usage.attempt
        consumer = usage.consumer
        provider = usage.provider
        resource = usage.resource
        units = usage.units
        start = usage.start
        end = usage.end
        unitSeconds = usage.unitSeconds
        priceFenPerUnitHour = usage.priceFenPerUnitHour
        if let fee {
            grossFen = usage.amountFen
            feeFen = fee
            amountFen = usage.amountFen - fee
        } else {
            amountFen = usage.amountFen
        }
    }
}

/// `GET /v1/bills` and `GET /v1/payouts`: one month's lines for a consumer or provider (or
/// everyone's, for the operator and auditors) and their totals.
public struct Statement: Sendable, Codable, Hashable {
    /// Sums over the lines; `gross_fen` and `fee_fen` only in payouts.
    public struct Totals: Sendable, Codable, Hashable {
        public var parts: Int
        public var unitSeconds: Double
        public var amountFen: Int64
        public var grossFen: Int64?
        public var feeFen: Int64?

        enum CodingKeys: String, CodingKey {
            case parts
            case unitSeconds = "unit_seconds"
            case amountFen = "amount_fen"
            case grossFen = "gross_fen"
            case feeFen = "fee_fen"
        }

        /// Creates totals.
        public init(parts: Int, unitSeconds: Double, amountFen: Int64, grossFen: Int64? = nil, feeFen: Int64? = nil) {
            self.parts = parts
            self.unitSeconds = unitSeconds
            self.amountFen = amountFen
            self.grossFen = grossFen
            self.feeFen = feeFen
        }
    }

    /// `YYYY-MM`.
    public var month: String
    /// The consumer billed (bills of one consumer), if one.
    public var consumer: String?
    /// The provider paid (payouts of one provider), if one.
    public var provider: String?
    /// The platform fee in basis points of each charge (payouts only).
    public var feeBasisPoints: Int?
    public var items: [StatementLine]
    public var totals: Totals

    enum CodingKeys: String, CodingKey {
        case month, consumer, provider, items, totals
        case feeBasisPoints = "fee_bp"
    }

    /// Creates a statement, summing its lines.
    public init(month: BillingMonth, consumer: String? = nil, provider: String? = nil, feeBasisPoints: Int? = nil, items: [StatementLine]) {
        self.month = month.description
        self.consumer = consumer
        self.provider = provider
        self.feeBasisPoints = feeBasisPoints
        self.items = items
        let payout = feeBasisPoints != nil
        var unitMillis: Int64 = 0
        var amount: Int64 = 0
        var gross: Int64 = 0
        var fee: Int64 = 0
        for item in items {
            unitMillis = unitMillis.addingReportingOverflow(Int64((item.unitSeconds * 1000).rounded())).partialValue
            amount = Self.add(amount, item.amountFen)
            gross = Self.add(gross, item.grossFen ?? 0)
            fee = Self.add(fee, item.feeFen ?? 0)
        }
        totals = Totals(
            parts: items.count, unitSeconds: Double(unitMillis) / 1000, amountFen: amount, grossFen: payout ? gross : nil,
            feeFen: payout ? fee : nil)
    }

    /// A sum that stops at `Int64.max` instead of trapping (amounts saturate as `/v1/usage`'s do).
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}

extension Statement {
    /// The columns of ``csv``: every line's fields, `gross_fen` and `fee_fen` in payouts.
    public static func csvColumns(payout: Bool) -> [String] {
        ["task", "attempt", "consumer", "provider", "resource", "units", "start", "end", "unit_seconds", "price_fen_per_unit_hour",
         "amount_fen"] + (payout ? ["gross_fen", "fee_fen"] : [])
    }

    /// The lines as CSV (`Accept: text/csv`): RFC 4180, a header row, CRLF line ends, fields
    /// quoted when they hold a comma, quote or line break; the totals are the columns' sums.
    public var csv: String {
        let payout = feeBasisPoints != nil
        var out = Self.csvColumns(payout: payout).joined(separator: ",") + "\r\n"
        for line in items {
            var fields = [
                line.task, String(line.attempt), line.consumer, line.provider, line.resource, String(line.units),
                Timestamp.format(line.start), Timestamp.format(line.end), Self.milli(line.unitSeconds),
                String(line.priceFenPerUnitHour), String(line.amountFen),
            ]
            if payout { fields += [String(line.grossFen ?? 0), String(line.feeFen ?? 0)] }
            out += fields.map(Self.quoted).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// Seconds with exactly three decimals, from whole milliseconds.
    static func milli(_ seconds: Double) -> String {
        let millis = Int64(max(-9e15, min(9e15, (seconds * 1000).rounded())))
        let whole = millis / 1000
        let fraction = String(abs(millis % 1000))
        return "\(whole)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
