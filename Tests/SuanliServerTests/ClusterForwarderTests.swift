import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SuanliCore
import Testing

/// A standby's forwarder (``ClusterResponder``) with request bodies the leader refuses before
/// reading them: the forwarder read the body while its server drained the rest of it, two
/// readers of one NIO sequence, and the process trapped (found by the PostgreSQL pass in CI).
@Suite("Standby forwarder: request bodies")
struct ClusterForwarderTests {
    @Test func bodiesTheLeaderRefusesUnreadAreForwardedWithoutACrash() async throws {
        try await TestPlatform.with { t in
            var logger = Logger(label: "forwarder-test")
            logger.logLevel = .warning
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                let (port, front) = await ClusterStandbyFront.start(leaderPort: t.port, idleTimeout: 30, logger: logger, in: &tasks)
                let base = "http://127.0.0.1:\(port)"
                // 1.5 MiB: the leader answers from the headers (an unknown token, an unknown
                // route), long before this much is sent.
                let large = Data(repeating: UInt8(ascii: "x"), count: 3 << 19)
                for _ in 0..<8 {
                    let (status, text) = try await rawRequest(base + "/v1/tasks", method: .POST, token: "no-such-token-0000000000", body: large)
                    #expect(status == 401, "\(text.prefix(200))")
                    let (missing, other) = try await rawRequest(base + "/v1/no-such-route", method: .POST, body: large)
                    #expect(missing == 404, "\(other.prefix(200))")
                }
                // A body sent in chunks (no Content-Length) is read whole and forwarded too.
                var request = HTTPClientRequest(url: base + "/v1/consumers")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer \(TestPlatform.operatorToken)")
                let chunks = ["{\"name\":", "\"chunked-", "consumer\"}"]
                request.body = .stream(chunks.map { ByteBuffer(string: $0) }.async, length: .unknown)
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                let answer = String(buffer: try await response.body.collect(upTo: 1 << 20))
                #expect(response.status.code == 201, "\(answer.prefix(300))")
                #expect(answer.contains("chunked-consumer"))
                // Above the platform's body limit: 413 from the forwarder, as from the leader.
                let (status, text) = try await rawRequest(base + "/v1/tasks", method: .POST, body: Data(count: (4 << 20) + 1))
                #expect(status == 413, "\(text.prefix(200))")
                #expect(text.contains("\"too_large\"") || text.contains("larger than"))
                let (health, _) = try await rawRequest(base + "/healthz")
                #expect(health == 200)
                await front.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }
}

/// A finite sequence as an `AsyncSequence` (a chunked request body in tests).
extension Array where Element: Sendable {
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
