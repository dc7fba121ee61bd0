import AsyncHTTPClient
import Foundation
import NIOPosix
import SuanliClient
import SuanliCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hostile input over real HTTP (issue 7, defects 3 and 6): numbers at the edges of their
/// types, timestamps outside years 1–9999, huge strings and paths that clients or routers
/// would normalise. Every one must get a 4xx JSON error (`{"error":{"code","message"}}`),
/// never a trap: the server runs in this test process, so a trap ends the test run.
@Suite("Hostile input over HTTP")
struct HostileInputTests {
    static let task = #""name":"x","units":1,"accept":[{"kind":"gpu","run":{"command":["true"]}}]"#

    // MARK: - Defect 3: requests that crashed the server

    /// `abs(Int.min)` in `TaskSpec` validation trapped.
    @Test func priorityOfIntMinIsAValidationError() async throws {
        try await TestPlatform.with { t in
            let (_, alice) = try await t.consumer()
            for priority in ["-9223372036854775808", "9223372036854775807", "-1000001"] {
                let response = try await HTTPExchange.perform(
                    t, .POST, "/v1/tasks", token: alice.token, body: "{\(Self.task),\"priority\":\(priority)}")
                response.expectError(422, "validation_failed", mentioning: "priority")
            }
            try await Self.expectHealthy(t)
            #expect(try await alice.tasks().items.isEmpty)
        }
    }

    /// Formatting the year −1 of `0000-01-01T00:00:00+23:59` in the "deadline has passed" message trapped.
    @Test func deadlinesOutsideYears1To9999AreRejectedNamingTheField() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec())
            let (_, alice) = try await t.consumer()
            for deadline in [
                "0000-01-01T00:00:00+23:59", "0000-06-01T00:00:00Z", "0001-01-01T00:00:00+00:01",
                // Year 10000 in UTC: it was accepted and shown as year 0.
                "9999-12-31T23:59:59-23:59", "9999-12-31T23:59:60Z",
            ] {
                let response = try await HTTPExchange.perform(
                    t, .POST, "/v1/tasks", token: alice.token, body: "{\(Self.task),\"deadline\":\"\(deadline)\"}")
                response.expectError(400, "bad_request", mentioning: "deadline")
                #expect(response.body.contains("0001") && response.body.contains("9999"), "\(response.body)")
            }
            try await Self.expectHealthy(t)
            #expect(try await alice.tasks().items.isEmpty)
            // The last millisecond of year 9999 is a valid deadline and reads back unchanged.
            let accepted = try await HTTPExchange.perform(
                t, .POST, "/v1/tasks", token: alice.token, body: "{\(Self.task),\"deadline\":\"9999-12-31T23:59:59.999Z\"}")
            #expect(accepted.status == 201, "\(accepted.body)")
            let listed = try await HTTPExchange.perform(t, .GET, "/v1/tasks", token: alice.token)
            #expect(listed.body.contains(#""deadline":"9999-12-31T23:59:59.999Z""#), "\(listed.body)")
        }
    }

    /// Usage filters take timestamps from the query string: the same range applies.
    @Test func usageTimesOutsideTheRangeAreRejected() async throws {
        try await TestPlatform.with { t in
            for query in ["from=0000-01-01T00:00:00%2B23:59", "to=9999-12-31T23:59:59-23:59", "from=9999-12-31T23:59:60Z"] {
                let response = try await HTTPExchange.perform(t, .GET, "/v1/usage?\(query)", token: TestPlatform.operatorToken)
                response.expectError(400, "bad_request")
            }
            try await Self.expectHealthy(t)
        }
    }

    // MARK: - Audit: every number at the edges of its type

    @Test func extremeNumbersInBodiesAreClearErrors() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec())
            let (_, alice) = try await t.consumer()
            let op = TestPlatform.operatorToken
            let resource = #""kind":"gpu","arch":"x86_64","model":"m","location":"city.beijing","memory_gib":80"#
            let cases: [(HTTPExchange.Method, String, String?, String)] = [
                // Tasks.
                (.POST, "/v1/tasks", alice.token, #"{"name":"x","units":-9223372036854775808,"accept":[{"kind":"gpu","run":{"command":["true"]}}]}"#),
                (.POST, "/v1/tasks", alice.token, #"{"name":"x","units":9223372036854775807,"accept":[{"kind":"gpu","run":{"command":["true"]}}]}"#),
                (.POST, "/v1/tasks", alice.token, #"{"name":"x","units":1e30,"accept":[{"kind":"gpu","run":{"command":["true"]}}]}"#),
                (.POST, "/v1/tasks", alice.token, "{\(Self.task),\"priority\":1e300}"),
                (.POST, "/v1/tasks", alice.token, "{\(Self.task),\"max_price_fen_per_unit_hour\":-9223372036854775808}"),
                (.POST, "/v1/tasks", alice.token, "{\(Self.task),\"max_price_fen_per_unit_hour\":9223372036854775807}"),
                (.POST, "/v1/tasks", alice.token, "{\(Self.task),\"max_retries\":-9223372036854775808}"),
                (.POST, "/v1/tasks", alice.token, "{\(Self.task),\"duration_s\":1.7976931348623157e308}"),
                (.POST, "/v1/tasks", alice.token, "{\(Self.task),\"duration_s\":-1e308}"),
                (.POST, "/v1/tasks", alice.token, "{\(Self.task),\"data_location\":\"city.shanghai\",\"max_rtt_ms\":1e308}"),
                (.POST, "/v1/tasks", alice.token, "{\(Self.task),\"min_renewable\":-1e308}"),
                (.POST, "/v1/tasks", alice.token, "{\(Self.task),\"objective\":{\"price\":1e308,\"latency\":1e308,\"carbon\":1e308}}"),
                (.POST, "/v1/tasks", alice.token, #"{"name":"x","units":1,"accept":[{"kind":"gpu","min_memory_gib":1e308,"run":{"command":["true"]}}]}"#),
                // Resources.
                (.PUT, "/v1/resources/\(prefix)/n", provider.token, "{\(resource),\"units\":-9223372036854775808,\"price_fen_per_unit_hour\":1}"),
                (.PUT, "/v1/resources/\(prefix)/n", provider.token, "{\(resource),\"units\":9223372036854775807,\"price_fen_per_unit_hour\":1}"),
                (.PUT, "/v1/resources/\(prefix)/n", provider.token, "{\(resource),\"units\":8,\"price_fen_per_unit_hour\":-9223372036854775808}"),
                (.PUT, "/v1/resources/\(prefix)/n", provider.token, "{\(resource),\"units\":8,\"price_fen_per_unit_hour\":9223372036854775807}"),
                (.PUT, "/v1/resources/\(prefix)/n", provider.token, "{\(resource),\"units\":8,\"price_fen_per_unit_hour\":1,\"tflops\":{\"fp16\":1e308}}"),
                (.PUT, "/v1/resources/\(prefix)/n", provider.token, "{\(resource),\"units\":8,\"price_fen_per_unit_hour\":1,\"renewable\":1e308}"),
                // Telemetry.
                (.POST, "/v1/telemetry", provider.token, #"{"reports":[{"id":"\#(prefix)/g","free_units":-9223372036854775808,"healthy":true}]}"#),
                (.POST, "/v1/telemetry", provider.token, #"{"reports":[{"id":"\#(prefix)/g","free_units":9223372036854775807,"healthy":true}]}"#),
                (.POST, "/v1/telemetry", provider.token, #"{"reports":[{"id":"\#(prefix)/g","free_units":1,"healthy":true,"utilization":1e308}]}"#),
                (.POST, "/v1/telemetry", provider.token, #"{"reports":[{"id":"\#(prefix)/g","free_units":1,"healthy":true,"price_fen_per_unit_hour":-9223372036854775808}]}"#),
                (.POST, "/v1/telemetry", provider.token, #"{"reports":[{"id":"\#(prefix)/g","free_units":1,"healthy":true,"price_fen_per_unit_hour":9223372036854775807}]}"#),
                // Providers and topology.
                (.POST, "/v1/providers", op, #"{"name":"p","contact":"c","location":"city.beijing","renewable":1e308,"pue":1.2}"#),
                (.POST, "/v1/providers", op, #"{"name":"p","contact":"c","location":"city.beijing","renewable":0.5,"pue":-1e308}"#),
                (.PUT, "/v1/topology/latency", op, #"{"from":"city.beijing","to":"city.shanghai","rtt_ms":1e308}"#),
                (.PUT, "/v1/topology/latency", op, #"{"from":"city.beijing","to":"city.shanghai","rtt_ms":-1e308}"#),
                // Agents.
                (.POST, "/v1/agent/work", provider.token, #"{"wait_s":1e308,"running":[]}"#),
                (.POST, "/v1/agent/work", provider.token, #"{"wait_s":-1e308,"running":[]}"#),
                (.POST, "/v1/agent/logs", provider.token, #"{"task":"t1","attempt":-9223372036854775808,"stream":"stdout","data":"x"}"#),
                (.POST, "/v1/agent/logs", provider.token, #"{"task":"t1","attempt":9223372036854775807,"stream":"stdout","data":"x"}"#),
            ]
            for (method, path, token, body) in cases {
                let response = try await HTTPExchange.perform(t, method, path, token: token, body: body)
                response.expectClientError("\(method) \(path) \(body)")
            }
            try await Self.expectHealthy(t)
            // Nothing was changed by the refused writes.
            let record = try await t.anonymous.resolve("\(prefix)/g")
            #expect(record.units == 8 && record.priceFenPerUnitHour == 900 && record.state.freeUnits == 8)
            #expect(try await alice.tasks().items.isEmpty)
        }
    }

    @Test func extremeNumbersInQueriesAreClearErrors() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec())
            let (_, alice) = try await t.consumer()
            let submitted = try await alice.submit(taskSpec())
            let queries = [
                "/v1/resources?limit=-9223372036854775808", "/v1/resources?limit=9223372036854775808",
                "/v1/resources?limit=inf", "/v1/resources?min_free=1e400", "/v1/resources?min_free=-1",
                "/v1/resources?max_price=1e300", "/v1/resources?max_price=-9223372036854775808",
                "/v1/resources?near=city.beijing&max_rtt_ms=nan", "/v1/resources?min_renewable=-inf",
                "/v1/tasks?limit=-9223372036854775808", "/v1/tasks?limit=99999999999999999999999",
                "/v1/tasks/\(submitted.id)/logs?tail=-9223372036854775808", "/v1/tasks/\(submitted.id)/logs?tail=-1",
                "/v1/tasks/\(submitted.id)/logs?tail=9223372036854775807",
                "/v1/tasks/\(submitted.id)/logs?attempt=-9223372036854775808",
            ]
            for query in queries {
                let response = try await HTTPExchange.perform(t, .GET, query, token: alice.token)
                response.expectClientError(query)
            }
            // Cursors that do not fit their integers are bad cursors, not traps.
            for query in ["/v1/resources?cursor=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "/v1/tasks?cursor=t99999999999999999999999999"] {
                let response = try await HTTPExchange.perform(t, .GET, query, token: alice.token)
                #expect(response.status == 400 || response.status == 200, "\(query): \(response.status) \(response.body)")
            }
            // An attempt far in the future has no log: empty, not a trap.
            let future = try await HTTPExchange.perform(
                t, .GET, "/v1/tasks/\(submitted.id)/logs?attempt=9223372036854775807", token: alice.token)
            #expect(future.status == 200 || (400..<500).contains(future.status), "\(future.status) \(future.body)")
            try await Self.expectHealthy(t)
        }
    }

    /// Error messages quote at most an excerpt of what the client sent.
    @Test func hugeStringsAreNotEchoedWhole() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            let (_, alice) = try await t.consumer()
            let huge = String(repeating: "x", count: 200_000)
            let cases: [(HTTPExchange.Method, String, String?, String?)] = [
                (.PUT, "/v1/resources/\(prefix)/n", provider.token,
                 #"{"kind":"gpu","arch":"x86_64","model":"m","units":8,"location":"\#(huge)","price_fen_per_unit_hour":1}"#),
                (.POST, "/v1/providers", TestPlatform.operatorToken,
                 #"{"name":"p","contact":"c","location":"\#(huge)","renewable":0.5,"pue":1.2}"#),
                (.POST, "/v1/tasks", alice.token, "{\(Self.task),\"data_location\":\"\(huge)\"}"),
                (.POST, "/v1/tasks", alice.token, "{\(Self.task),\"deadline\":\"\(huge)\"}"),
                (.PUT, "/v1/topology/latency", TestPlatform.operatorToken, #"{"from":"\#(huge)","to":"city.beijing","rtt_ms":3}"#),
                (.GET, "/v1/resources?arch=\(String(repeating: "y", count: 4000))", nil, nil),
                (.GET, "/v1/resources?\(String(repeating: "z", count: 4000))=1", nil, nil),
            ]
            for (method, path, token, body) in cases {
                let response = try await HTTPExchange.perform(t, method, path, token: token, body: body)
                if response.status == 200 { continue }  // a filter that matches nothing is fine
                response.expectClientError("\(method) \(path.prefix(60))")
                #expect(response.body.utf8.count < 2_000, "\(method) \(path.prefix(60)): a \(response.body.utf8.count)-byte error")
            }
            try await Self.expectHealthy(t)
        }
    }

    /// Echoes made by the HTTP layer rather than the core: the field path of a `DecodingError`
    /// (it holds dictionary keys sent by the client) and unknown query parameter names.
    @Test
    func hugeKeysAreNotEchoedWholeByTheHTTPLayer() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            let (_, alice) = try await t.consumer()
            let huge = String(repeating: "x", count: 200_000)
            let cases: [(HTTPExchange.Method, String, String?, String?)] = [
                // A wrongly typed value under a huge key: the decoding error's field path holds the key.
                (.POST, "/v1/tasks", alice.token,
                 #"{"name":"x","units":1,"accept":[{"kind":"gpu","run":{"command":["true"],"env":{"\#(huge)":1}}}]}"#),
                (.PUT, "/v1/resources/\(prefix)/n", provider.token,
                 #"{"kind":"gpu","arch":"x86_64","model":"m","units":8,"location":"city.beijing","price_fen_per_unit_hour":1,"labels":{"\#(huge)":1}}"#),
                (.GET, "/v1/tasks?\(String(repeating: "z", count: 4000))=1", alice.token, nil),
                (.GET, "/v1/usage?\(String(repeating: "z", count: 4000))=1", alice.token, nil),
            ]
            for (method, path, token, body) in cases {
                let response = try await HTTPExchange.perform(t, method, path, token: token, body: body)
                response.expectClientError("\(method) \(path.prefix(60))")
                #expect(response.body.utf8.count < 2_000, "\(method) \(path.prefix(60)): a \(response.body.utf8.count)-byte error")
            }
            try await Self.expectHealthy(t)
        }
    }

    // MARK: - Defect 6: paths that clients or the router would normalise

    /// `86.1.1/../86.1.2/y` was a valid identifier that clients turn into another provider's
    /// name; `//` was collapsed by the router. Raw, %-escaped or doubled, each must be a 4xx
    /// JSON error, never another identifier's record.
    @Test func dotAndEmptySegmentsNeverResolveToAnotherIdentifier() async throws {
        try await TestPlatform.with { t in
            let (a, clientA) = try await t.provider("A")
            let (b, clientB) = try await t.provider("B")
            _ = try await clientA.putResource("\(a)/x", gpuSpec(price: 111))
            _ = try await clientB.putResource("\(b)/y", gpuSpec(price: 222))
            let reads = [
                "/v1/resolve/\(a)/../\(b)/y", "/v1/resolve/\(a)/x/../../\(b)/y", "/v1/resolve/\(a)/%2e%2e/\(b)/y",
                "/v1/resolve/\(a)/%2E%2E/\(b)/y", "/v1/resolve/\(a)/.%2e/\(b)/y", "/v1/resolve/\(b)/./y",
                "/v1/resolve/\(b)/%2e/y", "/v1/resolve/\(b)//y", "/v1/resolve//\(b)/y", "/v1/resolve/\(b)/y/",
                "/v1/resolve/\(b)/y/.", "/v1/resolve/\(b)/y/..", "/v1/resolve/\(b)/%2Fy",
                "/v1/resources/\(a)/../\(b)/y", "/v1/resources/\(a)/%2e%2e/\(b)/y", "/v1/resources/\(b)//y",
                "/v1/resources//\(b)/y", "/v1//resolve/\(b)/y", "//v1/resolve/\(b)/y", "/v1/./resolve/\(b)/y",
                "/v1/x/../resolve/\(b)/y", "/v1/%2e%2e/v1/resolve/\(b)/y",
            ]
            for path in reads {
                let response = try await HTTPExchange.perform(t, .GET, path)
                if response.status == 200 {
                    // Only acceptable if the path named exactly that identifier after %-decoding.
                    Issue.record("GET \(path) answered 200: \(response.body.prefix(200))")
                    continue
                }
                response.expectError(oneOf: [400, 404], path)
                #expect(!response.body.contains("\"price_fen_per_unit_hour\""), "GET \(path) returned a record")
            }
            // Writes through such paths never touch another provider's resource, nor create one.
            for path in ["/v1/resources/\(a)/../\(b)/y", "/v1/resources/\(a)/%2e%2e/\(b)/y", "/v1/resources/\(a)//z",
                         "/v1/resources/\(a)/./z", "/v1/resources/\(a)/z/.."] {
                let put = try await HTTPExchange.perform(
                    t, .PUT, path, token: clientA.token, body: String(decoding: try SuanliJSON.encoder().encode(gpuSpec(price: 1)), as: UTF8.self))
                put.expectError(oneOf: [400, 403, 404], "PUT \(path)")
                let delete = try await HTTPExchange.perform(t, .DELETE, path, token: clientA.token)
                delete.expectError(oneOf: [400, 403, 404], "DELETE \(path)")
            }
            #expect(try await t.anonymous.resolve("\(b)/y").priceFenPerUnitHour == 222)
            #expect(try await t.anonymous.resolve("\(a)/x").priceFenPerUnitHour == 111)
            // A %-escaped slash decodes to the same identifier: that one, and no other.
            let escaped = try await HTTPExchange.perform(t, .GET, "/v1/resolve/\(b)%2Fy")
            if escaped.status == 200 {
                #expect(escaped.body.contains(#""id":"\#(b)/y""#), "\(escaped.body.prefix(200))")
            } else {
                escaped.expectError(oneOf: [400, 404], "/v1/resolve/\(b)%2Fy")
            }
            // The exact paths still work.
            #expect(try await HTTPExchange.perform(t, .GET, "/v1/resolve/\(b)/y").status == 200)
            #expect(try await HTTPExchange.perform(t, .GET, "/v1/resources/\(a)/x").status == 200)
            // Identifiers with dots inside segments are fine.
            _ = try await clientA.putResource("\(a)/v1.2/...", gpuSpec())
            #expect(try await HTTPExchange.perform(t, .GET, "/v1/resolve/\(a)/v1.2/...").status == 200)
            try await Self.expectHealthy(t)
        }
    }

    /// The router must not treat `/v1//tasks/ID` or `/v1/tasks//ID` as `/v1/tasks/ID`.
    @Test func emptySegmentsInOtherPathsAreNotCollapsed() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/g", gpuSpec())
            let (_, alice) = try await t.consumer()
            let submitted = try await alice.submit(taskSpec())
            for path in ["/v1//tasks/\(submitted.id)", "/v1/tasks//\(submitted.id)", "//v1/tasks/\(submitted.id)",
                         "/v1/tasks/\(submitted.id)/", "/v1/tasks/./\(submitted.id)", "/v1//stats", "/v1/stats/"] {
                let response = try await HTTPExchange.perform(t, .GET, path, token: alice.token)
                response.expectError(oneOf: [400, 404], path)
            }
            #expect(try await HTTPExchange.perform(t, .GET, "/v1/tasks/\(submitted.id)", token: alice.token).status == 200)
        }
    }

    /// Identifiers in JSON bodies obey the same rule: no `.`/`..` segments.
    @Test func dotSegmentsInBodiesAreInvalidIdentifiers() async throws {
        try await TestPlatform.with { t in
            let (a, clientA) = try await t.provider("A")
            _ = try await clientA.putResource("\(a)/x", gpuSpec())
            let batch = try await HTTPExchange.perform(t, .POST, "/v1/resolve", body: #"{"ids":["\#(a)/x/../x"]}"#)
            #expect(batch.status == 400 || batch.body.contains("null"), "\(batch.status) \(batch.body)")
            let telemetry = try await HTTPExchange.perform(
                t, .POST, "/v1/telemetry", token: clientA.token,
                body: #"{"reports":[{"id":"\#(a)/./x","free_units":1,"healthy":true}]}"#)
            telemetry.expectClientError("telemetry for a dot-segment identifier")
            #expect(try await t.anonymous.resolve("\(a)/x").state.freeUnits == 8)
        }
    }

    static func expectHealthy(_ t: TestPlatform, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let health = try await HTTPExchange.perform(t, .GET, "/healthz")
        #expect(health.status == 200, "the server still answers /healthz", sourceLocation: sourceLocation)
    }
}

/// One HTTP/1.1 exchange over a plain loopback socket, so that the path reaches the server
/// byte for byte (HTTP client libraries resolve `.`/`..` and may re-encode `%2e`).
struct HTTPExchange {
    enum Method: String { case GET, PUT, POST, DELETE }

    var status: Int
    var body: String

    /// Sends one request with `Connection: close` and reads the whole answer (10 s socket timeouts).
    static func perform(
        _ t: TestPlatform, _ method: Method, _ path: String, token: String? = nil, body: String? = nil
    ) async throws -> HTTPExchange {
        let bodyBytes = Array((body ?? "").utf8)
        var head = "\(method.rawValue) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(t.port)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if body != nil { head += "Content-Type: application/json\r\nContent-Length: \(bodyBytes.count)\r\n" }
        head += "\r\n"
        let request = Array(head.utf8) + bodyBytes
        let port = t.port
        // Blocking socket calls run on NIO's blocking-I/O pool, never on the cooperative pool
        // that the in-process server's handlers need.
        let raw = try await NIOThreadPool.singleton.runIfActive { try exchange(port: port, request: request) }
        return try parse(raw)
    }

    static func exchange(port: Int, request: [UInt8]) throws -> [UInt8] {
        let fd = try LoopbackSocket.connect(port: port, timeout: LoopbackSocket.patience)
        defer { close(fd) }
        guard LoopbackSocket.send(fd, request) == request.count else { throw SocketFailure("send: errno \(errno)") }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw SocketFailure("recv: errno \(errno) after \(response.count) bytes") }
            response += buffer[..<n]
        }
        return response
    }

    /// Splits status line, headers and body (plain or chunked).
    static func parse(_ raw: [UInt8]) throws -> HTTPExchange {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = raw.indices.first(where: { raw[$0...].starts(with: separator) }) else {
            throw SocketFailure("no complete HTTP head in \(raw.count) bytes")
        }
        let head = String(decoding: raw[..<end], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw SocketFailure("bad status line \(lines[0])") }
        var body = Array(raw[(end + 4)...])
        if lines.contains(where: { $0.lowercased().hasPrefix("transfer-encoding:") && $0.lowercased().contains("chunked") }) {
            var decoded: [UInt8] = []
            var i = 0
            while i < body.count {
                guard let lineEnd = body[i...].indices.first(where: { body[$0...].starts(with: [13, 10]) }) else { break }
                let sizeText = String(decoding: body[i..<lineEnd], as: UTF8.self).split(separator: ";")[0]
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
                let start = lineEnd + 2
                decoded += body[start..<min(start + size, body.count)]
                i = start + size + 2
            }
            body = decoded
        }
        return HTTPExchange(status: status, body: String(decoding: body, as: UTF8.self))
    }

    /// Expects a 4xx answer with the JSON error envelope.
    func expectClientError(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect((400..<500).contains(status), "\(what): \(status) \(body.prefix(300))", sourceLocation: sourceLocation)
        expectEnvelope(what, sourceLocation: sourceLocation)
    }

    /// Expects one of `statuses` with the JSON error envelope.
    func expectError(oneOf statuses: Set<Int>, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(statuses.contains(status), "\(what): \(status) \(body.prefix(300))", sourceLocation: sourceLocation)
        expectEnvelope(what, sourceLocation: sourceLocation)
    }

    /// Expects exactly `status` and `code`, and a message or field naming `field` if given.
    func expectError(
        _ status: Int, _ code: String, mentioning field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(self.status == status, "\(body.prefix(300))", sourceLocation: sourceLocation)
        guard let error = expectEnvelope("\(status) \(code)", sourceLocation: sourceLocation) else { return }
        #expect(error.error.code == code, "\(error.error.message)", sourceLocation: sourceLocation)
        if let field { #expect(error.error.message.contains(field), "\(error.error.message)", sourceLocation: sourceLocation) }
    }

    @discardableResult
    func expectEnvelope(_ what: String, sourceLocation: SourceLocation) -> APIErrorBody? {
        do {
            let error = try SuanliJSON.decoder().decode(APIErrorBody.self, from: Data(body.utf8))
            #expect(!error.error.code.isEmpty && !error.error.message.isEmpty, "\(what)", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("\(what): the body is not the JSON error envelope: \(body.prefix(300))", sourceLocation: sourceLocation)
            return nil
        }
    }
}

struct SocketFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
