import Foundation
import SuanliAgent
import NIOCore
import SuanliClient
import SuanliCore
import Synchronization
import Testing

/// The PostgreSQL the cluster tests use (`scripts/postgres-up.sh` prints it).
let clusterTestDatabaseURL = ProcessInfo.processInfo.environment["SUANLI_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

/// Several `suanli serve --database` processes on one real PostgreSQL (`SUANLI_TEST_DATABASE_URL`,
/// `scripts/postgres-up.sh`; each test in a fresh schema): one platform, any instance answers,
/// and `kill -9` of the leader while tasks are submitted and run loses no acknowledged write,
/// runs no task twice at once, and every accepted task ends.
@Suite(
    "Cluster: instances on PostgreSQL, failover", .serialized,
    ExternalTools.needs("PostgreSQL (SUANLI_TEST_DATABASE_URL; scripts/postgres-up.sh)", clusterTestDatabaseURL != nil))
struct ClusterFailoverTests {
    static let token = "cluster-operator-token-000000"

    /// The test database in a schema of its own.
    static func freshDatabase() throws -> String {
        let url = try #require(clusterTestDatabaseURL, "SUANLI_TEST_DATABASE_URL is not set (scripts/postgres-up.sh prints it)")
        let schema = "ha_" + UUID().uuidString.prefix(8).lowercased()
        return url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
    }

    /// One `suanli serve --database` instance.
    static func instance(_ database: String, lease: Double, heartbeat: Double = 10) throws -> ServerProcess {
        try ServerProcess(
            data: TestPlatform.temporaryDirectory(), token: token,
            extra: ["--database", database, "--lease", String(lease), "--heartbeat-interval", String(heartbeat)])
    }

    /// `GET /v1/platform/instances` as the operator, through `url`.
    static func instances(_ url: String) async throws -> [PlatformInstance] {
        // A short timeout: a standby's forward to a frozen leader hangs until the caller gives up.
        let client = SuanliClient(server: url, token: token, timeout: .seconds(2))
        let (_, data) = try await client.raw(.GET, Endpoints.platformInstances.path(), body: nil)
        return try SuanliJSON.decoder().decode(ItemList<PlatformInstance>.self, from: data).items
    }

    /// The leader's URL as `url` lists it, once exactly one instance of `expected` leads.
    static func leader(via url: String, among expected: Set<String>, timeout: Double = 20) async throws -> String? {
        var found: String?
        _ = try await eventually(timeout) {
            guard let listed = try? await instances(url) else { return false }
            let leaders = listed.filter(\.leader).map(\.url)
            found = leaders.count == 1 && expected.contains(leaders[0]) ? leaders[0] : nil
            return found != nil
        }
        return found
    }

    @Test func instancesFormOnePlatformAndAStandbyForwardsEverything() async throws {
        let database = try Self.freshDatabase()
        let first = try Self.instance(database, lease: 1.5)
        defer { first.stop() }
        let second = try Self.instance(database, lease: 1.5)
        defer { second.stop() }
        let urls: Set<String> = [first.url, second.url]
        let leaderURL = try #require(try await Self.leader(via: second.url, among: urls))
        let standbyURL = leaderURL == first.url ? second.url : first.url
        var listed: [PlatformInstance] = []
        #expect(try await eventually { listed = try await Self.instances(standbyURL); return listed.count == 2 })
        #expect(Set(listed.map(\.url)) == urls)
        #expect(listed.filter(\.leader).map(\.url) == [leaderURL])
        #expect(Set(listed.map(\.id)).count == 2)

        // A write through the standby is visible through both at once.
        let viaStandby = SuanliClient(server: standbyURL, token: Self.token)
        let provider = try await viaStandby.registerProvider(
            ProviderRegistration(name: "HA", contact: "ops@example.com", location: "cluster.zhangjiakou", renewable: 0.5, pue: 1.2))
        let resourceID = "\(provider.prefix)/n1"
        let (_, created) = try await SuanliClient(server: standbyURL, token: provider.token).putResource(resourceID, gpuSpec())
        #expect(created)
        #expect(try await SuanliClient(server: leaderURL).resolve(resourceID).id.description == resourceID)
        #expect(try await SuanliClient(server: standbyURL).resolve(resourceID).id.description == resourceID)
        // Errors come back as the leader wrote them; the instances need a token.
        await expectAPIError(401, "unauthorized") {
            _ = try await SuanliClient(server: standbyURL).raw(.GET, Endpoints.platformInstances.path(), body: nil)
        }
        await expectAPIError(404, "not_found") { _ = try await SuanliClient(server: standbyURL).resolve("\(provider.prefix)/none") }
        // Every instance answers its own health check.
        try await SuanliClient(server: standbyURL).health()

        // A graceful stop of the leader hands over at the standby's next attempt.
        if leaderURL == first.url { first.stop() } else { second.stop() }
        #expect(try await Self.leader(via: standbyURL, among: [standbyURL]) == standbyURL)
        #expect(try await SuanliClient(server: standbyURL).resolve(resourceID).id.description == resourceID)
        let survivor = SuanliClient(server: standbyURL, token: provider.token)
        #expect(try await survivor.putResource("\(provider.prefix)/n2", gpuSpec()).created)
    }

    /// A leader that was paused (SIGSTOP) past its lease comes back deposed: its platform's
    /// writes are fenced off (refused, or forwarded to the new leader once it stepped down), so
    /// nothing it acknowledges contradicts what the new leader acknowledged.
    @Test func aPausedLeaderCannotWriteWhenItWakes() async throws {
        let database = try Self.freshDatabase()
        let first = try Self.instance(database, lease: 1.5)
        defer { first.stop() }
        let second = try Self.instance(database, lease: 1.5)
        defer { second.stop() }
        let leaderURL = try #require(try await Self.leader(via: first.url, among: [first.url, second.url]))
        let (paused, other) = leaderURL == first.url ? (first, second) : (second, first)
        let before = try await SuanliClient(server: paused.url, token: Self.token).registerConsumer(ConsumerRegistration(name: "before"))
        paused.process.signal(SIGSTOP)
        #expect(try await Self.leader(via: other.url, among: [other.url]) == other.url, "the other instance took over")
        let after = try await SuanliClient(server: other.url, token: Self.token).registerConsumer(ConsumerRegistration(name: "after"))
        paused.process.signal(SIGCONT)
        // Straight at the woken instance, before and while it notices it was deposed.
        var acknowledged: [ConsumerRecord] = [before, after]
        let stale = SuanliClient(server: paused.url, token: Self.token)
        for round in 0..<20 {
            if let record = try? await stale.registerConsumer(ConsumerRegistration(name: "woken-\(round)")) { acknowledged.append(record) }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(acknowledged.count > 2, "the woken instance forwards once it stepped down")
        let ids = acknowledged.map(\.id)
        #expect(Set(ids).count == ids.count, "two acknowledged writes got the same id: \(ids)")
        let stored = try await SuanliClient(server: other.url, token: Self.token).consumers()
        for record in acknowledged {
            #expect(stored.contains { $0.id == record.id && $0.name == record.name }, "acknowledged \(record.id) \(record.name) is not stored")
        }
        #expect(try await Self.leader(via: paused.url, among: [other.url]) == other.url)
    }

    /// Submissions and their answers, by task name.
    final class Ledger: Sendable {
        struct Entry: Sendable {
            var attempted: Set<String> = []
            var acknowledged: [String: String] = [:]  // name → id
        }
        let entries = Mutex(Entry())
    }

    @Test func killingTheLeaderLosesNoAcknowledgedWriteAndRunsNoTaskTwice() async throws {
        let database = try Self.freshDatabase()
        let lease = 1.5
        let heartbeat = 0.5  // agents: lease 1.5 s, fence after 1 s
        var servers = try (0..<3).map { _ in try Self.instance(database, lease: lease, heartbeat: heartbeat) }
        defer { for server in servers { server.stop() } }
        let all = servers.map(\.url).joined(separator: ",")
        let firstLeader = try #require(try await Self.leader(via: servers[0].url, among: Set(servers.map(\.url))))
        let op = SuanliClient(server: all, token: Self.token)
        let provider = try await op.registerProvider(
            ProviderRegistration(name: "P", contact: "p", location: "city.shanghai", renewable: 0.5, pue: 1.2))
        let consumer = try await op.registerConsumer(ConsumerRegistration(name: "c"))
        let work = TestPlatform.temporaryDirectory()
        let resources = work + "/resources.json"
        try #"[{"suffix":"cpu","spec":{"kind":"cpu","arch":"x86_64","model":"Test CPU","units":16,"memory_gib":1,"price_fen_per_unit_hour":10}}]"#
            .write(toFile: resources, atomically: true, encoding: .utf8)
        // The agent starts on a standby's URL and knows them all.
        let standbyFirst = servers.map(\.url).sorted { a, _ in a != firstLeader }.joined(separator: ",")
        let agent = try AgentProcess(
            server: standbyFirst, token: provider.token!, location: "city.shanghai", work: work + "/work", heartbeat: heartbeat,
            extra: ["--no-detect", "--resource-file", resources])
        defer { agent.stop() }
        #expect(try await eventually { try await op.stats().availableResources == 1 })

        let log = work + "/runs.log"
        let command = RunLog.command(path: log, ticks: 4, pause: 0.05)
        let ledger = Ledger()
        let submitters = 6
        let perSubmitter = 25
        var failovers: [Double] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            for submitter in 0..<submitters {
                // Each submitter starts on another instance and fails over through the list.
                let rotated = (0..<3).map { servers[($0 + submitter) % 3].url }.joined(separator: ",")
                let client = SuanliClient(server: rotated, token: consumer.token)
                group.addTask {
                    for i in 0..<perSubmitter {
                        let name = "ha-\(submitter)-\(i)"
                        var spec = TaskSpec(
                            name: name, units: 1, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: command))])
                        spec.maxRetries = 10
                        ledger.entries.withLock { _ = $0.attempted.insert(name) }
                        do {
                            let submitted = try await client.submit(spec)
                            ledger.entries.withLock { $0.acknowledged[name] = submitted.id }
                        } catch let error as ClientError where (400..<500).contains(error.status) {
                            Issue.record("submission refused: \(error)")  // only the failover may fail a submission
                        } catch {}
                        try await Task.sleep(for: .milliseconds(100 + (i * 37 + submitter * 11) % 150))
                    }
                }
            }
            // Twice: kill -9 the leader, time the takeover, start a fresh instance in its place.
            for round in 0..<2 {
                try await Task.sleep(for: .seconds(1.5))
                let leaderURL = try #require(try await Self.leader(via: servers[(round + 1) % 3].url, among: Set(servers.map(\.url))))
                let index = try #require(servers.firstIndex { $0.url == leaderURL })
                let killedAt = ContinuousClock.now
                servers[index].kill9()
                let survivors = Set(servers.indices.filter { $0 != index }.map { servers[$0].url })
                let next = try await Self.leader(via: survivors.first!, among: survivors, timeout: 30)
                #expect(next != nil, "a survivor took over")
                // Taken over when a write through a survivor is acknowledged again.
                let survivorClient = SuanliClient(server: survivors.sorted().joined(separator: ","), token: Self.token)
                _ = try await eventually(30) { (try? await survivorClient.registerConsumer(ConsumerRegistration(name: "probe-\(round)"))) != nil }
                let elapsed = ContinuousClock.now - killedAt
                failovers.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                servers[index] = try Self.instance(database, lease: lease, heartbeat: heartbeat)
            }
            try await group.waitForAll()
        }
        print("cluster failover: lease \(lease) s, kill -9 of the leader to the first acknowledged write: \(failovers.map { String(format: "%.2f s", $0) })")

        let (attempted, acknowledged) = ledger.entries.withLock { ($0.attempted, $0.acknowledged) }
        // How many are acknowledged depends on how long the failovers take on a loaded machine; every one counts below.
        #expect(!acknowledged.isEmpty, "no submission was acknowledged")
        print("cluster failover: \(acknowledged.count) of \(attempted.count) submissions acknowledged")
        let reader = SuanliClient(server: servers.map(\.url).joined(separator: ","), token: Self.token)
        var tasks: [String: TaskRecord] = [:]
        let ended = try await eventually(60) {
            tasks = try await PlatformCrashTests.allTasks(reader)
            return tasks.values.allSatisfy(\.state.isFinal)
        }
        let open = tasks.values.filter { !$0.state.isFinal }.map { "\($0.id) \($0.state.rawValue)" }
        #expect(ended, "every task ends; still open: \(open.prefix(10))")
        for (name, id) in acknowledged {
            #expect(tasks[id]?.name == name, "acknowledged \(id) (\(name)) is missing or changed")
        }
        let names = tasks.values.map(\.name)
        #expect(Set(names).isSubset(of: attempted), "tasks nobody submitted")
        #expect(Set(names).count == names.count, "a submission created two tasks")
        let notSucceeded = tasks.values.filter { $0.state != .succeeded }.map { "\($0.id) \($0.state.rawValue): \($0.events.last?.message ?? "")" }
        #expect(notSucceeded.isEmpty, "\(notSucceeded.prefix(5))")
        let runs = RunLog(path: log)
        for id in tasks.keys {
            #expect(runs.tasks[id]?.values.contains { $0.ended } == true, "task \(id) succeeded but no attempt ran to its end")
        }
        #expect(runs.repeatedStarts.isEmpty, "attempts started twice: \(runs.repeatedStarts.prefix(5))")
        #expect(runs.overlaps.isEmpty, "attempts alive at once: \(runs.overlaps.prefix(5))")
    }
}
