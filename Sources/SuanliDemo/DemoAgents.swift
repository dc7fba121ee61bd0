import ServiceLifecycle
import SuanliAgent

/// Runs in-process agents once they exist (the service group starts before they do): `up`'s
/// demo agents and the benchmarks' agents.
public struct DemoAgents: Service {
    /// The agents to run: the last list the stream yields before it finishes.
    public let ready: AsyncStream<[AgentRunner]>

    /// Creates the service; it waits for `ready` to finish, then runs every agent it yielded.
    public init(ready: AsyncStream<[AgentRunner]>) { self.ready = ready }

    /// Runs the agents until they all return (they stop at graceful shutdown).
    public func run() async throws {
        // Shutting down before the agents exist ends the wait at once.
        let ready = self.ready
        let agents: [AgentRunner] =
            (await cancelWhenGracefulShutdown {
                var agents: [AgentRunner] = []
                for await list in ready { agents = list }
                return agents
            }) ?? []
        guard !agents.isEmpty, !Task.isShuttingDownGracefully else { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for agent in agents { group.addTask { try await agent.run() } }
            try await group.waitForAll()
        }
    }
}
