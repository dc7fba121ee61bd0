import ArgumentParser
import Foundation
import Testing

@testable import SuanliCLI

/// `suanli bench federation` with tiny sizes, so that the benchmark cannot rot: the command
/// parses, the federation starts and joins, the changes converge at the root, every resolve
/// answers and tasks submitted at a hub are placed on the leaves.
@Suite("Benchmark: suanli bench federation")
struct FederationBenchTests {
    @Test func aTinyFederationConvergesAndResolves() async throws {
        let parsed = try SuanliCommand.parseAsRoot([
            "bench", "federation", "--hubs", "2", "--provinces", "3", "--resources-per-leaf", "4", "--changes", "300",
            "--resolves", "12", "--connections", "2", "--sync-interval", "0.1", "--placements", "20", "--json",
        ])
        let command = try #require(parsed as? FederationBench)
        let figures = try await command.benchmark().run()
        #expect(figures["platforms"] as? Int == 6)
        #expect(figures["changes"] as? Int == 300)
        #expect((figures["convergence_s"] as? Double ?? -1) >= 0)
        for kind in ["local", "sibling", "cousin", "single"] {
            for phase in ["cold", "cached"] {
                #expect((figures["resolve_\(kind)_\(phase)_per_s"] as? Double ?? 0) > 0, "\(kind) \(phase)")
            }
        }
        #expect((figures["ratios_vs_single"] as? [String: Double])?.count == 6)
        // 20 one-unit tasks at a hub with no resources: every one is claimed at a leaf.
        #expect(figures["placements_federated_elsewhere"] as? Int == 20)
        #expect(figures["placements_federated_placed"] as? Int == 20)
        #expect(figures["placements_single_placed"] as? Int == 20)
        #expect((figures["placements_ratio_vs_single"] as? Double ?? 0) > 0)
    }

    @Test func badSizesAreRefused() {
        for arguments in [["--hubs", "1"], ["--provinces", "2"], ["--hubs", "4", "--provinces", "4"], ["--sync-interval", "0"]] {
            #expect(throws: (any Error).self, "\(arguments)") { try SuanliCommand.parseAsRoot(["bench", "federation"] + arguments) }
        }
    }
}
