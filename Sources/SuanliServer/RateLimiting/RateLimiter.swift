import Foundation
import Synchronization

/// The classes of requests that are limited separately (`serve --rate-limit CLASS=RATE[:BURST]`).
public enum RateLimitClass: String, Sendable, CaseIterable, Hashable {
    /// `GET /v1/resolve/{id}`, `POST /v1/resolve`, `GET /api/handles/{handle}`.
    case resolve
    /// `GET /v1/resources` (discovery by filters).
    case discovery
    /// Every other write: `POST`, `PUT`, `PATCH`, `DELETE` outside the agent protocol.
    case writes
    /// The agent protocol and telemetry: `/v1/agent/*`, `POST /v1/telemetry`.
    case agent

    /// The class of a request, or nil when no class applies (other reads are not limited).
    public static func of(method: String, path: Substring) -> RateLimitClass? {
        if path.hasPrefix("/v1/resolve") { return .resolve }
        if path.hasPrefix("/api/handles/") { return method == "OPTIONS" ? nil : .resolve }
        if path.hasPrefix("/v1/agent/") || path == "/v1/telemetry" { return .agent }
        if method == "GET" || method == "HEAD" {
            return path == "/v1/resources" ? .discovery : nil
        }
        return .writes
    }
}

/// A token bucket's parameters: a sustained rate and a burst.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// Requests per second, sustained.
    public var perSecond: Double
    /// Requests admitted at once from a full bucket.
    public var burst: Double

    /// Creates a limit; `burst` defaults to twice the rate (at least 1).
    public init(perSecond: Double, burst: Double? = nil) {
        self.perSecond = perSecond
        self.burst = burst ?? max(1, 2 * perSecond)
    }

    /// The limits when nothing is configured: only discovery, low enough that one client
    /// looping over discovery as fast as it can is stopped, high enough for people and pages.
    public static let defaults: [RateLimitClass: RateLimit] = [.discovery: RateLimit(perSecond: 20, burst: 40)]

    /// Parses `CLASS=RATE[:BURST]` or `CLASS=off` (the form of `serve --rate-limit`).
    public static func parse(_ text: String) throws(RateLimitParseError) -> (RateLimitClass, RateLimit?) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let classes = RateLimitClass.allCases.map(\.rawValue).joined(separator: ", ")
        guard parts.count == 2, let limitClass = RateLimitClass(rawValue: parts[0]) else {
            throw RateLimitParseError("'\(text)' is not CLASS=RATE[:BURST] with CLASS one of \(classes)")
        }
        if parts[1] == "off" { return (limitClass, nil) }
        let numbers = parts[1].split(separator: ":", maxSplits: 1).map { Double($0) }
        guard let rate = numbers.first ?? nil, rate.isFinite, rate > 0, rate <= 1e9 else {
            throw RateLimitParseError("the rate in '\(text)' must be a number of requests per second above 0, or 'off'")
        }
        var burst: Double?
        if numbers.count == 2 {
            guard let value = numbers[1], value.isFinite, value >= 1, value <= 1e9 else {
                throw RateLimitParseError("the burst in '\(text)' must be a number of requests, at least 1")
            }
            burst = value
        }
        return (limitClass, RateLimit(perSecond: rate, burst: burst))
    }

    public var description: String { "\(perSecond.formatted())/s (burst \(burst.formatted()))" }
}

/// A `--rate-limit` value that could not be read.
public struct RateLimitParseError: Error, Sendable {
    /// What is wrong, and the expected form.
    public let message: String
    init(_ message: String) { self.message = message }
}

/// Token buckets per class and client (a token, else an address), in bounded memory.
///
/// One bucket per key holds up to `burst` tokens and refills at `perSecond`; a request takes
/// one token or is refused with the time until one is back. Buckets that are full again are
/// the same as absent ones, so when a class tracks more than ``maxKeys`` clients the full
/// ones are dropped; clients beyond that are admitted untracked rather than refused.
public final class RateLimiter: Sendable {
    /// The outcome for one request.
    public enum Decision: Sendable, Equatable {
        /// Go ahead.
        case allowed
        /// Refused; a token is back after this many seconds.
        case limited(retryAfter: Double)
    }

    struct Bucket {
        var tokens: Double
        var updated: Double
    }

    /// The configured limits.
    public let limits: [RateLimitClass: RateLimit]
    /// Clients tracked per class before full buckets are dropped.
    public let maxKeys: Int
    private let buckets: [RateLimitClass: Table]

    /// One class's buckets behind their own lock.
    final class Table: Sendable {
        let buckets = Mutex<[String: Bucket]>([:])
    }

    /// Creates a limiter for `limits` (absent classes are not limited).
    public init(limits: [RateLimitClass: RateLimit], maxKeys: Int = 100_000) {
        self.limits = limits
        self.maxKeys = maxKeys
        var buckets: [RateLimitClass: Table] = [:]
        for limitClass in limits.keys { buckets[limitClass] = Table() }
        self.buckets = buckets
    }

    /// Whether any class is limited.
    public var isEmpty: Bool { limits.isEmpty }

    /// Takes a token for `key` in `limitClass` at `now` (seconds on any monotonic scale).
    public func admit(_ limitClass: RateLimitClass, key: String, now: Double) -> Decision {
        guard let limit = limits[limitClass], let table = buckets[limitClass] else { return .allowed }
        return table.buckets.withLock { table in
            var bucket = table[key] ?? Bucket(tokens: limit.burst, updated: now)
            bucket.tokens = min(limit.burst, bucket.tokens + max(0, now - bucket.updated) * limit.perSecond)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                table[key] = bucket
                return .limited(retryAfter: (1 - bucket.tokens) / limit.perSecond)
            }
            bucket.tokens -= 1
            if table[key] == nil, table.count >= maxKeys {
                Self.dropFull(&table, limit: limit, now: now)
                if table.count >= maxKeys { return .allowed }  // untracked rather than refused
            }
            table[key] = bucket
            return .allowed
        }
    }

    /// Removes buckets that have refilled completely (they behave as absent ones).
    static func dropFull(_ table: inout [String: Bucket], limit: RateLimit, now: Double) {
        table = table.filter { _, bucket in bucket.tokens + (now - bucket.updated) * limit.perSecond < limit.burst }
    }

    /// Clients tracked in `limitClass` (for tests and metrics).
    public func trackedClients(_ limitClass: RateLimitClass) -> Int {
        buckets[limitClass]?.buckets.withLock { $0.count } ?? 0
    }
}
