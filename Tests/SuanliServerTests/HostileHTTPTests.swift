import Foundation
import NIOPosix
import SuanliClient
import SuanliCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile HTTP (issue 12, item 5), beyond ``HostileInputTests``: malformed requests, deeply
/// nested JSON, invalid UTF-8 and percent-encoding, path traversal in log requests and
/// uploads, and slowly sent bodies. No answer may be a 5xx, the in-process server must not
/// trap (it would end the test run), nothing may hang, and `/healthz` keeps answering.
@Suite("Hostile HTTP")
struct HostileHTTPTests {
    /// Deeply nested arrays and objects, as the whole body and inside fields the spec does
    /// not expect to nest: each a 4xx error envelope.
    @Test func deeplyNestedJSONIsAClientError() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            let (_, alice) = try await t.consumer()
            func arrays(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
            func objects(_ depth: Int) -> String {
                String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            }
            let task = #""name":"x","units":1,"accept":[{"kind":"gpu","run":{"command":["true"]"#
            let cases: [(HTTPExchange.Method, String, String?, String)] = [
                (.POST, "/v1/tasks", alice.token, arrays(100_000)),
                (.POST, "/v1/tasks", alice.token, objects(50_000)),
                (.POST, "/v1/tasks", alice.token, "{\(task),\"env\":{\"A\":\(arrays(5_000))}}}]}"),
                (.POST, "/v1/tasks", alice.token, "{\(task),\"env\":\(objects(600))}}]}"),
                (.PUT, "/v1/resources/\(prefix)/n", provider.token, objects(50_000)),
                (.POST, "/v1/resolve", nil, #"{"ids":"# + arrays(20_000) + "}"),
                (.POST, "/v1/telemetry", provider.token, #"{"reports":[{"id":"# + arrays(1_000) + "}]}"),
                (.POST, "/v1/resolve", nil, String(repeating: "[", count: 200_000)),
            ]
            for (method, path, token, body) in cases {
                let response = try await HTTPExchange.perform(t, method, path, token: token, body: body)
                response.expectClientError("\(method) \(path) nested \(body.prefix(24))")
                #expect(response.body.utf8.count < 2_000, "\(path): a \(response.body.utf8.count)-byte error")
            }
            #expect(try await alice.tasks().items.isEmpty)
            try await HostileInputTests.expectHealthy(t)
        }
    }

    /// Invalid UTF-8 in bodies (raw bytes, overlong and truncated sequences, lone surrogate
    /// escapes), paths and query strings: a 4xx error, or for text that decodes to U+FFFD a
    /// normal answer; never a 5xx, and whatever was stored reads back.
    @Test func invalidUTF8IsNeverAServerError() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec())
            let (_, alice) = try await t.consumer()
            let badStrings: [[UInt8]] = [
                [0xFF, 0xFE], [0xC0, 0xAF], [0xE4, 0xB8], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
                Array(#"\ud800"#.utf8), Array(#"\udfff\ud800x"#.utf8), [0x00], Array(#"\u0000"#.utf8),
            ]
            for bad in badStrings {
                let bodies: [(String, String?, [UInt8])] = [
                    ("/v1/tasks", alice.token, Array(#"{"name":""#.utf8) + bad + Array(#"","units":1,"accept":[{"kind":"gpu","run":{"command":["true"]}}]}"#.utf8)),
                    ("/v1/tasks", alice.token, Array(#"{"name":"x","units":1,"accept":[{"kind":"gpu","run":{"command":[""#.utf8) + bad + Array(#""]}}]}"#.utf8)),
                    ("/v1/resolve", nil, Array(#"{"ids":["\#(prefix)/"#.utf8) + bad + Array(#""]}"#.utf8)),
                    ("/v1/telemetry", provider.token, Array(#"{"reports":[{"id":"\#(prefix)/g"#.utf8) + bad + Array(#"","free_units":1,"healthy":true}]}"#.utf8)),
                    ("/v1/tasks", alice.token, bad + Array("{}".utf8)),
                ]
                for (path, token, body) in bodies {
                    let response = try await RawHTTP.send(t, method: "POST", path: path, token: token, body: body)
                    #expect(response.status != nil && response.status! < 500, "POST \(path) with \(bad): \(response)")
                    if let status = response.status, status >= 400 { response.expectEnvelope("POST \(path) with \(bad)") }
                }
            }
            for path in [
                "/v1/resolve/\(prefix)/%FF", "/v1/resolve/\(prefix)/%C0%AF", "/v1/resolve/\(prefix)/%ED%A0%80",
                "/v1/resolve/%FF/x", "/v1/resources/\(prefix)/%E4%B8", "/v1/tasks/%FF%FE", "/v1/tasks/%FF/logs",
                "/v1/resources?arch=%FF%FE", "/v1/resources?%FF=1", "/v1/resources?location=%C0%AF",
                "/v1/tasks?state=%ED%A0%80", "/v1/audit?actor=%FF", "/v1/usage?consumer=%FF",
            ] {
                let response = try await HTTPExchange.perform(t, .GET, path, token: alice.token)
                #expect(response.status < 500, "GET \(path): \(response.status) \(response.body.prefix(200))")
                if response.status >= 400 { response.expectClientError("GET \(path)") }
            }
            // Raw (unescaped) non-UTF-8 bytes in the request target.
            for target in [[0xFF], [0xC0, 0xAF], [0x80]].map({ Array("/v1/resolve/\(prefix)/".utf8) + $0 })
                + [Array("/v1/resources?arch=".utf8) + [0xFF, 0xFE]]
            {
                let response = try await RawHTTP.send(t, method: "GET", target: target)
                #expect(response.status.map { $0 < 500 } ?? true, "GET \(target): \(response)")
            }
            let listed = try await HTTPExchange.perform(t, .GET, "/v1/tasks", token: alice.token)
            #expect(listed.status == 200, "\(listed.body.prefix(200))")
            #expect(try await t.anonymous.resolve("\(prefix)/g").state.freeUnits == 8)
            try await HostileInputTests.expectHealthy(t)
        }
    }

    /// Malformed percent-encoding in paths and query strings: a 4xx error, or (for a filter
    /// value) a page that matches nothing; never a 5xx or another resource.
    @Test func badPercentEncodingIsAClientError() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec())
            let (_, alice) = try await t.consumer()
            for path in [
                "/v1/resolve/\(prefix)/%", "/v1/resolve/\(prefix)/%G1", "/v1/resolve/\(prefix)/g%2", "/v1/resolve/%zz/g",
                "/v1/resolve/\(prefix)%/g", "/v1/resources/\(prefix)/%%", "/v1/tasks/%/logs", "/v1/tasks/t1%",
                "/v1/resources?kind=%", "/v1/resources?kind=%g0", "/v1/resources?%=1", "/v1/resources?limit=1%",
                "/v1/resources?arch=%zz", "/v1/resources?cursor=%", "/v1/tasks?state=%E0%A4", "/v1/tasks?limit=%31%",
                "/v1/stats?history=%", "/v1/audit?since=%", "/v1/tasks/t1/logs?stream=%", "/v1/tasks/t1/logs?tail=%",
            ] {
                let response = try await HTTPExchange.perform(t, .GET, path, token: alice.token)
                #expect(response.status < 500, "GET \(path): \(response.status) \(response.body.prefix(200))")
                if response.status >= 400 {
                    response.expectClientError("GET \(path)")
                } else {
                    #expect(!response.body.contains("\"\(prefix)/g\""), "GET \(path) listed \(prefix)/g")
                }
            }
            try await HostileInputTests.expectHealthy(t)
        }
    }

    /// Task identifiers and streams that would climb out of `DATA/logs` when read or written:
    /// each refused, no planted file is read, none is written outside the logs.
    @Test func pathTraversalInLogRequestsIsRefused() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec())
            let (_, alice) = try await t.consumer()
            let submitted = try await alice.submit(taskSpec())
            // Files a traversal could reach: DATA/logs/<task>/<attempt>.<stream>.log with task `..`.
            let planted = ["\(t.directory)/1.stdout.log", "\(t.directory)/logs/1.stdout.log"]
            try FileManager.default.createDirectory(atPath: "\(t.directory)/logs", withIntermediateDirectories: true)
            for file in planted { try Data("PLANTED-SECRET\n".utf8).write(to: URL(fileURLWithPath: file)) }
            let before = try Self.files(under: t.directory)
            let id = submitted.id
            for path in [
                "/v1/tasks/../logs", "/v1/tasks/%2e%2e/logs", "/v1/tasks/%2E%2E/logs", "/v1/tasks/./logs",
                "/v1/tasks/..%2f..%2fsuanli.sqlite/logs", "/v1/tasks/%2e%2e%2f%2e%2e%2fetc%2fpasswd/logs",
                "/v1/tasks/\(id)%2f..%2f..%2f/logs", "/v1/tasks/\(id)/../../logs", "/v1/tasks/\(id)/logs/..%2f..%2fsuanli.sqlite",
                "/v1/tasks/\(id)/logs?stream=../../suanli.sqlite", "/v1/tasks/\(id)/logs?stream=%2e%2e%2fstdout",
                "/v1/tasks/\(id)/logs?stream=stdout%00", "/v1/tasks/\(id)/logs?attempt=0", "/v1/tasks/\(id)/logs?attempt=-1",
                "/v1/tasks/\(id)/logs?attempt=1/../..", "/v1/tasks/\(id)/logs?tail=-1", "/v1/tasks/%00/logs",
                "/v1/tasks/..%5c..%5csuanli.sqlite/logs",
            ] {
                for token in [alice.token, TestPlatform.operatorToken] {
                    let response = try await HTTPExchange.perform(t, .GET, path, token: token)
                    response.expectClientError("GET \(path)")
                    #expect(!response.body.contains("PLANTED-SECRET") && !response.body.contains("SQLite format"), "GET \(path)")
                }
            }
            // Uploads from the provider with hostile task names and streams.
            for (task, attempt, stream) in [
                ("..", 1, "stdout"), ("../x", 1, "stdout"), ("\(id)/../..", 1, "stdout"), ("/tmp/x", 1, "stdout"),
                (id, 1, "../stdout"), (id, 1, "stdout/../../x"), (id, 0, "stdout"), (id, -1, "stdout"), ("", 1, "stdout"),
                ("%2e%2e", 1, "stdout"), (id, 1, ""),
            ] {
                let body = try SuanliJSON.encoder().encode(LogChunk(task: task, attempt: attempt, stream: stream, data: "OVERWRITTEN\n"))
                let response = try await HTTPExchange.perform(
                    t, .POST, "/v1/agent/logs", token: provider.token, body: String(decoding: body, as: UTF8.self))
                response.expectClientError("log upload for task '\(task)', stream '\(stream)'")
            }
            for file in planted {
                #expect(try String(contentsOfFile: file, encoding: .utf8) == "PLANTED-SECRET\n", "\(file) was written")
            }
            let after = try Self.files(under: t.directory)
            let added = after.subtracting(before).filter { !$0.hasPrefix("suanli.sqlite") }
            #expect(added.isEmpty, "files appeared: \(added.sorted())")
            try await HostileInputTests.expectHealthy(t)
        }
    }

    /// Requests that are not valid HTTP/1.1: refused (a 4xx, or the connection closed) within
    /// moments, never a 5xx or a hang; the server answers the next client.
    @Test func malformedHTTPIsRefusedWithoutA5xx() async throws {
        try await TestPlatform.with(idleTimeout: 1) { t in
            let h = "Host: 127.0.0.1\r\n"
            let requests: [[UInt8]] = [
                "GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET /healthz HTTP/9.9\r\n\r\n", "GET /healthz HTTP/1.1 extra\r\n\r\n",
                "GET  /healthz  HTTP/1.1\r\n\r\n", "get /healthz HTTP/1.1\r\n\(h)\r\n", "GET healthz HTTP/1.1\r\n\(h)\r\n",
                "GET /healthz HTTP/1.1\r\nNoColonHere\r\n\r\n", "GET /healthz HTTP/1.1\r\n: empty-name\r\n\r\n",
                "GET /healthz HTTP/1.1\r\n\(h)Content-Length: abc\r\n\r\n",
                "POST /v1/resolve HTTP/1.1\r\n\(h)Content-Length: -1\r\n\r\n",
                "POST /v1/resolve HTTP/1.1\r\n\(h)Content-Length: 99999999999999999999999\r\n\r\n{}",
                "POST /v1/resolve HTTP/1.1\r\n\(h)Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                "POST /v1/resolve HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n0\r\n\r\n",
                "POST /v1/resolve HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n",
                "POST /v1/resolve HTTP/1.1\r\n\(h)Transfer-Encoding: gzip, identity\r\n\r\n{}",
                "POST /v1/resolve HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n",
                "GET /v1/stats HTTP/1.1\r\n\(h)X-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n",
                "GET /v1/stats HTTP/1.1\r\n\(h)" + String(repeating: "X-Many: 1\r\n", count: 20_000) + "\r\n",
                "GET /v1/\(String(repeating: "a", count: 200_000)) HTTP/1.1\r\n\(h)\r\n",
                "GET http://evil.example/v1/stats HTTP/1.1\r\n\(h)\r\n", "GET * HTTP/1.1\r\n\(h)\r\n",
                "CONNECT evil.example:443 HTTP/1.1\r\n\(h)\r\n", "GET /healthz HTTP/1.1\r\n\(h)Bad\u{7F}Header: 1\r\n\r\n",
            ].map { Array($0.utf8) } + [
                [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03],  // a TLS ClientHello
                Array("GET /v1/stats\0 HTTP/1.1\r\n\(h)\r\n".utf8), Array("GET /healthz HTTP/1.1\r\nX: \u{0}\r\n\r\n".utf8),
                [UInt8](repeating: 0, count: 10_000),
            ]
            for request in requests {
                let response = try await RawHTTP.exchange(t, request)
                let shown = String(decoding: request.prefix(60), as: UTF8.self).debugDescription
                #expect(!response.timedOut, "\(shown): no answer and no close within \(LoopbackSocket.patience) s")
                #expect(response.status.map { $0 < 500 } ?? true, "\(shown): \(response)")
                try await HostileInputTests.expectHealthy(t)
            }
        }
    }

    /// Bodies sent a byte at a time: `/healthz` and other clients are answered throughout, and
    /// once the bytes stop the connections are closed after the idle timeout.
    ///
    /// Not bounded here: a client that keeps trickling body bytes faster than the idle timeout
    /// keeps its connection (Hummingbird counts body bytes as activity and drains an unread
    /// body); see docs/testing.md.
    @Test func slowBodiesDoNotStopTheServer() async throws {
        try await TestPlatform.with(idleTimeout: 1) { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec())
            let (_, alice) = try await t.consumer()
            var slow: [IdleConnectionTests.RawConnection] = []
            for path in ["/v1/tasks", "/v1/resolve"] {
                let connection = try IdleConnectionTests.RawConnection(port: t.port)
                connection.send(
                    "POST \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(alice.token ?? "")\r\nContent-Length: 1000000\r\n\r\n{\"name\":\"")
                slow.append(connection)
            }
            let chunked = try IdleConnectionTests.RawConnection(port: t.port)
            chunked.send("POST /v1/resolve HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            slow.append(chunked)
            for _ in 0..<15 {
                for connection in slow.dropLast() { connection.send("x") }
                chunked.send("1\r\nx\r\n")
                // Fresh connections (the client's pooled ones may meet the short idle timeout).
                try await HostileInputTests.expectHealthy(t)
                let resolved = try await HTTPExchange.perform(t, .GET, "/v1/resolve/\(prefix)/g")
                #expect(resolved.status == 200, "\(resolved.body.prefix(200))")
                try await Task.sleep(for: .milliseconds(100))
            }
            // The bytes stop: closed after the idle timeout (1 s), checked for up to 5 s.
            var open = slow.count
            for _ in 0..<50 where open > 0 {
                try await Task.sleep(for: .milliseconds(100))
                open = slow.filter { !$0.closedByServer }.count
            }
            #expect(open == 0, "\(open) stalled bodies still open")
            try await HostileInputTests.expectHealthy(t)
        }
    }

    /// Relative paths of the files under `directory`.
    static func files(under directory: String) throws -> Set<String> {
        Set(FileManager.default.subpaths(atPath: directory) ?? [])
    }
}

/// Raw HTTP over a loopback socket for requests no client library would send.
enum RawHTTP {
    struct Response: CustomStringConvertible {
        /// The status, or nil if the server closed the connection without an answer.
        var status: Int?
        var body: String
        /// Neither an answer nor a close within the socket timeout.
        var timedOut = false

        var description: String { timedOut ? "no answer (timed out)" : "\(status.map(String.init) ?? "closed") \(body.prefix(200))" }

        func expectEnvelope(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            HTTPExchange(status: status ?? 0, body: body).expectEnvelope(what, sourceLocation: sourceLocation)
        }
    }

    /// A request with `Connection: close` and the given bytes as target and body.
    static func send(
        _ t: TestPlatform, method: String, path: String? = nil, target: [UInt8]? = nil, token: String? = nil, body: [UInt8]? = nil
    ) async throws -> Response {
        var head = Array("\(method) ".utf8) + (target ?? Array((path ?? "/").utf8))
        var fields = " HTTP/1.1\r\nHost: 127.0.0.1:\(t.port)\r\nConnection: close\r\n"
        if let token { fields += "Authorization: Bearer \(token)\r\n" }
        if let body { fields += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += Array((fields + "\r\n").utf8)
        return try await exchange(t, head + (body ?? []))
    }

    /// Sends `request`, then reads until the server closes the connection (``LoopbackSocket/patience`` at most).
    static func exchange(_ t: TestPlatform, _ request: [UInt8]) async throws -> Response {
        let port = t.port
        return try await NIOThreadPool.singleton.runIfActive {
            let fd = try LoopbackSocket.connect(port: port, timeout: LoopbackSocket.patience)
            defer { close(fd) }
            _ = LoopbackSocket.send(fd, request)  // the server may close before reading everything
            var raw: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            var timedOut = false
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 {
                    raw += buffer[..<n]
                    if isComplete(raw) { break }  // a kept-alive connection stays open after the answer
                    continue
                }
                if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { timedOut = true }
                break  // closed (0) or reset
            }
            guard !raw.isEmpty, let parsed = try? HTTPExchange.parse(raw) else {
                return Response(status: nil, body: String(decoding: raw.prefix(300), as: UTF8.self), timedOut: timedOut)
            }
            return Response(status: parsed.status, body: parsed.body, timedOut: timedOut)
        }
    }

    /// Whether `raw` holds a whole answer: a head and its `Content-Length` body, or a last chunk.
    static func isComplete(_ raw: [UInt8]) -> Bool {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = raw.indices.first(where: { raw[$0...].starts(with: separator) }) else { return false }
        let head = String(decoding: raw[..<end], as: UTF8.self).lowercased()
        for line in head.components(separatedBy: "\r\n") where line.hasPrefix("content-length:") {
            guard let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
            return raw.count - (end + 4) >= length
        }
        return head.contains("chunked") && raw.suffix(5).elementsEqual("0\r\n\r\n".utf8)
    }
}
