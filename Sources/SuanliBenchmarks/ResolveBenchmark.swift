import AsyncHTTPClient
import Foundation
import SuanliAgent
import Logging
import ServiceLifecycle
import SuanliCore
import SuanliServer
import SuanliSimulation
import SuanliStore

/// The benchmark behind `suanli bench resolve`: `GET /v1/resolve/{id}` on Suanli against nginx
/// serving the same record as a static file, with the same `wrk` command, plus in-process
/// resolves/s.
public struct ResolveBenchmark: Sendable {
    /// Resources in the seeded registry.
    public var resources: Int
    /// wrk connections (`-c`).
    public var connections: Int
    /// Seconds of load per server and round (`-d`).
    public var seconds: Int
    /// Rounds of Suanli then nginx; the ratio reported is the median round's.
    public var rounds: Int
    /// Where progress lines go.
    public var log: @Sendable (String) -> Void

    /// Why the benchmark cannot run.
    public struct Missing: Error, CustomStringConvertible {
        /// The message for the user.
        public var description: String
    }

    /// Creates the benchmark; the defaults are `suanli bench resolve`'s (the issue's `wrk -t1 -c32 -d10s`).
    public init(
        resources: Int = 100_000, connections: Int = 32, seconds: Int = 10, rounds: Int = 3, log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.resources = resources
        self.rounds = max(1, rounds)
        self.connections = connections
        self.seconds = seconds
        self.log = log
    }

    /// wrk's figures for one run.
    struct WrkResult {
        var requestsPerSecond: Double
        var latency: [String: String]
        var errors: String?
    }

    /// Runs both servers under wrk and the in-process loop; returns the figures (`--json` prints them).
    public func run() async throws -> [String: Any] {
        guard let wrk = Self.executable(["/usr/bin/wrk", "/usr/local/bin/wrk"]) else {
            throw Missing(description: "wrk is not installed; install it with: apt-get install -y wrk")
        }
        guard let nginx = Self.executable(["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"]) else {
            throw Missing(description: "nginx is not installed; install it with: apt-get install -y nginx")
        }
        let directory = try BenchSupport.temporaryDirectory("bench-resolve")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let platformPrefix = Prefix(segments: [86, 1])!
        let network = SyntheticNetwork(providers: max(36, resources / 2000), resources: resources, seed: 7)
        let now = Date()
        var ids: [String] = []
        let store = try SQLiteStore(path: directory + "/suanli.sqlite")
        var mutations: [StoreMutation] = network.providers.enumerated().map { i, p in
            .putProvider(
                StoredProvider(
                    prefix: platformPrefix.child(UInt32(i + 1))!, registration: p.registration, tokenHash: "bench-\(i)", createdAt: now))
        }
        for i in 0..<resources {
            let r = network.resource(i)
            let prefix = platformPrefix.child(UInt32(r.provider + 1))!
            let id = try Identifier(prefix: prefix, suffix: r.suffix)
            if ids.count < 10_000 { ids.append(id.string) }
            mutations.append(
                .putResource(
                    StoredResource(id: id, seq: UInt64(i + 1), provider: prefix, spec: r.spec, version: 1, createdAt: now, updatedAt: now),
                    StoredState(
                        id: id.string, freeUnits: r.spec.units, healthy: true, utilization: 0.5, heartbeatAt: now.timeIntervalSince1970)))
            if mutations.count >= 50_000 {
                try await store.apply(mutations)
                mutations.removeAll(keepingCapacity: true)
            }
        }
        try await store.apply(mutations)
        await store.close()

        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let platform = try await Platform.open(
            configuration: PlatformConfiguration(
                dataDirectory: directory, prefix: platformPrefix, heartbeatInterval: 1e8, operatorToken: "bench-operator-token-0000"),
            store: try SQLiteStore(path: directory + "/suanli.sqlite"), logger: logger)
        var figures: [String: Any] = ["resources": resources, "connections": connections, "seconds": seconds, "threads": 1]
        log("Suanli resolve vs nginx: \(BenchSupport.rate(Double(resources))) resources, wrk -t1 -c\(connections) -d\(seconds)s, \(rounds) alternating rounds, same record")

        // In-process: identifier parse + lock + full record, as the route calls it.
        let count = 2_000_000
        var hits = 0
        let inProcess = BenchSupport.time {
            for i in 0..<count where (try? platform.resolve(ids[i % ids.count])) != nil { hits += 1 }
        }
        precondition(hits == count, "seeded identifiers must resolve")
        figures["in_process_resolves_per_s"] = Double(count) / inProcess
        log("  in-process platform.resolve (parse + lock + record), 1 thread: \(BenchSupport.rate(Double(count) / inProcess))/s")

        let id = ids[ids.count / 2]
        let path = "/v1/resolve/" + id
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = PlatformServer(platform: platform, host: "127.0.0.1", port: 0, logger: logger) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let group = ServiceGroup(services: [server], logger: logger)
        let rounds: [(suanli: WrkResult, nginx: WrkResult)]
        let record: Data
        (rounds, record) = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                var port = 0
                for await p in ports { port = p }
                let suanliURL = "http://127.0.0.1:\(port)\(path)"
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: suanliURL), timeout: .seconds(10))
                let body = Data(buffer: try await response.body.collect(upTo: 1 << 20))
                guard response.status == .ok else {
                    throw Missing(description: "GET \(path) answered \(response.status.code): \(String(decoding: body, as: UTF8.self))")
                }
                let nginxProcess = try await startNginx(nginx, serving: body, at: path, in: directory)
                defer {
                    nginxProcess.process.signal(SIGTERM)
                    nginxProcess.process.waitUntilExit()
                }
                // Alternate the two servers, so that a slow minute of a shared machine falls on both.
                var rounds: [(suanli: WrkResult, nginx: WrkResult)] = []
                for round in 1...self.rounds {
                    let suanli = try await Self.wrk(wrk, url: suanliURL, connections: connections, seconds: seconds)
                    report("round \(round) Suanli", suanli)
                    let nginx = try await Self.wrk(wrk, url: nginxProcess.url, connections: connections, seconds: seconds)
                    report("round \(round) nginx (static file)", nginx)
                    log(String(format: "  round %d ratio: %.2f", round, suanli.requestsPerSecond / nginx.requestsPerSecond))
                    rounds.append((suanli, nginx))
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return (rounds, body)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
        await platform.close()
        let ratios = rounds.map { $0.suanli.requestsPerSecond / $0.nginx.requestsPerSecond }
        let ratio = ratios.sorted()[ratios.count / 2]
        let median = rounds[ratios.firstIndex(of: ratio)!]
        figures["rounds"] = self.rounds
        figures["ratios"] = ratios
        figures["suanli_req_per_s"] = median.suanli.requestsPerSecond
        figures["nginx_req_per_s"] = median.nginx.requestsPerSecond
        figures["suanli_latency"] = median.suanli.latency
        figures["nginx_latency"] = median.nginx.latency
        let errors = rounds.flatMap { [$0.suanli.errors, $0.nginx.errors] }.compactMap { $0 }
        if !errors.isEmpty { figures["errors"] = errors }
        figures["ratio"] = ratio
        figures["record_bytes"] = record.count
        log(String(format: "  median round: Suanli %@ req/s, nginx %@ req/s", BenchSupport.rate(median.suanli.requestsPerSecond),
                   BenchSupport.rate(median.nginx.requestsPerSecond)))
        log(String(format: "  ratio Suanli / nginx: %.2f, the median of %d alternating rounds (target >= 0.6); record %d bytes; both share this machine's %d cores with wrk",
                   ratio, self.rounds, record.count, ProcessInfo.processInfo.activeProcessorCount))
        return figures
    }

    /// Starts nginx serving `record` as a static file at `path` on a free loopback port; returns once it serves those bytes.
    private func startNginx(_ nginx: String, serving record: Data, at path: String, in directory: String) async throws
        -> (process: ChildProcess, url: String)
    {
        let root = directory + "/www"
        let file = root + path
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try record.write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        let port = try Self.freePort()
        let conf = directory + "/nginx.conf"
        try """
            worker_processes auto;
            daemon off;
            pid \(directory)/nginx.pid;
            error_log \(directory)/nginx-error.log;
            events { worker_connections 4096; }
            http {
              access_log off;
              default_type application/json;
              keepalive_requests 1000000;
              client_body_temp_path \(directory)/body;
              proxy_temp_path \(directory)/proxy;
              fastcgi_temp_path \(directory)/fastcgi;
              uwsgi_temp_path \(directory)/uwsgi;
              scgi_temp_path \(directory)/scgi;
              server {
                listen 127.0.0.1:\(port);
                root \(root);
                location / { }
              }
            }
            """.write(toFile: conf, atomically: true, encoding: .utf8)
        let process = try ChildProcess([nginx, "-c", conf, "-p", directory, "-e", directory + "/nginx-error.log"])
        let url = "http://127.0.0.1:\(port)\(path)"
        for _ in 0..<100 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2)), response.status == .ok,
                let served = try? await response.body.collect(upTo: 1 << 20), Data(buffer: served) == record
            {
                return (process, url)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.signal(SIGTERM)
        process.waitUntilExit()
        let errors = (try? String(contentsOfFile: directory + "/nginx-error.log", encoding: .utf8)) ?? ""
        throw Missing(description: "nginx did not serve the record on port \(port): \(errors.suffix(500))")
    }

    private func report(_ name: String, _ result: WrkResult) {
        let latency = ["avg", "50%", "99%", "max"].compactMap { k in result.latency[k].map { "\(k) \($0)" } }.joined(separator: ", ")
        log("  \(name): \(BenchSupport.rate(result.requestsPerSecond)) req/s; latency \(latency)\(result.errors.map { "; ERRORS: \($0)" } ?? "")")
    }

    static func executable(_ candidates: [String]) -> String? {
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `wrk -t1 -cN -dSs --latency URL` off the cooperative pool and parses its report.
    static func wrk(_ wrk: String, url: String, connections: Int, seconds: Int) async throws -> WrkResult {
        let run = try await CommandRunner.run(
            [wrk, "-t1", "-c\(connections)", "-d\(seconds)s", "--latency", url], timeoutSeconds: Double(seconds) + 60)
        let output = run.stdout + run.stderr
        var result = WrkResult(requestsPerSecond: 0, latency: [:], errors: nil)
        var errors: [String] = []
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let first = fields.first else { continue }
            switch first {
            case "Requests/sec:": result.requestsPerSecond = Double(fields.dropFirst().first ?? "") ?? 0
            case "Latency" where fields.count >= 4:
                result.latency["avg"] = fields[1]
                result.latency["max"] = fields[3]
            case "50%", "75%", "90%", "99%": result.latency[first] = fields.dropFirst().first
            case "Non-2xx", "Socket": errors.append(String(line).trimmingCharacters(in: .whitespaces))
            default: break
            }
        }
        if !errors.isEmpty { result.errors = errors.joined(separator: "; ") }
        guard result.requestsPerSecond > 0 else { throw Missing(description: "wrk printed no Requests/sec:\n\(output)") }
        return result
    }

    /// A loopback TCP port free right now (bound to port 0 and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Missing(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Missing(description: "could not find a free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
