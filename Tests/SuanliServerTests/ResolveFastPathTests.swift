import Foundation
import NIOCore
import NIOPosix
import SuanliClient
import SuanliCore
import Testing

@testable import SuanliServer

#if canImport(Glibc)
import Glibc
#endif

/// `GET /v1/resolve/{id}` answered in the channel pipeline (`ResolveFastPathHandler`): the same
/// response as the router's, fresh after every change, in request order on a pipelined
/// connection, and never where the router would answer otherwise.
@Suite("Resolve fast path in the channel pipeline")
struct ResolveFastPathTests {
    /// One response read off a raw connection.
    struct RawResponse {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// Sends `text` on one connection (so pipelined requests arrive together) and reads `count` responses.
    static func exchange(port: Int, _ text: String, responses count: Int) async throws -> [RawResponse] {
        try await NIOThreadPool.singleton.runIfActive {
            let fd = try LoopbackSocket.connect(port: port, timeout: LoopbackSocket.patience)
            defer { close(fd) }
            let bytes = Array(text.utf8)
            guard LoopbackSocket.send(fd, bytes) == bytes.count else { throw SocketFailure("could not send the requests") }
            var received: [UInt8] = []
            var responses: [RawResponse] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while responses.count < count {
                if let (response, used) = Self.parse(received) {
                    responses.append(response)
                    received.removeFirst(used)
                    continue
                }
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { throw SocketFailure("the connection ended after \(responses.count) of \(count) responses") }
                received += buffer[..<n]
            }
            return responses
        }
    }

    /// The first complete response in `bytes` (Content-Length framed) and how many bytes it took.
    static func parse(_ bytes: [UInt8]) -> (RawResponse, Int)? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let start = end + separator.count
        guard bytes.count >= start + length else { return nil }
        return (RawResponse(status: status, headers: headers, body: String(decoding: bytes[start..<(start + length)], as: UTF8.self)), start + length)
    }

    static func get(_ path: String, headers: String = "") -> String {
        "GET \(path) HTTP/1.1\r\nHost: suanli\r\n\(headers)\r\n"
    }

    @Test("The fast path sends the router's response: status, body and headers")
    func sameResponseAsTheRouter() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            let id = "\(prefix)/rack-1/gpu-0"
            _ = try await provider.putResource(id, gpuSpec(labels: ["rack": "r1", "zone": "east"]))
            // A Suanli-Hops header sends the request through the router (it is a forwarded resolve).
            let responses = try await Self.exchange(
                port: t.port, Self.get("/v1/resolve/" + id) + Self.get("/v1/resolve/" + id, headers: "Suanli-Hops: 0\r\n"), responses: 2)
            let (fast, routed) = (responses[0], responses[1])
            #expect(fast.status == 200 && routed.status == 200)
            for name in ["content-type", "content-length", "server"] {
                #expect(fast.headers[name] != nil && fast.headers[name] == routed.headers[name], "\(name)")
            }
            let decoder = SuanliJSON.decoder()
            let record = try decoder.decode(ResourceRecord.self, from: Data(fast.body.utf8))
            #expect(record == (try decoder.decode(ResourceRecord.self, from: Data(routed.body.utf8))))
            #expect(record == (try await t.anonymous.resolve(id)))
        }
    }

    @Test("Every change shows at once: live state, a replaced spec, a deleted resource")
    func freshAfterEveryChange() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            let id = "\(prefix)/rack-1/gpu-0"
            _ = try await provider.putResource(id, gpuSpec())
            #expect(try await t.anonymous.resolve(id).state.freeUnits == 8)
            _ = try await provider.report([TelemetryReport(id: id, freeUnits: 3, healthy: true)])
            #expect(try await t.anonymous.resolve(id).state.freeUnits == 3)
            _ = try await provider.putResource(id, gpuSpec(price: 777))
            let replaced = try await t.anonymous.resolve(id)
            #expect(replaced.priceFenPerUnitHour == 777 && replaced.version == 2)
            _ = try await provider.report([TelemetryReport(id: id, freeUnits: 0, healthy: false)])
            let unhealthy = try await t.anonymous.resolve(id)
            #expect(!unhealthy.available && unhealthy.unavailableReason != nil)
            try await provider.deleteResource(id)
            await expectAPIError(404, "not_found") { _ = try await t.anonymous.resolve(id) }
        }
    }

    @Test("Pipelined requests are answered in order when some of them take the router's path")
    func pipelinedResponsesKeepTheirOrder() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            for i in 0..<50 { _ = try await provider.putResource("\(prefix)/n/gpu-\(i)", gpuSpec()) }
            let id = "\(prefix)/n/gpu-7"
            // Discovery of 50 records (router), a hit (fast), a miss (router: 404), a dot segment
            // (router: 400), a hit, a hit with a token (router), a hit.
            let requests = [
                Self.get("/v1/resources?limit=50"), Self.get("/v1/resolve/" + id), Self.get("/v1/resolve/\(prefix)/n/none"),
                Self.get("/v1/resolve/\(prefix)/n/./gpu-7"), Self.get("/v1/resolve/" + id),
                Self.get("/v1/resolve/" + id, headers: "Authorization: Bearer \(TestPlatform.operatorToken)\r\n"),
                Self.get("/v1/resolve/" + id),
            ]
            for _ in 0..<5 {
                let responses = try await Self.exchange(port: t.port, requests.joined(), responses: requests.count)
                #expect(responses.map(\.status) == [200, 200, 404, 400, 200, 200, 200])
                #expect(responses[0].body.contains("\"items\":[{"))
                for i in [1, 4, 5, 6] { #expect(responses[i].body.contains("\"id\":\"\(id)\""), "response \(i)") }
                #expect(responses[2].body.contains("not_found"))
            }
        }
    }

    @Test("Where the router would refuse, the router answers: token-only reads and a resolve rate limit")
    func refusalsStayWithTheRouter() async throws {
        try await TestPlatform.with(readAccess: .token) { t in
            let (prefix, provider) = try await t.provider()
            let id = "\(prefix)/rack-1/gpu-0"
            _ = try await provider.putResource(id, gpuSpec())
            await expectAPIError(401, "unauthorized") { _ = try await t.anonymous.resolve(id) }
            #expect(try await t.client(TestPlatform.operatorToken).resolve(id).id.string == id)
        }
        try await TestPlatform.with(configure: { $0.rateLimits = [.resolve: RateLimit(perSecond: 0.01, burst: 2)] }) { t in
            let (prefix, provider) = try await t.provider()
            let id = "\(prefix)/rack-1/gpu-0"
            _ = try await provider.putResource(id, gpuSpec())
            let responses = try await Self.exchange(port: t.port, String(repeating: Self.get("/v1/resolve/" + id), count: 4), responses: 4)
            #expect(responses.map(\.status) == [200, 200, 429, 429])
            #expect(responses[2].headers["retry-after"] != nil)
        }
    }

    @Test("A plain identifier path is recognised; anything needing decoding or checks is not")
    func plainIdentifierPaths() {
        let plain = ["/v1/resolve/86.1.7/a", "/v1/resolve/86.1.7/rack-3/gpu_0~x:y", "/v1/resolve/86/a.b", "/v1/resolve/86.1/a/x..."]
        let other = [
            "/v1/resolve/", "/v1/resolve", "/v1/resolves/86/a", "/v1/resolve/86.1.7/a%2Fb", "/v1/resolve/86.1.7/a?x=1",
            "/v1/resolve/86.1.7/a#f", "/v1/resolve/86.1.7//a", "/v1/resolve/86.1.7/./a", "/v1/resolve/86.1.7/../86.1.8/a",
            "/v1/resolve/86.1.7/a/", "/v1/resolve//86.1.7/a", "/v1/resolve/.86/a", "/v1/resolve/86.1/a/...x",
        ]
        for path in plain { #expect(ResolveFastPathHandler.isPlainIdentifierPath(path.utf8), "\(path)") }
        for path in other { #expect(!ResolveFastPathHandler.isPlainIdentifierPath(path.utf8), "\(path)") }
    }
}
