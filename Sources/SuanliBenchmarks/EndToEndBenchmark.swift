import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import SuanliAgent
import SuanliClient
import SuanliCore
import SuanliDemo
import SuanliServer
import SuanliStore

/// The end-to-end benchmark behind `suanli bench e2e`: a platform and two agents on loopback
/// run trivial tasks (`true`); submit-to-running latency (idle and under load) and completed
/// tasks/s, and optionally the same jobs through Slurm directly and through Suanli.
public struct EndToEndBenchmark: Sendable {
    /// Tasks to run.
    public var tasks: Int
    /// Concurrent submitters.
    public var concurrency: Int
    /// Units (cores) each agent offers; bounds tasks running at once.
    public var units: Int
    /// Tasks submitted one at a time (on an idle platform) to measure submit-to-running latency.
    public var latencySamples: Int
    /// Jobs for the Slurm comparison (sbatch directly vs through Suanli's Slurm executor); 0 skips it.
    public var slurmJobs: Int
    /// Where the agents keep their work directories (task directories, logs, job records); `nil`
    /// picks a fresh directory in a RAM filesystem when there is one (``BenchSupport/scratchDirectory(_:)``).
    public var workDirectory: String?
    /// Where progress lines go.
    public var log: @Sendable (String) -> Void

    /// Creates the benchmark; the defaults are `suanli bench e2e`'s.
    public init(
        tasks: Int = 10_000, concurrency: Int = 32, units: Int = 64, latencySamples: Int = 200, slurmJobs: Int = 40,
        workDirectory: String? = nil, log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.tasks = tasks
        self.concurrency = concurrency
        self.units = units
        self.latencySamples = latencySamples
        self.slurmJobs = slurmJobs
        self.workDirectory = workDirectory
        self.log = log
    }

    /// Runs the benchmark, logging progress and a summary; returns the figures (`--json` prints them).
    public func run() async throws -> [String: Any] {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let directory = try BenchSupport.temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The platform's database stays in the temporary directory (on disk, fsynced); the
        // agents' task directories go where `workDirectory` says (docs/operations.md says why).
        let work = try workDirectory.map { try BenchSupport.freshDirectory(in: $0, "e2e-work") } ?? BenchSupport.scratchDirectory("e2e-work")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let (workFilesystem, databaseFilesystem) = (BenchSupport.filesystemName(work), BenchSupport.filesystemName(directory))
        let operatorToken = "bench-operator-token-0000"
        let (platform, server, ports) = try await BenchSupport.platform(
            directory: directory, heartbeatInterval: 5, operatorToken: operatorToken, logger: logger)
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.connectionPool = .init(idleTimeout: .seconds(20), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency + 16)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let (agentsReady, agentsContinuation) = AsyncStream.makeStream(of: [AgentRunner].self)
        let group = ServiceGroup(services: [server, DemoAgents(ready: agentsReady)], logger: logger)
        var figures: [String: Any] = try await withThrowingTaskGroup(of: Void.self) { running in
            running.addTask { try await group.run() }
            var port = 0
            for await p in ports { port = p }
            let url = "http://127.0.0.1:\(port)"
            let op = SuanliClient(server: url, token: operatorToken, httpClient: http)
            let agents = try await BenchSupport.cpuAgents(
                name: "bench", units: units, operator: op, url: url, http: http, directory: work, logger: logger)
            agentsContinuation.yield(agents)
            agentsContinuation.finish()
            while !agents.allSatisfy(\.isRegistered) { try await Task.sleep(for: .milliseconds(20)) }
            let consumer = try await op.registerConsumer(ConsumerRegistration(name: "bench"))
            let client = SuanliClient(server: url, token: consumer.token, httpClient: http)
            let spec = TaskSpec(
                name: "true", units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: ["true"]))],
                durationS: 1, objective: .cheapest)
            log("Suanli end-to-end benchmark: \(tasks) tasks of `true`, 2 agents × \(units) cores, \(concurrency) concurrent submitters")
            log("  platform database in \(directory) (\(databaseFilesystem)); agents' work directories in \(work) (\(workFilesystem))")
            // Latency on an idle platform: one task at a time, submit → the agent reports it running.
            var latencies: [Double] = []
            for _ in 0..<latencySamples {
                let at = Date()
                let id = try await client.submit(spec).id
                while true {
                    let task = try await platform.task(id, by: .operator)
                    if let running = task.events.first(where: { $0.state == .running }) {
                        latencies.append(running.at.timeIntervalSince(at) * 1000)
                        break
                    }
                    if task.state.isFinal { break }
                    try await Task.sleep(for: .microseconds(200))
                }
            }
            while (platform.taskCounts()[.succeeded] ?? 0) < latencySamples { try await Task.sleep(for: .milliseconds(5)) }
            latencies.sort()
            let start = Date()
            let submitted: [(String, Date)] = try await withThrowingTaskGroup(of: [(String, Date)].self) { submitters in
                for lane in 0..<concurrency {
                    submitters.addTask {
                        var mine: [(String, Date)] = []
                        var i = lane
                        while i < tasks {
                            let at = Date()
                            mine.append((try await client.submit(spec).id, at))
                            i += concurrency
                        }
                        return mine
                    }
                }
                var all: [(String, Date)] = []
                for try await part in submitters { all += part }
                return all
            }
            let submitSeconds = Date().timeIntervalSince(start)
            var done = 0
            while true {
                let counts = platform.taskCounts()
                done = (counts[.succeeded] ?? 0) + (counts[.failed] ?? 0) - latencySamples
                if done >= tasks { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let totalSeconds = Date().timeIntervalSince(start)
            var loaded: [Double] = []
            var stages: [WaitStages] = []
            var failed = 0
            for (id, at) in submitted {
                let task = try await platform.task(id, by: .operator)
                if task.state != .succeeded { failed += 1 }
                stages.append(WaitStages(submittedAt: at, events: task.events))
                if let running = task.events.first(where: { $0.state == .running }) {
                    loaded.append(running.at.timeIntervalSince(at) * 1000)
                }
            }
            loaded.sort()
            let (stageP50, stageP99) = (WaitStages.percentiles(stages, 0.5), WaitStages.percentiles(stages, 0.99))
            try await http.shutdown()
            await group.triggerGracefulShutdown()
            try await running.waitForAll()
            return [
                "tasks": tasks, "failed": failed, "submit_per_s": Double(tasks) / submitSeconds,
                "completed_per_s": Double(tasks) / totalSeconds, "submit_to_running_p50_ms": BenchSupport.percentile(latencies, 0.5),
                "submit_to_running_p99_ms": BenchSupport.percentile(latencies, 0.99), "total_s": totalSeconds,
                "under_load_submit_to_running_p50_ms": BenchSupport.percentile(loaded, 0.5),
                "under_load_submit_to_running_p99_ms": BenchSupport.percentile(loaded, 0.99),
                "work_directory_filesystem": workFilesystem, "database_filesystem": databaseFilesystem,
                "under_load_stages_ms": Dictionary(
                    uniqueKeysWithValues: WaitStages.Stage.allCases.map { stage in
                        (stage.rawValue, ["p50": stageP50[stage] ?? 0, "p99": stageP99[stage] ?? 0])
                    }),
            ]
        }
        await platform.close()
        if slurmJobs > 0 {
            if let slurm = try await slurmComparison(logger: logger) {
                for (k, v) in slurm { figures[k] = v }
            } else {
                figures["slurm"] = "not available"
            }
        }
        let p50 = figures["submit_to_running_p50_ms"] as! Double
        let p99 = figures["submit_to_running_p99_ms"] as! Double
        let completed = figures["completed_per_s"] as! Double
        log(String(format: "  submitted at %.0f tasks/s; all %d done in %.2f s (%d failed)", figures["submit_per_s"] as! Double, tasks, figures["total_s"] as! Double, figures["failed"] as! Int))
        log(String(format: "  submit-to-running latency, idle platform (%d samples): p50 %.1f ms (target < 20 ms: %.2fx), p99 %.1f ms", latencySamples, p50, p50 / 20, p99))
        log(String(format: "  submit-to-running latency under full load: p50 %.1f ms, p99 %.1f ms (queueing included)", figures["under_load_submit_to_running_p50_ms"] as! Double, figures["under_load_submit_to_running_p99_ms"] as! Double))
        if let stages = figures["under_load_stages_ms"] as? [String: [String: Double]] {
            let parts = WaitStages.Stage.allCases.map { stage in
                String(format: "%@ %.0f / %.0f ms", stage.label, stages[stage.rawValue]?["p50"] ?? 0, stages[stage.rawValue]?["p99"] ?? 0)
            }
            log("    where it went under load (p50 / p99 of each stage): " + parts.joined(separator: "; "))
        }
        log(String(format: "  completed end to end: %.0f tasks/s (target >= 1000/s: %.2fx)", completed, completed / 1000))
        if let direct = figures["slurm_direct_s"] as? Double, let via = figures["slurm_via_suanli_s"] as? Double {
            log(String(format: "  Slurm, %d jobs of `true`: sbatch directly %.2f s, through Suanli's Slurm executor %.2f s (ratio %.2f)", Int32(slurmJobs), direct, via, via / direct))
        } else if slurmJobs > 0 {
            log("  Slurm comparison skipped: no Slurm (start one with scripts/slurm-up.sh)")
        }
        return figures
    }

    /// `slurmJobs` trivial jobs through `sbatch` directly, then through a platform whose agent
    /// uses the Slurm executor; `nil` when no Slurm answers.
    func slurmComparison(logger: Logger) async throws -> [String: Any]? {
        var environment = ProcessInfo.processInfo.environment
        if environment["SLURM_CONF"] == nil,
            let text = try? String(contentsOfFile: "/tmp/suanli-slurm/env", encoding: .utf8),
            let range = text.range(of: "SLURM_CONF=")
        {
            environment["SLURM_CONF"] = String(text[range.upperBound...].prefix { !$0.isWhitespace })
        }
        guard let conf = environment["SLURM_CONF"] else { return nil }
        let executor = SlurmExecutor(configuration: .init(slurmConf: conf), logger: logger)
        guard await executor.probe().available else { return nil }
        let directory = try BenchSupport.temporaryDirectory("slurm")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        log("  Slurm comparison: \(slurmJobs) jobs each way…")
        // Directly.
        let directStart = Date()
        for _ in 0..<slurmJobs {
            _ = try await CommandRunner.run(
                ["sbatch", "--parsable", "--output=/dev/null", "--wrap", "true"], environment: environment, workingDirectory: directory)
        }
        while true {
            let queue = try await CommandRunner.run(["squeue", "-h", "-o", "%i"], environment: environment)
            if queue.succeeded && queue.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let direct = Date().timeIntervalSince(directStart)
        // Through Suanli.
        let operatorToken = "bench-operator-token-0000"
        let (platform, server, ports) = try await BenchSupport.platform(
            directory: directory, heartbeatInterval: 5, operatorToken: operatorToken, logger: logger)
        let (agentsReady, agentsContinuation) = AsyncStream.makeStream(of: [AgentRunner].self)
        let group = ServiceGroup(services: [server, DemoAgents(ready: agentsReady)], logger: logger)
        let via: Double = try await withThrowingTaskGroup(of: Void.self) { running in
            running.addTask { try await group.run() }
            var port = 0
            for await p in ports { port = p }
            let url = "http://127.0.0.1:\(port)"
            let op = SuanliClient(server: url, token: operatorToken)
            let provider = try await op.registerProvider(
                ProviderRegistration(name: "slurm", contact: "bench", location: "cluster.tianfu", renewable: 0.5, pue: 1.2))
            let spec = ResourceSpec(
                kind: .cpu, arch: "x86_64", model: "slurm-partition", units: 64, memoryGiB: 1, location: "cluster.tianfu",
                priceFenPerUnitHour: 10)
            let agent = AgentRunner(
                client: SuanliClient(server: url, token: provider.token), executor: executor,
                resources: [AgentResource(suffix: "slurm/debug", spec: spec)],
                configuration: .init(heartbeatInterval: 5, workDirectory: directory + "/agent", logInterval: 5), logger: logger)
            agentsContinuation.yield([agent])
            agentsContinuation.finish()
            while !agent.isRegistered { try await Task.sleep(for: .milliseconds(20)) }
            let consumer = try await op.registerConsumer(ConsumerRegistration(name: "bench"))
            let client = SuanliClient(server: url, token: consumer.token)
            let task = TaskSpec(
                name: "true", units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: ["true"]))],
                durationS: 1, objective: .cheapest)
            let start = Date()
            for _ in 0..<slurmJobs { _ = try await client.submit(task) }
            while (platform.taskCounts()[.succeeded] ?? 0) + (platform.taskCounts()[.failed] ?? 0) < slurmJobs {
                try await Task.sleep(for: .milliseconds(100))
            }
            let elapsed = Date().timeIntervalSince(start)
            await group.triggerGracefulShutdown()
            try await running.waitForAll()
            return elapsed
        }
        await platform.close()
        return ["slurm_jobs": slurmJobs, "slurm_direct_s": direct, "slurm_via_suanli_s": via, "slurm_ratio": via / direct]
    }
}
