import Foundation
import SuanliCore

extension Registry {
    /// National totals: counts, units, peak compute by class, central/western share,
    /// capacity-weighted renewable share and utilization (definitions in `docs/api.md`).
    public func stats(now: Date) -> StatsReport {
        let t = now.timeIntervalSince1970
        var byKind: [ResourceKind: StatsReport.KindTotals] = [:]
        var pflops: [ComputeClass: Double] = [:]
        var totalPeak = 0.0
        var centralWesternPeak = 0.0
        var renewableWeighted = 0.0
        var units = 0
        var freeUnits = 0
        var availableUnits = 0
        var available = 0
        let westFlags = topology.locations.map { $0.region.isCentralOrWestern }
        for e in entries where e.alive {
            var totals = byKind[e.kind] ?? StatsReport.KindTotals()
            totals.resources += 1
            totals.units += Int(e.units)
            units += Int(e.units)
            if isAvailable(e, now: t) {
                totals.available += 1
                totals.freeUnits += Int(e.freeUnits)
                freeUnits += Int(e.freeUnits)
                availableUnits += Int(e.units)
                available += 1
            }
            byKind[e.kind] = totals
            let perUnit: Double
            switch e.computeClass.statisticalPrecision {
            case .fp64: perUnit = e.fp64
            case .fp32: perUnit = e.fp32
            case .fp16: perUnit = e.fp16
            case .int8: perUnit = e.int8
            }
            guard !perUnit.isNaN else { continue }
            let peak = perUnit * Double(e.units) / 1000  // TFLOPS → PFLOPS
            pflops[e.computeClass, default: 0] += peak
            totalPeak += peak
            if westFlags[Int(e.location)] { centralWesternPeak += peak }
            let renewable =
                e.renewableOverride.isNaN ? providers[Int(e.provider)].renewable : e.renewableOverride
            renewableWeighted += renewable * peak
        }
        return StatsReport(
            providers: providers.count, resources: resourceCount, availableResources: available, units: units,
            freeUnits: freeUnits,
            byKind: Dictionary(uniqueKeysWithValues: ResourceKind.allCases.map { ($0.rawValue, byKind[$0] ?? .init()) }),
            pflopsByClass: Dictionary(
                uniqueKeysWithValues: ComputeClass.allCases.map { ($0.rawValue, ((pflops[$0] ?? 0) * 1000).rounded() / 1000) }),
            basis: Dictionary(uniqueKeysWithValues: ComputeClass.allCases.map { ($0.rawValue, $0.statisticalPrecision.rawValue) }),
            centralWesternShare: totalPeak > 0 ? centralWesternPeak / totalPeak : 0,
            renewableShare: totalPeak > 0 ? renewableWeighted / totalPeak : 0,
            utilization: availableUnits > 0 ? 1 - Double(freeUnits) / Double(availableUnits) : 0,
            generatedAt: now)
    }
}
