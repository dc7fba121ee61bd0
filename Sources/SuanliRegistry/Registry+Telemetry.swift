import Foundation
import SuanliCore

extension Registry {
    /// What a telemetry batch changed, for the store.
    public struct TelemetryOutcome: Sendable {
        /// New live states, one per report.
        public var states: [StoredState]
        /// Records whose price changed with the report (their version increased).
        public var repriced: [StoredResource]
    }

    /// Applies a batch of reports from `provider`, all or nothing: if any report is for an
    /// unknown resource, another provider's resource or has a bad value, nothing is applied.
    public mutating func applyTelemetry(_ reports: [TelemetryReport], from provider: Prefix, now: Date)
        throws(SuanliError) -> TelemetryOutcome
    {
        guard let providerIndex = providerByPrefix[provider] else {
            throw SuanliError(.forbidden, "provider \(provider) is not registered here")
        }
        var slots: [Int32] = []
        slots.reserveCapacity(reports.count)
        for (i, report) in reports.enumerated() {
            let field = "reports[\(i)]"
            guard let slot = slot(of: report.id) else {
                do throws(IdentifierError) {
                    _ = try Identifier(parsing: report.id)
                } catch {
                    throw SuanliError(.invalidIdentifier, "\(field).id: \(error.message)", field: "\(field).id")
                }
                throw SuanliError(.notFound, "\(field).id: no resource '\(report.id)'; register it with PUT /v1/resources/\(report.id) first", field: "\(field).id")
            }
            let e = entries[Int(slot)]
            guard e.provider == providerIndex else {
                throw SuanliError(.forbidden, "\(field).id: resource '\(report.id)' belongs to another provider", field: "\(field).id")
            }
            guard report.freeUnits >= 0, report.freeUnits <= Int(e.units) else {
                throw SuanliError(
                    .validation, "\(field).free_units must be between 0 and the resource's \(e.units) units, got \(report.freeUnits)",
                    field: "\(field).free_units")
            }
            if let u = report.utilization, !(u.isFinite && u >= 0 && u <= 1) {
                throw SuanliError(.validation, "\(field).utilization must be between 0 and 1", field: "\(field).utilization")
            }
            if let price = report.priceFenPerUnitHour, price < 0 || price > 100_000_000_000 {
                throw SuanliError(
                    .validation, "\(field).price_fen_per_unit_hour must be between 0 and 100000000000",
                    field: "\(field).price_fen_per_unit_hour")
            }
            slots.append(slot)
        }
        let t = now.timeIntervalSince1970
        var outcome = TelemetryOutcome(states: [], repriced: [])
        outcome.states.reserveCapacity(reports.count)
        for (report, slot) in zip(reports, slots) {
            let s = Int(slot)
            entries[s].freeUnits = Int32(report.freeUnits)
            entries[s].healthy = report.healthy
            entries[s].utilization = report.utilization ?? .nan
            entries[s].heartbeatAt = t
            entries[s].staleSignalled = false
            if let price = report.priceFenPerUnitHour, price != entries[s].price {
                entries[s].price = price
                entries[s].version += 1
                entries[s].updatedAt = t
                outcome.repriced.append(stored(slot))
            }
            outcome.states.append(storedState(slot))
        }
        return outcome
    }
}

extension Registry {
    /// Resources that have gone stale (no report within the heartbeat timeout) since the last
    /// sweep, each reported once until a new report arrives. A linear pass over the slots.
    public mutating func sweepStale(now: Date) -> [String] {
        let t = now.timeIntervalSince1970
        var stale: [String] = []
        for i in entries.indices where entries[i].alive && !entries[i].staleSignalled {
            if t - entries[i].heartbeatAt > heartbeatTimeout {
                entries[i].staleSignalled = true
                stale.append(entries[i].id)
            }
        }
        return stale
    }
}
