import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SuanliClient
import SuanliCore
import SuanliHandle
import SuanliServer
import Testing

/// `GET /api/handles/{handle}` over loopback: status and `responseCode` pairs of the Handle.Net
/// HTTP JSON REST API, the values of a resource and of a prefix, filters, echo, CORS and bad input.
@Suite("Handle API")
struct HandleAPITests {
    /// Sends a raw request (the path exactly as given) and returns status, headers and the decoded record.
    static func get(
        _ t: TestPlatform, _ path: String, method: HTTPMethod = .GET, token: String? = nil, headers: [(String, String)] = []
    ) async throws -> (status: Int, headers: HTTPHeaders, record: HandleRecord?, body: String) {
        var request = HTTPClientRequest(url: t.url + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let data = Data(buffer: body)
        return (Int(response.status.code), response.headers, try? HandleRecord.decode(data), String(buffer: body))
    }

    /// The text of the value of `type` in `record`.
    static func text(_ record: HandleRecord?, _ type: String) -> String? {
        guard case .string(let text) = record?.values?.first(where: { $0.type == type })?.data.value else { return nil }
        return text
    }

    @Test func aResourceResolvesToHandleValues() async throws {
        try await TestPlatform.with(modulesFor: { [HandleModule(platform: $0)] }) { t in
            let (prefix, provider) = try await t.provider("Zhangjiakou A")
            let id = "\(prefix)/zjk-a/gpu-node:17"
            _ = try await provider.putResource(id, gpuSpec(units: 8, price: 900))
            _ = try await provider.report([TelemetryReport(id: id, freeUnits: 6, healthy: true)])

            let (status, headers, record, body) = try await Self.get(t, "/api/handles/" + id)
            #expect(status == 200, "\(body)")
            #expect(headers.first(name: "Access-Control-Allow-Origin") == "*")
            #expect(headers.first(name: "Content-Type")?.hasPrefix("application/json") == true)
            let answer = try #require(record, "\(body)")
            #expect(answer.responseCode == .success)
            #expect(answer.handle == id)
            let values = try #require(answer.values)
            #expect(Set(values.map(\.index)).count == values.count, "indices are unique")
            #expect(Self.text(answer, "URL") == t.url + "/v1/resolve/" + id)
            #expect(Self.text(answer, "SUANLI.KIND") == "gpu")
            #expect(Self.text(answer, "SUANLI.MODEL") == "NVIDIA A100-SXM4-80GB")
            #expect(Self.text(answer, "SUANLI.LOCATION") == "cluster.zhangjiakou")
            #expect(Self.text(answer, "SUANLI.PRICE_FEN_PER_UNIT_HOUR") == "900")
            #expect(Self.text(answer, "SUANLI.PROVIDER") == prefix)
            #expect(Self.text(answer, "SUANLI.PLATFORM") == "86.1")
            #expect(Self.text(answer, "SUANLI.FREE_UNITS") == "6")
            #expect(Self.text(answer, "SUANLI.AVAILABLE") == "true")
            let admin = try #require(values.first { $0.type == "HS_ADMIN" })
            #expect(admin.index == 100 && admin.data.format == "admin")
            #expect(admin.data.value == .admin(HandleAdmin(handle: "0.NA/\(prefix)", index: 300, permissions: "011111110011")))
            // Static attributes are cached long, live state for seconds; timestamps are the record's.
            let url = try #require(values.first { $0.type == "URL" })
            let free = try #require(values.first { $0.type == "SUANLI.FREE_UNITS" })
            #expect(url.ttl == HandleValues.staticTTL && free.ttl == HandleValues.liveTTL && free.ttl < url.ttl)
            let resolved = try await t.anonymous.resolve(id)
            #expect(abs(url.timestamp.timeIntervalSince(resolved.updatedAt)) < 1)
            #expect(body.range(of: #""timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ""#, options: .regularExpression) != nil)
            // The URL value leads to the record.
            guard case .string(let link) = url.data.value else { throw HandleTestError.notText }
            let (recordStatus, recordBody) = try await rawRequest(link)
            #expect(recordStatus == 200 && recordBody.contains(#""free_units":6"#))
        }
    }

    @Test func typeAndIndexFiltersSelectValues() async throws {
        try await TestPlatform.with(modulesFor: { [HandleModule(platform: $0)] }) { t in
            let (prefix, provider) = try await t.provider()
            let id = "\(prefix)/n1"
            _ = try await provider.putResource(id, gpuSpec())
            let base = "/api/handles/" + id
            let onlyURL = try await Self.get(t, base + "?type=URL")
            #expect(onlyURL.status == 200 && onlyURL.record?.values?.map(\.type) == ["URL"])
            let lowercase = try await Self.get(t, base + "?type=url")
            #expect(lowercase.record?.values?.map(\.type) == ["URL"], "types ignore ASCII case")
            let subtypes = try await Self.get(t, base + "?type=SUANLI.")
            let types = subtypes.record?.values?.map(\.type) ?? []
            #expect(types.count == 10 && types.allSatisfy { $0.hasPrefix("SUANLI.") }, "\(types)")
            let indices = try await Self.get(t, base + "?index=1&index=100")
            #expect(indices.record?.values?.map(\.index) == [1, 100])
            let either = try await Self.get(t, base + "?type=SUANLI.KIND&index=1")
            #expect(either.record?.values?.map(\.type) == ["URL", "SUANLI.KIND"])
            let ignored = try await Self.get(t, base + "?auth=true&publicOnly=true")
            #expect(ignored.status == 200 && (ignored.record?.values?.count ?? 0) == 12)

            // No match: responseCode 200 ("values not found") with HTTP 200 and no values.
            let none = try await Self.get(t, base + "?type=EMAIL&index=42")
            #expect(none.status == 200)
            #expect(none.record?.responseCode == .valuesNotFound && none.record?.values == [] && none.record?.handle == id)

            // Bad filters: responseCode 4 with HTTP 400, never a 5xx.
            for query in ["index=abc", "index=-1", "index=99999999999", "type=", "index="] {
                let bad = try await Self.get(t, base + "?" + query)
                #expect(bad.status == 400, "\(query): \(bad.body)")
                #expect(bad.record?.responseCode == .protocolError && bad.record?.handle == id, "\(query): \(bad.body)")
                #expect(bad.record?.message?.isEmpty == false)
            }
            let many = try await Self.get(t, base + "?" + (0..<65).map { "index=\($0)" }.joined(separator: "&"))
            #expect(many.status == 400 && many.record?.responseCode == .protocolError)
        }
    }

    @Test func unknownAndMalformedHandlesGetHandleErrors() async throws {
        try await TestPlatform.with(modulesFor: { [HandleModule(platform: $0)] }) { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/a:b", gpuSpec())

            let missing = try await Self.get(t, "/api/handles/\(prefix)/missing")
            #expect(missing.status == 404 && missing.record?.responseCode == .handleNotFound)
            #expect(missing.record?.handle == "\(prefix)/missing" && missing.record?.values == nil)
            #expect(missing.headers.first(name: "Access-Control-Allow-Origin") == "*")
            let elsewhere = try await Self.get(t, "/api/handles/86.2.1/x")
            #expect(elsewhere.status == 404 && elsewhere.record?.responseCode == .handleNotFound)

            // The handle is echoed as requested, %-decoded: an escaped ':' is the same identifier.
            let escaped = try await Self.get(t, "/api/handles/\(prefix)/a%3Ab")
            #expect(escaped.status == 200 && escaped.record?.handle == "\(prefix)/a:b")

            // Not a handle of ours: responseCode 102, HTTP 400, with the identifier parser's reason.
            let malformed: [(String, String)] = [
                ("86.1", "missing_slash"), ("86.1/a//b", "suffix_empty_segment"), ("86.1/a/", "suffix_trailing_slash"),
                ("86.1/a/../b", "suffix_dot_segment"), ("86.1/%2E%2E/b", "suffix_dot_segment"), ("86.1/a%20b", "suffix_invalid_character"),
                ("hdl:86.1/x", "prefix_non_digit"), ("0.TYPE/URL", "prefix_non_digit"), ("0.NA/86.x", "prefix_non_digit"),
                ("0.NA/", "prefix_non_digit"),
            ]
            for (handle, rule) in malformed {
                let bad = try await Self.get(t, "/api/handles/" + handle)
                #expect(bad.status == 400, "\(handle): \(bad.body)")
                #expect(bad.record?.responseCode == .invalidHandle, "\(handle): \(bad.body)")
                #expect(bad.record?.handle == handle.removingPercentEncoding, "\(handle): \(bad.body)")
                #expect(bad.record?.message?.contains(rule) == true, "\(handle): \(bad.body)")
            }
            // No handle at all is no endpoint (the platform's 404), as for any unknown path.
            let empty = try await Self.get(t, "/api/handles/")
            #expect(empty.status == 404 && empty.body.contains("not_found"))
            let badEscape = try await Self.get(t, "/api/handles/86.1/a%ZZ")
            #expect(badEscape.status == 400 && badEscape.record?.responseCode == .invalidHandle)
            #expect(badEscape.record?.handle == "86.1/a%ZZ")
            let tooLong = try await Self.get(t, "/api/handles/86.1/" + String(repeating: "x", count: 2000))
            #expect(tooLong.status == 400 && tooLong.record?.responseCode == .invalidHandle)
        }
    }

    @Test func prefixesResolveAsZeroNAHandles() async throws {
        try await TestPlatform.with(modulesFor: { [HandleModule(platform: $0, publicURL: "https://suanli.example.cn/")] }) { t in
            let (prefix, _) = try await t.provider("Gui'an Green DC", location: "cluster.guian")

            let platform = try await Self.get(t, "/api/handles/0.NA/86.1")
            #expect(platform.status == 200, "\(platform.body)")
            #expect(platform.record?.handle == "0.NA/86.1")
            #expect(Self.text(platform.record, "URL") == "https://suanli.example.cn")
            #expect(Self.text(platform.record, "SUANLI.PLATFORM") == "86.1")

            let provider = try await Self.get(t, "/api/handles/0.NA/" + prefix)
            #expect(provider.status == 200, "\(provider.body)")
            #expect(Self.text(provider.record, "SUANLI.NAME") == "Gui'an Green DC")
            #expect(Self.text(provider.record, "SUANLI.LOCATION") == "cluster.guian")
            #expect(Self.text(provider.record, "URL") == "https://suanli.example.cn")
            let admin = provider.record?.values?.first { $0.type == "HS_ADMIN" }
            #expect(admin?.data.value == .admin(HandleAdmin(handle: "0.NA/86.1", index: 300, permissions: "011111111111")))
            // The Handle system's own prefix handles ignore ASCII case in "0.NA".
            let lower = try await Self.get(t, "/api/handles/0.na/" + prefix)
            #expect(lower.status == 200 && lower.record?.handle == "0.na/" + prefix)

            for unknown in ["0.NA/86.1.999", "0.NA/86", "0.NA/86.2"] {
                let missing = try await Self.get(t, "/api/handles/" + unknown)
                #expect(missing.status == 404 && missing.record?.responseCode == .handleNotFound, "\(unknown): \(missing.body)")
            }
            // A resource's URL value uses the configured public URL too.
            let (p2, client) = try await t.provider()
            _ = try await client.putResource("\(p2)/x", gpuSpec())
            let resource = try await Self.get(t, "/api/handles/\(p2)/x?type=URL")
            #expect(Self.text(resource.record, "URL") == "https://suanli.example.cn/v1/resolve/\(p2)/x")
        }
    }

    @Test func corsPreflightAndReadAccess() async throws {
        try await TestPlatform.with(readAccess: .token, modulesFor: { [HandleModule(platform: $0)] }) { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/n", gpuSpec())
            let preflight = try await Self.get(
                t, "/api/handles/\(prefix)/n", method: .OPTIONS,
                headers: [("Origin", "https://viewer.example.org"), ("Access-Control-Request-Method", "GET")])
            #expect(preflight.status == 204)
            #expect(preflight.headers.first(name: "Access-Control-Allow-Origin") == "*")
            #expect(preflight.headers.first(name: "Access-Control-Allow-Methods")?.contains("GET") == true)

            // With --read-access token, an anonymous Handle client gets responseCode 402 (HTTP 401).
            let anonymous = try await Self.get(t, "/api/handles/\(prefix)/n")
            #expect(anonymous.status == 401 && anonymous.record?.responseCode == .authenticationNeeded)
            #expect(anonymous.record?.handle == "\(prefix)/n")
            let withToken = try await Self.get(t, "/api/handles/\(prefix)/n", token: TestPlatform.operatorToken)
            #expect(withToken.status == 200 && withToken.record?.responseCode == .success)
        }
    }
}

/// A value that should have been text was not.
enum HandleTestError: Error { case notText }
