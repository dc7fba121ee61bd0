import Foundation
import SuanliCore

/// The figures of an offer derived from its placement: mean price, estimated cost, RTT and
/// renewable share. Integer fen, rounded the way metering rounds (a started fen is charged).
public enum OfferTerms {
    /// Builds the offer `id` for a held placement.
    ///
    /// - `price_fen_per_unit_hour`: ⌈Σ units × price ÷ Σ units⌉ (the parts keep their exact prices);
    /// - `estimated_cost_fen`: Σ over parts of ⌈units × duration_ms × price ÷ 3,600,000⌉, as
    ///   `GET /v1/usage` meters a part that runs `duration_s`; nil without a duration;
    /// - `rtt_ms`: the largest part RTT; `renewable`: unit-weighted;
    /// - `standardPerUnit`: standard TFLOPS per unit of each part's resource (nil: unrated), for
    ///   the unit-weighted price per standard TFLOPS-hour, rounded to 0.01 fen.
    public static func offer(
        id: String, placement: Placement, durationS: Double?, start: Date,
        standardPerUnit: (String) -> Double? = { _ in nil }, reliability: (String) -> Double? = { _ in nil }
    ) -> QuoteOffer {
        let units = Int64(placement.units)
        let weighted = placement.parts.reduce(Int64(0)) { $0 + Int64($1.units) * $1.priceFenPerUnitHour }
        let mean = units == 0 ? 0 : (weighted + units - 1) / units
        var cost: Int64? = nil
        if let durationS {
            let ms = Int64((durationS * 1000).rounded())
            cost = placement.parts.reduce(Int64(0)) { sum, part in
                sum + meteredFen(units: Int64(part.units), milliseconds: ms, price: part.priceFenPerUnitHour)
            }
        }
        let rtts = placement.parts.compactMap(\.rttMs)
        let renewable =
            units == 0 ? 0 : placement.parts.reduce(0.0) { $0 + Double($1.units) * $1.renewable } / Double(units)
        var standard: Double? = 0
        var standardUnits = 0.0
        for part in placement.parts {
            guard let perUnit = standardPerUnit(part.resource), perUnit > 0, let sofar = standard else {
                standard = nil
                break
            }
            standard = sofar + Double(part.units) * Double(part.priceFenPerUnitHour)
            standardUnits += Double(part.units) * perUnit
        }
        let standardPrice = standard.flatMap { standardUnits > 0 ? ($0 / standardUnits * 100).rounded() / 100 : nil }
        let scores = placement.parts.map { reliability($0.resource) }
        let lowest: Double? = scores.contains(where: { $0 == nil }) || scores.isEmpty ? nil : scores.compactMap { $0 }.min()
        return QuoteOffer(
            id: id, placement: placement, priceFenPerUnitHour: mean, estimatedCostFen: cost, estimatedStart: start,
            rttMs: rtts.count == placement.parts.count ? rtts.max() : nil, renewable: (renewable * 1000).rounded() / 1000,
            reliability: lowest, priceFenPerStandardHour: standardPrice)
    }

    /// ⌈units × milliseconds × price ÷ 3,600,000⌉ in integer arithmetic (the metering rule), saturating.
    public static func meteredFen(units: Int64, milliseconds: Int64, price: Int64) -> Int64 {
        let (a, o1) = units.multipliedReportingOverflow(by: milliseconds)
        let (b, o2) = a.multipliedReportingOverflow(by: price)
        if o1 || o2 { return .max }
        return (b + 3_599_999) / 3_600_000
    }
}
