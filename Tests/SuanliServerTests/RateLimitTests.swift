import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SuanliClient
import SuanliCore
import SuanliServer
import Synchronization
import Testing

/// Rate limits: token buckets per class and client; 429 with `Retry-After`; a flood of
/// discovery from one client starves neither resolution nor other clients.
@Suite struct RateLimitTests {
    @Test func bucketRefillsAtItsRateAndAllowsItsBurst() {
        let limiter = RateLimiter(limits: [.discovery: RateLimit(perSecond: 2, burst: 3)])
        for _ in 0..<3 { #expect(limiter.admit(.discovery, key: "a", now: 100) == .allowed) }
        #expect(limiter.admit(.discovery, key: "a", now: 100) == .limited(retryAfter: 0.5))
        // Another client and another class are untouched.
        #expect(limiter.admit(.discovery, key: "b", now: 100) == .allowed)
        #expect(limiter.admit(.resolve, key: "a", now: 100) == .allowed)
        // Half a second later one token is back, not two.
        #expect(limiter.admit(.discovery, key: "a", now: 100.5) == .allowed)
        #expect(limiter.admit(.discovery, key: "a", now: 100.5) == .limited(retryAfter: 0.5))
        // Long idle refills to the burst, no further.
        for _ in 0..<3 { #expect(limiter.admit(.discovery, key: "a", now: 1000) == .allowed) }
        #expect(limiter.admit(.discovery, key: "a", now: 1000) != .allowed)
    }

    @Test func memoryStaysBounded() {
        let limiter = RateLimiter(limits: [.writes: RateLimit(perSecond: 1, burst: 1)], maxKeys: 100)
        for i in 0..<1000 { _ = limiter.admit(.writes, key: "client-\(i)", now: Double(i)) }
        #expect(limiter.trackedClients(.writes) <= 100)
    }

    @Test func classesAndParsing() throws {
        #expect(RateLimitClass.of(method: "GET", path: "/v1/resources") == .discovery)
        #expect(RateLimitClass.of(method: "PUT", path: "/v1/resources/86.1.1/x") == .writes)
        #expect(RateLimitClass.of(method: "GET", path: "/v1/resources/86.1.1/x") == nil)
        #expect(RateLimitClass.of(method: "GET", path: "/v1/resolve/86.1.1/x") == .resolve)
        #expect(RateLimitClass.of(method: "POST", path: "/v1/resolve") == .resolve)
        #expect(RateLimitClass.of(method: "POST", path: "/v1/agent/work") == .agent)
        #expect(RateLimitClass.of(method: "POST", path: "/v1/telemetry") == .agent)
        #expect(RateLimitClass.of(method: "POST", path: "/v1/tasks") == .writes)
        #expect(RateLimitClass.of(method: "GET", path: "/v1/tasks") == nil)
        let (c, limit) = try RateLimit.parse("resolve=1000:2000")
        #expect(c == .resolve && limit == RateLimit(perSecond: 1000, burst: 2000))
        #expect(try RateLimit.parse("discovery=off").1 == nil)
        for bad in ["discovery", "search=5", "writes=-1", "writes=abc", "writes=5:0", "agent=nan"] {
            #expect(throws: RateLimitParseError.self, "\(bad)") { try RateLimit.parse(bad) }
        }
        #expect(RateLimit.defaults.keys.sorted { $0.rawValue < $1.rawValue } == [.discovery])
    }

    @Test func floodOfDiscoveryIsStoppedWithoutStarvingResolveOrOthers() async throws {
        // A slow refill, so that the flood is over the limit however slowly this machine serves it.
        try await TestPlatform.with(configure: { $0.rateLimits = [.discovery: RateLimit(perSecond: 0.5, burst: 40)] }) { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/node", gpuSpec())
            let flooder = t.client(try await t.operatorClient.registerConsumer(
                ConsumerRegistration(name: "flooder", contact: "f@example.com")).token)
            let tally = Tally()
            try await withThrowingTaskGroup(of: Void.self) { group in
                // One client floods discovery from 16 connections.
                for _ in 0..<16 {
                    group.addTask {
                        for _ in 0..<25 {
                            do {
                                _ = try await flooder.find(DiscoveryQuery())
                                tally.outcomes.withLock { $0[200, default: 0] += 1 }
                            } catch let error as ClientError {
                                tally.outcomes.withLock { $0[error.status, default: 0] += 1 }
                                if error.status == 429 {
                                    #expect(error.code == "rate_limited")
                                    #expect(error.message.contains("retry after"))
                                    if let after = error.retryAfter { tally.retryAfters.withLock { $0.append(after) } }
                                }
                            }
                        }
                    }
                }
                // Meanwhile resolution by the same client and discovery by another always succeed.
                group.addTask {
                    for i in 0..<50 {
                        _ = try await flooder.resolve("\(prefix)/node")
                        if i < 30 { _ = try await provider.find(DiscoveryQuery()) }  // within the other client's burst
                        tally.resolved.add(1, ordering: .relaxed)
                    }
                }
                try await group.waitForAll()
            }
            let counts = tally.outcomes.withLock { $0 }
            #expect(counts[429, default: 0] > 0, "the flood was stopped: \(counts)")
            #expect(counts[200, default: 0] >= 40, "the burst got through: \(counts)")
            #expect(Set(counts.keys).isSubset(of: [200, 429]), "\(counts)")
            #expect(tally.resolved.load(ordering: .relaxed) == 50)
            #expect(tally.retryAfters.withLock { $0.allSatisfy { $0 >= 1 } })
            // The raw response carries Retry-After and the JSON error.
            var request = HTTPClientRequest(url: t.url + "/v1/resources")
            request.headers.add(name: "Authorization", value: "Bearer \(flooder.token ?? "")")
            var limited: HTTPClientResponse?
            for _ in 0..<100 where limited == nil {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                if response.status == .tooManyRequests { limited = response } else { _ = try await response.body.collect(upTo: 1 << 20) }
            }
            let response = try #require(limited)
            #expect(Int(response.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1)
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            #expect(body.contains(#""code":"rate_limited""#))
        }
    }

    @Test func anonymousClientsAreLimitedByAddress() async throws {
        try await TestPlatform.with(configure: { $0.rateLimits = [.discovery: RateLimit(perSecond: 0.01, burst: 2)] }) { t in
            var statuses: [Int] = []
            for _ in 0..<4 {
                let (status, _) = try await rawRequest(t.url + "/v1/resources")
                statuses.append(status)
            }
            #expect(statuses.prefix(2) == [200, 200])
            #expect(statuses.last == 429)
        }
    }
}

/// What the flood saw, shared by its tasks.
private final class Tally: Sendable {
    let outcomes = Mutex<[Int: Int]>([:])
    let retryAfters = Mutex<[Double]>([])
    let resolved = Atomic(0)
}
