import ArgumentParser

/// The `suanli` command: server, demo, client commands and benchmarks.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct SuanliCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "suanli",
        abstract: "Suanli (算力): an internet of computing — one identifier, discovery and scheduling for compute.",
        discussion: """
            Start a platform with 'suanli serve' (or a seeded demo with 'suanli up'); query it with \
            'suanli resolve', 'suanli find', 'suanli providers', 'suanli stats' and 'suanli topology'.
            Client commands read --server / SUANLI_SERVER and --token / SUANLI_TOKEN.
            """,
        version: "0.1.0",
        subcommands: [
            Serve.self, Up.self, Resolve.self, Find.self, Providers.self, ConsumersCommand.self, Stats.self,
            TopologyCommand.self, Submit.self, QuoteCommand.self, AcceptCommand.self, Tasks.self, TaskCommand.self, Cancel.self, Explain.self, Logs.self, Usage.self, BillsCommand.self, PayoutsCommand.self, BudgetCommand.self, AgentCommand.self,
            TokensCommand.self, AuditorsCommand.self, AuditCommand.self, FederationCommand.self,
            Sim.self, Bench.self, Backup.self, Restore.self,
        ]
    )

    public init() {}
}
