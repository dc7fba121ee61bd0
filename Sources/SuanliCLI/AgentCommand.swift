import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SuanliAgent
import SuanliClient
import SuanliCore

/// `suanli agent`: runs next to a provider's machines or cluster.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the provider agent: register resources, report live state, run assigned work.",
        discussion: """
            Resources come from detection (CPU, memory, NVIDIA GPUs via nvidia-smi) and from --resource-file \
            (other accelerators, a Slurm partition's inventory; see docs/agent.md).
            """)

    @Option(help: "Platform URL, or the URLs of one platform's instances as URL1,URL2,… (tried in turn when one cannot be reached or answers 503) (env SUANLI_SERVER).")
    var server: String = ProcessInfo.processInfo.environment["SUANLI_SERVER"] ?? "http://127.0.0.1:8080"
    // No default value: help would print it, and a token is a secret.
    @Option(name: .customLong("token"), help: "The provider's token (default: $SUANLI_TOKEN).")
    var tokenOption: String?
    /// `--token`, else `SUANLI_TOKEN`.
    var token: String { tokenOption ?? ProcessInfo.processInfo.environment["SUANLI_TOKEN"] ?? "" }
    @Option(help: "Location code of the detected resources, e.g. cluster.zhangjiakou.") var location = "city.beijing"
    @Option(help: "Executor: process (local processes) or slurm (sbatch).") var executor = "process"
    @Option(help: "Work directory for tasks' files.") var workDir = "./suanli-work"
    @Option(help: "JSON file of resources to register in addition to (or instead of) detected ones.") var resourceFile: String?
    @Flag(help: "Register only the resource file's resources.") var noDetect = false
    @Option(help: "Price of detected resources in fen per unit-hour.") var price: Int64 = 100
    @Option(help: "Seconds between heartbeats until the platform's lease is known (the platform's interval and lease then apply).")
    var heartbeatInterval: Double = 10
    @Option(help: "Log level.") var logLevel = "info"

    func validate() throws {
        guard !token.isEmpty else { throw ValidationError("the agent needs the provider's token: --token or SUANLI_TOKEN") }
        guard executor == "process" || executor == "slurm" else { throw ValidationError("--executor must be process or slurm") }
        try checkLocation(location, option: "--location")
        guard heartbeatInterval >= 0.05 else { throw ValidationError("--heartbeat-interval must be at least 0.05 s") }
        if noDetect && resourceFile == nil { throw ValidationError("--no-detect needs --resource-file") }
    }

    func run() async throws {
        _ = bootstrapLogging
        var logger = Logger(label: "suanli.agent")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var resources: [AgentResource] = []
        if !noDetect {
            resources = await HostInventory.detect().resources(location: location, pricing: .flat(price))
        }
        if let resourceFile {
            do {
                let file = try ResourceFile.load(path: resourceFile, defaultLocation: location, pricing: .flat(price))
                resources = AgentResource.merging(detected: resources, file: file)
            } catch {
                fail("\(error)")
            }
        }
        guard !resources.isEmpty else { fail("nothing to register: detection found nothing and no --resource-file was given") }
        let work = (workDir as NSString).isAbsolutePath ? workDir : FileManager.default.currentDirectoryPath + "/" + workDir
        let stateDirectory = WorkLayout(root: work).stateDirectory
        let notice: Double
        do {
            notice = try PreemptNotice.seconds()
        } catch {
            fail(error.message)
        }
        let runner: any Executor =
            executor == "slurm"
            ? SlurmExecutor(configuration: .init(stateDirectory: stateDirectory), logger: logger)
            : ProcessExecutor(
                configuration: .init(terminationGrace: notice, stateDirectory: stateDirectory), logger: logger)
        let agent = AgentRunner(
            client: SuanliClient(server: server, token: token), executor: runner, resources: resources,
            configuration: .init(heartbeatInterval: heartbeatInterval, workDirectory: work), logger: logger)
        print("suanli agent: \(resources.count) resource(s), \(runner.name) executor, work in \(work), platform \(server)")
        fflush(nil)
        let group = ServiceGroup(
            configuration: .init(services: [agent], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as ClientError {
            fail(error.message)
        }
    }
}
