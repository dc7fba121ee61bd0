import Foundation

/// The normalised compute unit: one **standard TFLOPS-hour** is one TFLOPS of rated peak at the
/// precision the resource's class is counted in (general FP32, intelligent and edge FP16,
/// supercomputing FP64 — the bases of `/v1/stats`), sustained for an hour, optionally scaled
/// by a measured efficiency (the `efficiency` label, 0 < e ≤ 1).
///
/// A unit-hour of a resource is worth `peak × efficiency` standard hours, so its price per
/// standard hour is `price_fen_per_unit_hour ÷ (peak × efficiency)`, rounded to 0.01 fen. The
/// peak is the provider's `tflops` at that precision, else the ``ChipPeaks`` row of its model;
/// without either the resource is unrated and has no standard price.
public enum StandardUnit {
    /// The label that carries a measured efficiency (e.g. `"efficiency": "0.62"`).
    public static let efficiencyLabel = "efficiency"

    /// Standard TFLOPS per unit: the rated peak at the class's precision times the efficiency, or nil when unrated.
    public static func perUnit(
        computeClass: ComputeClass, model: String, tflops: TFLOPS, labels: [String: String]
    ) -> Double? {
        let precision = computeClass.statisticalPrecision
        guard let peak = tflops[precision] ?? ChipPeaks.lookup(model: model)?.tflops[precision], peak > 0 else {
            return nil
        }
        return peak * (efficiency(labels) ?? 1)
    }

    /// The measured efficiency in `labels`, if it is a number in (0, 1].
    public static func efficiency(_ labels: [String: String]) -> Double? {
        guard let text = labels[efficiencyLabel], let value = Double(text), value > 0, value <= 1 else { return nil }
        return value
    }

    /// Checks the `efficiency` label, when present: a number greater than 0 and at most 1.
    public static func validate(labels: [String: String]) throws(ValidationError) {
        guard let text = labels[efficiencyLabel] else { return }
        guard efficiency(labels) != nil else {
            throw ValidationError(
                field: "labels.\(efficiencyLabel)",
                "labels.\(efficiencyLabel) must be a number greater than 0 and at most 1 (measured ÷ rated peak), got '\(Validation.excerpt(text))'")
        }
    }

    /// Fen per standard TFLOPS-hour for a price per unit-hour and standard TFLOPS per unit, rounded to 0.01 fen.
    public static func price(fenPerUnitHour: Int64, standardPerUnit: Double?) -> Double? {
        guard let standardPerUnit, standardPerUnit > 0, standardPerUnit.isFinite else { return nil }
        return (Double(fenPerUnitHour) / standardPerUnit * 100).rounded() / 100
    }
}

extension ResourceSpec {
    /// Standard TFLOPS per unit of this resource (see ``StandardUnit``), or nil when unrated.
    public var standardTFLOPSPerUnit: Double? {
        StandardUnit.perUnit(computeClass: computeClass, model: model, tflops: tflops, labels: labels)
    }

    /// The price in fen per standard TFLOPS-hour (see ``StandardUnit``), or nil when unrated.
    public var priceFenPerStandardHour: Double? {
        StandardUnit.price(fenPerUnitHour: priceFenPerUnitHour, standardPerUnit: standardTFLOPSPerUnit)
    }
}
