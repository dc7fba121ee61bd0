import ArgumentParser

/// `suanli bench …`: benchmarks that print numbers.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print figures (no pass/fail).", subcommands: [RegistryBench.self, SchedulerBench.self, EndToEndBench.self, DrainBench.self, ResolveBench.self, SoakBench.self, ClusterBench.self, FederationBench.self, StoreBench.self])
}
