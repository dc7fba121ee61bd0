import AsyncHTTPClient
import Foundation
import Logging
import SuanliAgent
import SuanliClient
import SuanliCore
import SuanliServer
import SuanliStore

/// Measurement and output helpers for benchmarks.
public enum BenchSupport {
    /// Seconds elapsed while running `body`.
    public static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return seconds(ContinuousClock.now - start)
    }

    /// Seconds elapsed while running `body`.
    public static func time(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        return seconds(ContinuousClock.now - start)
    }

    /// A duration in seconds.
    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Resident set size of this process in bytes (from /proc/self/statm).
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Returns freed heap memory to the OS so that a following RSS delta measures new allocations.
    public static func trimHeap() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    /// The `p` percentile (0...1) of ascending `sorted` values, by the index `count × p`; 0 when empty.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    /// Formats a rate with thousands separators.
    public static func rate(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return formatter.string(from: NSNumber(value: value)) ?? String(Int(value))
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory(_ name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: NSTemporaryDirectory(), withIntermediateDirectories: true)
        return try freshDirectory(in: NSTemporaryDirectory(), name)
    }

    /// A fresh directory inside `parent` (which must exist).
    public static func freshDirectory(in parent: String, _ name: String) throws -> String {
        let base = parent.hasSuffix("/") ? parent : parent + "/"
        let path = base + "suanli-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// A fresh directory for short-lived scratch files: in `/dev/shm` when that is a RAM
    /// filesystem (tmpfs) we may write to, else in the temporary directory.
    public static func scratchDirectory(_ name: String) throws -> String {
        if filesystemName("/dev/shm") == "tmpfs", access("/dev/shm", W_OK | X_OK) == 0,
            let path = try? freshDirectory(in: "/dev/shm", name)
        {
            return path
        }
        return try temporaryDirectory(name)
    }

    /// The type of the filesystem `path` is on, as `/proc/self/mounts` names it ("ext4",
    /// "tmpfs", "xfs", …), or "unknown".
    public static func filesystemName(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return "unknown" }
        let resolved = String(cString: real)
        free(real)
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return "unknown" }
        var best = (length: -1, type: "unknown")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = Self.unescapeMountField(fields[1])
            let inside = point == "/" || resolved == point || resolved.hasPrefix(point + "/")
            // The last of equal mount points is the one on top.
            if inside && point.count >= best.length { best = (point.count, String(fields[2])) }
        }
        return best.type
    }

    /// A field of `/proc/self/mounts` with its octal escapes (`\040` for a space) decoded.
    static func unescapeMountField(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3, let code = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(code)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A progress sink: prints each line and flushes, or drops it when `quiet` (JSON output).
    public static func printer(quiet: Bool) -> @Sendable (String) -> Void {
        if quiet { return { _ in } }
        return { line in
            print(line)
            fflush(nil)
        }
    }

    /// Figures as one JSON object with sorted keys, as `--json` prints them.
    public static func json(_ figures: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A platform on an SQLite store in `directory` with its HTTP server on an ephemeral
    /// loopback port (run `server` in a service group; `ports` yields the bound port).
    static func platform(
        directory: String, heartbeatInterval: Double, operatorToken: String, logger: Logger
    ) async throws -> (platform: Platform, server: PlatformServer, ports: AsyncStream<Int>) {
        let platform = try await Platform.open(
            configuration: PlatformConfiguration(
                dataDirectory: directory, heartbeatInterval: heartbeatInterval, operatorToken: operatorToken),
            store: try SQLiteStore(path: directory + "/suanli.sqlite"), logger: logger)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = PlatformServer(platform: platform, host: "127.0.0.1", port: 0, logger: logger) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        return (platform, server, ports)
    }

    /// Registers two providers (Shanghai and Gui'an), each with one CPU resource of `units`
    /// cores, and returns one in-process agent per provider that runs tasks as local processes
    /// under `directory/agent-N` (run them with `DemoAgents`).
    static func cpuAgents(
        name: String, units: Int, operator op: SuanliClient, url: String, http: HTTPClient, directory: String, logger: Logger
    ) async throws -> [AgentRunner] {
        var agents: [AgentRunner] = []
        for (i, location) in ["city.shanghai", "cluster.guian"].enumerated() {
            let provider = try await op.registerProvider(
                ProviderRegistration(name: "\(name)-\(i)", contact: "bench", location: location, renewable: 0.5, pue: 1.2))
            let spec = ResourceSpec(
                kind: .cpu, arch: "x86_64", model: "\(name)-cpu", units: units, memoryGiB: 1, location: location,
                priceFenPerUnitHour: 10)
            let work = directory + "/agent-\(i)"
            agents.append(
                AgentRunner(
                    client: SuanliClient(server: url, token: provider.token, httpClient: http),
                    executor: ProcessExecutor(configuration: .init(stateDirectory: WorkLayout(root: work).stateDirectory), logger: logger),
                    resources: [AgentResource(suffix: "\(name)/cpu", spec: spec)],
                    configuration: .init(heartbeatInterval: 5, workDirectory: work, logInterval: 5), logger: logger))
        }
        return agents
    }
}
