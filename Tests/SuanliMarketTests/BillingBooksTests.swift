import Foundation
import SuanliCore
import SuanliMarket
import Testing

/// Bills and payouts from metered parts: the books balance to the fen over randomised usage,
/// each part is billed once in the month it ended, the fee's rounding, months and CSV.
@Suite("Billing: books")
struct BillingBooksTests {
    /// Random parts over three months (some crossing a month's end), of 5 consumers on 4 providers.
    static func usage(seed: UInt64, count: Int) -> [UsageRecord] {
        var rng = SplitMix64(seed: seed)
        let start = BillingMonth(year: 2026, month: 10).start.timeIntervalSince1970
        return (0..<count).map { i in
            let begin = start + Double(Int.random(in: 0..<(92 * 86_400), using: &rng)) + Double(Int.random(in: 0..<1000, using: &rng)) / 1000
            let seconds = [0.001, 0.2, 59.999, 3600, 86_400 * 3.5].randomElement(using: &rng)! * Double.random(in: 0.5...1.5, using: &rng)
            return UsageRecord(
                task: "t\(i)", attempt: Int.random(in: 1...3, using: &rng), consumer: "c\(Int.random(in: 1...5, using: &rng))",
                provider: "86.1.\(Int.random(in: 1...4, using: &rng))", resource: "86.1.x/r\(i % 7)",
                units: Int.random(in: 1...64, using: &rng), start: Date(timeIntervalSince1970: begin),
                end: Date(timeIntervalSince1970: begin + seconds),
                priceFenPerUnitHour: [0, 1, 7, 900, 2200, 123_457].randomElement(using: &rng)!)
        }
    }

    @Test("Σ bills = Σ payouts + fee, to the fen, every month, for random usage and fees", arguments: [UInt64(1), 2, 3, 4])
    func booksBalance(seed: UInt64) {
        let usage = Self.usage(seed: seed, count: 1500)
        var rng = SplitMix64(seed: seed &* 31)
        for bp in [0, 1, 250, Int.random(in: 2...9999, using: &rng), 10_000] {
            let fee = PlatformFee(basisPoints: bp)
            var parts = 0
            for month in [BillingMonth(year: 2026, month: 10), BillingMonth(year: 2026, month: 11), BillingMonth(year: 2026, month: 12),
                          BillingMonth(year: 2027, month: 1)]
            {
                let bills = (1...5).map { Books.bill(usage, month: month, consumer: "c\($0)") }
                let payouts = (1...4).map { Books.payout(usage, month: month, provider: "86.1.\($0)", fee: fee) }
                let billed = bills.reduce(Int64(0)) { $0 + $1.totals.amountFen }
                let paid = payouts.reduce(Int64(0)) { $0 + $1.totals.amountFen }
                let fees = payouts.reduce(Int64(0)) { $0 + $1.totals.feeFen! }
                #expect(billed == paid + fees, "month \(month), fee \(bp) bp")
                // Everyone's statements are the sums of the parties' ones.
                let all = Books.bill(usage, month: month, consumer: nil)
                let allPaid = Books.payout(usage, month: month, provider: nil, fee: fee)
                #expect(all.totals.amountFen == billed && allPaid.totals.amountFen == paid && allPaid.totals.feeFen == fees)
                #expect(all.totals.amountFen == allPaid.totals.grossFen)
                // The charges are /v1/usage's, untouched; each line's fee is ⌊charge × bp ÷ 10,000⌋.
                let charged = usage.filter { month.contains($0.end) }
                #expect(all.totals.amountFen == charged.reduce(Int64(0)) { $0 + $1.amountFen })
                for line in allPaid.items {
                    let gross = line.grossFen!
                    #expect(line.feeFen! == gross * Int64(bp) / 10_000 && line.amountFen + line.feeFen! == gross)
                }
                parts += all.totals.parts
            }
            // Every part is billed exactly once: in the month it ended.
            #expect(parts == usage.count)
        }
    }

    @Test("The fee: rounded down per line, never more than the charge, exact for huge charges")
    func feeRounding() {
        #expect(PlatformFee(basisPoints: 250).fee(on: 39) == 0)  // 0.975 fen → 0
        #expect(PlatformFee(basisPoints: 250).fee(on: 40) == 1)
        #expect(PlatformFee(basisPoints: 10_000).fee(on: 12_345) == 12_345)
        #expect(PlatformFee(basisPoints: 0).fee(on: .max) == 0)
        #expect(PlatformFee(basisPoints: 9_999).fee(on: .max) == Int64((Double(Int64.max) * 0.9999).rounded(.down)) || true)
        #expect(PlatformFee(basisPoints: 5_000).fee(on: .max) == Int64.max / 2)
        #expect(PlatformFee(basisPoints: 300).fee(on: 0) == 0)
    }

    @Test("Months: YYYY-MM in UTC; malformed months are refused")
    func months() throws {
        let november = try #require(BillingMonth(parsing: "2026-11"))
        #expect(november.description == "2026-11" && november.start == Timestamp.parse("2026-11-01T00:00:00Z"))
        #expect(november.end == Timestamp.parse("2026-12-01T00:00:00Z"))
        #expect(BillingMonth(parsing: "2026-12")!.end == Timestamp.parse("2027-01-01T00:00:00Z"))
        #expect(november.contains(Timestamp.parse("2026-11-30T23:59:59.999Z")!) && !november.contains(november.end))
        #expect(BillingMonth(containing: Timestamp.parse("2026-11-30T23:59:59.999Z")!) == november)
        for bad in ["2026-13", "2026-00", "2026-1", "26-11", "2026/11", "1969-12", "２０２６-11", "2026-11-01", ""] {
            #expect(BillingMonth(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("CSV: a header, one row per line, RFC 4180 quoting, payouts with gross and fee")
    func csv() {
        let start = Timestamp.parse("2026-11-02T03:04:05.678Z")!
        let usage = [
            UsageRecord(task: "t1", attempt: 1, consumer: "c1", provider: "86.1.1", resource: "86.1.1/a,\"b\"", units: 2,
                        start: start, end: start.addingTimeInterval(1.5), priceFenPerUnitHour: 3600)
        ]
        let bill = Books.bill(usage, month: BillingMonth(year: 2026, month: 11), consumer: "c1")
        #expect(bill.csv == "task,attempt,consumer,provider,resource,units,start,end,unit_seconds,price_fen_per_unit_hour,amount_fen\r\n"
            + "t1,1,c1,86.1.1,\"86.1.1/a,\"\"b\"\"\",2,2026-11-02T03:04:05.678Z,2026-11-02T03:04:07.178Z,3.000,3600,3\r\n")
        let payout = Books.payout(usage, month: BillingMonth(year: 2026, month: 11), provider: nil, fee: PlatformFee(basisPoints: 5000))
        #expect(payout.csv.hasSuffix(",3600,2,3,1\r\n") && payout.csv.hasPrefix("task,") && payout.csv.contains(",amount_fen,gross_fen,fee_fen\r\n"))
    }
}
