import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SuanliCore
import SuanliMarket
import SuanliServer
import SuanliStore

/// Options for commands that run a platform (`serve`, `up`).
struct ServeOptions: ParsableArguments {
    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Data directory (SQLite database and operator token).")
    var data = "./suanli-data"

    @Option(help: "The identifier prefix this platform owns; providers get its children.")
    var prefix = "86.1"

    @Option(help: "Seconds between provider heartbeats; 3 missed make a resource unavailable.")
    var heartbeatInterval: Double = 10

    // No default value: help would print it, and a token is a secret.
    @Option(
        name: .customLong("operator-token"),
        help: "Fixed operator token (default: $SUANLI_OPERATOR_TOKEN); generated and saved in the data directory if unset.")
    var operatorTokenOption: String?

    /// `--operator-token`, else `SUANLI_OPERATOR_TOKEN`, else empty (generate one).
    var operatorToken: String { operatorTokenOption ?? ProcessInfo.processInfo.environment["SUANLI_OPERATOR_TOKEN"] ?? "" }

    @Option(help: "Who may read (resolve, discovery, stats, …): open or token.")
    var readAccess: String = "open"

    @Option(help: "Days the audit log keeps its entries (0: forever).")
    var auditRetentionDays = 90

    @Option(help: "Address of a reverse proxy whose X-Forwarded-For the audit log believes (repeatable).")
    var trustedProxy: [String] = []

    @Option(
        help: ArgumentHelp(
            "Requests per second allowed per client (token, else address) in a class: CLASS=RATE[:BURST] or CLASS=off, CLASS one of resolve, discovery, writes, agent (repeatable).",
            discussion: "By default only discovery is limited, to 20/s with bursts of 40.", valueName: "class=rate[:burst]"))
    var rateLimit: [String] = []

    @Option(help: "Seconds after which idle, partial and slow connections are closed (long polls in progress are kept).")
    var idleTimeout: Double = 30

    @Option(help: "Days after which a consumer's past usage counts half when equal-priority tasks are ordered by fair share.")
    var fairShareHalfLifeDays: Double = 7

    @Option(help: "Seconds a finished task stays in memory after it ended; then it is read from the database.")
    var finishedTaskMemory: Double = 120

    @Option(name: .customLong("platform-fee-bp"), help: "The platform's fee in basis points of each charge (0-10000), taken from providers' payouts.")
    var platformFeeBP = 0

    // No default value: help would print it, and the URL may hold a password.
    @Option(
        name: .customLong("database"),
        help: "PostgreSQL instead of SQLite: postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?schema=NAME] (default: $SUANLI_DATABASE_URL); instances on one database form one platform.")
    var databaseOption: String?

    /// `--database`, else `SUANLI_DATABASE_URL`, else `nil` (SQLite in the data directory).
    var database: String? {
        let value = databaseOption ?? ProcessInfo.processInfo.environment["SUANLI_DATABASE_URL"] ?? ""
        return value.isEmpty ? nil : value
    }

    @Option(help: "The URL this instance is reached at: other instances (--database) forward requests to it, other platforms of a federation call it (default http://HOST:PORT as bound).")
    var publicURL: String?

    @Option(help: "With --database: seconds of the leader lease; a standby takes over within it when the leader dies.")
    var lease: Double = 10

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        do { _ = try Prefix(parsing: prefix) } catch {
            throw ValidationError("--prefix '\(prefix)' is not a valid prefix: \(error.message)")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard heartbeatInterval >= 0.05, heartbeatInterval <= 3600 else {
            throw ValidationError("--heartbeat-interval must be between 0.05 and 3600 seconds")
        }
        guard idleTimeout >= 0.1, idleTimeout <= 86_400 else {
            throw ValidationError("--idle-timeout must be between 0.1 and 86400 seconds")
        }
        guard fairShareHalfLifeDays.isFinite, fairShareHalfLifeDays >= 0.001, fairShareHalfLifeDays <= 3650 else {
            throw ValidationError("--fair-share-half-life-days must be between 0.001 and 3650")
        }
        guard finishedTaskMemory.isFinite, (0...2_592_000).contains(finishedTaskMemory) else {
            throw ValidationError("--finished-task-memory must be between 0 and 2592000 seconds (30 days)")
        }
        guard (0...PlatformFee.maxBasisPoints).contains(platformFeeBP) else {
            throw ValidationError("--platform-fee-bp must be between 0 and 10000 (basis points: 250 is 2.5 %)")
        }
        guard (0...36_500).contains(auditRetentionDays) else {
            throw ValidationError("--audit-retention-days must be between 0 (keep forever) and 36500")
        }
        for value in rateLimit {
            do { _ = try RateLimit.parse(value) } catch { throw ValidationError("--rate-limit: \(error.message)") }
        }
        guard PlatformConfiguration.ReadAccess(rawValue: readAccess) != nil else {
            throw ValidationError("--read-access must be 'open' or 'token'")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard lease >= 0.3, lease <= 3600 else { throw ValidationError("--lease must be between 0.3 and 3600 seconds") }
        if let publicURL, URLComponents(string: publicURL)?.host?.isEmpty != false || !publicURL.hasPrefix("http") {
            throw ValidationError("--public-url '\(publicURL)' is not an http(s) URL such as http://10.0.0.5:8080")
        }
        if !operatorToken.isEmpty, operatorToken.utf8.count < 16 {
            throw ValidationError("--operator-token must be at least 16 characters")
        }
    }

    var configuration: PlatformConfiguration {
        var configuration = PlatformConfiguration(
            dataDirectory: data, prefix: try! Prefix(parsing: prefix), heartbeatInterval: heartbeatInterval,
            operatorToken: operatorToken.isEmpty ? nil : operatorToken, readAccess: PlatformConfiguration.ReadAccess(rawValue: readAccess) ?? .open)
        configuration.idleTimeout = idleTimeout
        configuration.auditRetentionDays = auditRetentionDays
        configuration.trustedProxies = Set(trustedProxy)
        configuration.platformFee = PlatformFee(basisPoints: platformFeeBP)
        configuration.fairShareHalfLife = fairShareHalfLifeDays * 86_400
        configuration.finishedTaskRetention = finishedTaskMemory
        for value in rateLimit {
            if let (limitClass, limit) = try? RateLimit.parse(value) { configuration.rateLimits[limitClass] = limit }
        }
        return configuration
    }

    var logger: Logger {
        var logger = Logger(label: "suanli")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        return logger
    }

    /// Opens the data directory and the platform, with messages that say how to fix problems.
    func openPlatform() async throws -> Platform {
        _ = bootstrapLogging
        do {
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        } catch {
            fail("cannot create the data directory \(data): \(error.localizedDescription); choose another with --data")
        }
        let store: SQLiteStore
        do {
            store = try SQLiteStore(path: (data as NSString).appendingPathComponent("suanli.sqlite"))
        } catch {
            fail("cannot open the database in \(data): \(error); choose another --data directory")
        }
        do {
            return try await Platform.open(configuration: configuration, store: store, logger: logger)
        } catch let error as SuanliError {
            fail(error.message)
        }
    }
}

/// Routes all logs to stderr; evaluated once per process.
let bootstrapLogging: Void = LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }

/// Prints `error: message` to stderr and exits with status 1.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    exit(1)
}
