import Foundation
import SuanliClient
import SuanliCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends `GET target` over a plain TCP socket, byte for byte as written (no client
/// normalises it), and returns the status and the whole answer. The blocking socket calls run
/// on a dispatch queue, never on the Swift concurrency pool the server's handlers need.
func exactRequest(port: Int, _ target: String, headers: [String] = []) async throws -> (status: Int, text: String) {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try blockingRequest(port: port, target, headers: headers) })
        }
    }
}

private func blockingRequest(port: Int, _ target: String, headers: [String]) throws -> (status: Int, text: String) {
    // A bound on a broken server, not a timing assertion.
    let fd = try LoopbackSocket.connect(port: port, timeout: 60)
    defer { close(fd) }
    let request = (["GET \(target) HTTP/1.1", "Host: 127.0.0.1", "Connection: close"] + headers + ["", ""])
        .joined(separator: "\r\n")
    let bytes = Array(request.utf8)
    guard LoopbackSocket.send(fd, bytes) == bytes.count else { throw SuanliError(.transport, "send() failed") }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        answer += buffer[0..<n]
    }
    let text = String(decoding: answer, as: UTF8.self)
    let statusLine = text.prefix { $0 != "\r" }.split(separator: " ")
    return (statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0, text)
}

/// The JSON body of an answer from ``exactRequest(port:_:headers:)``.
func body(of text: String) -> String {
    guard let range = text.range(of: "\r\n\r\n") else { return "" }
    return String(text[range.upperBound...])
}

@Suite("Request path: exact paths, one authenticator, one error model")
struct HTTPRequestPathTests {
    @Test func emptySegmentsAreRefusedNotCollapsed() async throws {
        try await TestPlatform.with { t in
            #expect(try await exactRequest(port: t.port, "/v1/stats").status == 200)
            for target in ["/v1//stats", "//v1/stats", "/v1/stats/", "/v1/tasks//t1", "/v1//resolve/86.1.1/x", "/v1/providers//86.1.1"] {
                let (status, text) = try await exactRequest(port: t.port, target)
                #expect(status == 400, "\(target) → \(text)")
                #expect(body(of: text).hasPrefix(#"{"error":{"code":"bad_request","message":"#), "\(target) → \(text)")
            }
            // Inside an identifier an empty segment is an identifier error, as the parser says.
            for target in ["/v1/resolve/86.1.1/a//b", "/v1/resolve/86.1.1/a/", "/v1/resources/86.1.1//a", "/v1/resolve/"] {
                let (status, text) = try await exactRequest(port: t.port, target)
                #expect(status == 400, "\(target) → \(text)")
                #expect(body(of: text).hasPrefix(#"{"error":{"code":"invalid_identifier","#), "\(target) → \(text)")
            }
        }
    }

    @Test func dotSegmentsNeverNameAnotherIdentifier() async throws {
        try await TestPlatform.with { t in
            let (a, _) = try await t.provider("A")
            let (b, clientB) = try await t.provider("B")
            _ = try await clientB.putResource("\(b)/y", gpuSpec())
            // The plain path resolves; spelled with dot segments (raw or escaped) it is refused.
            #expect(try await exactRequest(port: t.port, "/v1/resolve/\(b)/y").status == 200)
            #expect(try await exactRequest(port: t.port, "/v1/resolve/\(b)/%79").status == 200, "an escaped letter is the letter")
            for target in [
                "/v1/resolve/\(a)/../\(b)/y", "/v1/resolve/\(b)/./y", "/v1/resolve/\(b)/y/..", "/v1/resources/\(a)/%2E%2E/\(b)/y",
                "/v1/resolve/\(a)/.%2e/\(b)/y", "/v1/resolve/\(b)%2Fy", "/v1/resolve/\(b)%2fy",
            ] {
                let (status, text) = try await exactRequest(port: t.port, target)
                #expect(status == 400, "\(target) → \(text)")
                #expect(body(of: text).hasPrefix(#"{"error":{"code":"invalid_identifier","#), "\(target) → \(text)")
            }
            for target in ["/v1/../v1/stats", "/v1/./stats", "/v1/tasks/%2E%2E", "/v1/providers/../stats"] {
                let (status, text) = try await exactRequest(port: t.port, target)
                #expect(status == 400, "\(target) → \(text)")
                #expect(body(of: text).hasPrefix(#"{"error":{"code":"bad_request","#), "\(target) → \(text)")
            }
            // The typed client escapes dot segments, so they reach the server and are refused there.
            let message = await expectAPIError(400, "invalid_identifier") { _ = try await t.anonymous.resolve("\(a)/../\(b)/y") }
            #expect(message.contains("'..'"))
            await expectAPIError(400, "invalid_identifier") { _ = try await clientB.putResource("\(b)/./z", gpuSpec()) }
            #expect(try await t.anonymous.resolve("\(b)/y").id.string == "\(b)/y")
        }
    }

    @Test func unknownEndpointsAndHealthDoNotAuthenticate() async throws {
        try await TestPlatform.with { t in
            let bogus = "Authorization: Bearer not-a-token"
            let (notFound, notFoundText) = try await exactRequest(port: t.port, "/v1/nothing-here", headers: [bogus])
            #expect(notFound == 404)
            #expect(body(of: notFoundText).hasPrefix(#"{"error":{"code":"not_found","message":"no endpoint GET /v1/nothing-here"#))
            #expect(try await exactRequest(port: t.port, "/healthz", headers: [bogus]).status == 200)
            let (unauthorized, text) = try await exactRequest(port: t.port, "/v1/stats", headers: [bogus])
            #expect(unauthorized == 401)
            #expect(text.lowercased().contains("www-authenticate: bearer"))
            let (malformed, malformedText) = try await exactRequest(port: t.port, "/v1/whoami", headers: ["Authorization: Basic eDp5"])
            #expect(malformed == 401)
            #expect(body(of: malformedText).contains("Bearer TOKEN"))
        }
    }

    @Test func thePrincipalIsTheTokensOwner() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            let consumer = try await t.operatorClient.registerConsumer(ConsumerRegistration(name: "alice"))
            #expect(try await t.anonymous.whoami().kind == "anonymous")
            #expect(try await t.operatorClient.whoami().kind == "operator")
            let me = try await provider.whoami()
            #expect(me.kind == "provider" && me.id == prefix && me.platform == "86.1")
            let them = try await t.client(consumer.token).whoami()
            #expect(them.kind == "consumer" && them.id == consumer.id)
        }
    }

    @Test func theClientThrowsTheServersError() async throws {
        try await TestPlatform.with { t in
            let (status, text) = try await rawRequest(t.url + "/v1/resolve/86.1.1/missing")
            let wire = try SuanliJSON.decoder().decode(APIErrorBody.self, from: Data(text.utf8))
            do {
                _ = try await t.anonymous.resolve("86.1.1/missing")
                Issue.record("expected 404")
            } catch let error as SuanliError {
                #expect(error == SuanliError(status: status, body: wire))
                #expect(error.status == 404 && error.code == .notFound && error.code == "not_found")
                #expect(error.body == wire)
            }
            // The same type for a server that cannot be reached, with status 0.
            do {
                _ = try await SuanliClient(server: "http://127.0.0.1:1").stats()
                Issue.record("expected a transport error")
            } catch let error as ClientError {
                #expect(error.status == 0 && error.code == .transport)
            }
        }
    }

    @Test func responsesUseTheAPIsJSONConventions() async throws {
        try await TestPlatform.with { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/n", gpuSpec())
            let (status, text) = try await exactRequest(port: t.port, "/v1/resolve/\(prefix)/n")
            #expect(status == 200)
            #expect(text.lowercased().contains("content-type: application/json; charset=utf-8"))
            let json = body(of: text)
            #expect(json.contains(#""price_fen_per_unit_hour":900"#), "snake_case keys")
            #expect(json.contains(#"Z""#), "RFC 3339 UTC timestamps")
            #expect(!json.contains(#"\/"#), "slashes are not escaped")
        }
    }
}
