import Foundation
import SuanliCore

extension Simulation.Report {
    /// The report as the lines `suanli sim` prints: placement, waits, prices, RTT, renewable
    /// share, utilisation by hub, optimiser gain, violations and engine work.
    ///
    /// `load` is the offered load the run used; `wallSeconds` the wall-clock time of the run.
    public func summary(load: Double, wallSeconds: Double, topology: Topology = .national) -> [String] {
        func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        var lines: [String] = []
        lines.append(
            "Suanli simulation: \(providers) providers, \(resources) resources, \(tasks) tasks, seed \(seed), load \(load)")
        lines.append(
            "  placed: \(placed) of \(tasks - rejected) placeable (\(pct(placementRate))); \(placedImmediately) at once, \(expired) expired at their deadline, \(stillQueued) still queued, \(rejected) rejected as impossible"
        )
        lines.append(String(format: "  wait: mean %.0f s, p95 %.0f s", meanWaitS, p95WaitS))
        lines.append(
            String(
                format:
                    "  mean price: %.1f fen per accelerator-hour, %.1f fen per core-hour; mean RTT from data: %.1f ms; renewable share: %@",
                meanAcceleratorPrice, meanCPUPrice, meanRttMs, pct(renewableShare)))
        lines.append(
            "  placed by class: " + placedByClass.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("  utilisation by hub over \(String(format: "%.1f", simulatedHours)) simulated hours:")
        for hub in Topology.hubCodes {
            let name = topology.location(code: hub)?.name ?? hub
            lines.append(
                "    \(hub.padding(toLength: 24, withPad: " ", startingAt: 0)) \(pct(utilizationByHub[hub] ?? 0).padding(toLength: 7, withPad: " ", startingAt: 0)) \(name)"
            )
        }
        if drainOptimisedCost < drainGreedyCost {
            lines.append(
                String(
                    format: "  batch optimiser: drained placements cost %.1f instead of %.1f greedy (%.2f%% lower)",
                    drainOptimisedCost, drainGreedyCost, (1 - drainOptimisedCost / max(1e-9, drainGreedyCost)) * 100))
        }
        lines.append(
            String(
                format: "  spend: %lld fen in all; spot preemptions: %d (%.1f unit-hours of preempted work ran again)", spendFen, preemptions,
                preemptedUnitHours))
        if !consumers.isEmpty {
            lines.append("  by consumer (submitted, placed, mean wait, spend, fair-share factor at the end):")
            for (name, c) in consumers.sorted(by: { $0.value.spendFen > $1.value.spendFen }) {
                lines.append(
                    String(
                        format: "    %@ %6d %6d %8.0f s %14lld fen  %.3f", name.padding(toLength: 9, withPad: " ", startingAt: 0), c.submitted,
                        c.placed, c.meanWaitS, c.spendFen, c.factor))
            }
        }
        lines.append("  constraint violations (checked independently): \(violations)")
        lines.append("  \(counters)")
        for sample in violationSamples { lines.append("    \(sample)") }
        lines.append(
            String(
                format: "  engine: %d calls in %.2f s (%.1f µs/call); wall %.2f s", engineCalls, engineSeconds,
                engineSeconds / Double(max(1, engineCalls)) * 1e6, wallSeconds))
        return lines
    }
}
