import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SuanliClient
import SuanliCore
import SuanliServer
import SuanliWeb
import Testing

/// The dashboard's page and assets, and the task stream it follows (`GET /v1/tasks/stream`),
/// over loopback; the browser itself is driven in ``DashboardBrowserTests``.
@Suite("Dashboard and task stream", .timeLimit(.minutes(1)))
struct DashboardTests {
    @Test func servesThePageAndAssetsWithValidators() async throws {
        try await TestPlatform.with(modules: [Dashboard()]) { t in
            let page = try await exchange(t.url + "/")
            #expect(page.status == 200)
            #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(page.body.contains("/dashboard/app.js"))
            #expect(page.headers["Content-Security-Policy"]?.contains("default-src 'self'") == true)
            let etag = try #require(page.headers["ETag"])
            // The browser's copy is current: 304 without a body.
            let again = try await exchange(t.url + "/", headers: ["If-None-Match": etag])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            let stale = try await exchange(t.url + "/", headers: ["If-None-Match": "\"0000\""])
            #expect(stale.status == 200)

            for (path, type) in [
                ("/dashboard/app.js", "text/javascript; charset=utf-8"), ("/dashboard/style.css", "text/css; charset=utf-8"),
                ("/dashboard/china.json", "application/json; charset=utf-8"),
            ] {
                let asset = try await exchange(t.url + path)
                #expect(asset.status == 200, "\(path)")
                #expect(asset.headers["Content-Type"] == type, "\(path)")
                #expect(asset.headers["ETag"] != nil && asset.headers["ETag"] != etag, "\(path)")
                // Works offline: nothing refers to another origin (the SVG namespace is a name, not a fetch).
                let external = asset.body.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
                #expect(!external.contains("http://") && !external.contains("https://") && !external.contains("//cdn"), "\(path)")
            }
            let head = try await exchange(t.url + "/dashboard/app.js", method: .HEAD)
            #expect(head.status == 200)
            // No token is needed for the page, and an unknown asset is the API's JSON 404.
            let missing = try await exchange(t.url + "/dashboard/nope.js")
            #expect(missing.status == 404)
            #expect(missing.body.contains("\"not_found\""))
        }
    }

    @Test func theTaskStreamSendsEachCallerOnlyTheirTasks() async throws {
        try await TestPlatform.with(modules: [Dashboard()]) { t in
            let (prefix, provider) = try await t.provider()
            _ = try await provider.putResource("\(prefix)/a/gpu-1", gpuSpec())
            let (_, alice) = try await t.consumer("alice")
            let (_, bob) = try await t.consumer("bob")
            let aliceToken = try #require(alice.token)
            let bobToken = try #require(bob.token)

            // Who may open it.
            let anonymous = try await exchange(t.url + "/v1/tasks/stream")
            #expect(anonymous.status == 401)
            let asProvider = try await exchange(t.url + "/v1/tasks/stream", token: provider.token)
            #expect(asProvider.status == 403)
            let unknown = try await exchange(t.url + "/v1/tasks/stream?since=3", token: aliceToken)
            #expect(unknown.status == 400)
            #expect(unknown.body.contains("since"))

            var operatorStream = try await EventStream.open(t.url, token: TestPlatform.operatorToken)
            var aliceStream = try await EventStream.open(t.url, token: aliceToken)
            var bobStream = try await EventStream.open(t.url, token: bobToken)
            for stream in [operatorStream, aliceStream, bobStream] { #expect(stream.contentType == "text/event-stream; charset=utf-8") }
            #expect(try await operatorStream.next()?.type == "ready")
            #expect(try await aliceStream.next()?.type == "ready")
            #expect(try await bobStream.next()?.type == "ready")

            let first = try await alice.submit(taskSpec("alice-job"))
            let second = try await bob.submit(taskSpec("bob-job"))
            // Alice's stream: her task as placed. Bob's: his task first, never Alice's.
            let aliceEvent = try #require(try await aliceStream.next())
            #expect(aliceEvent.type == "task")
            let aliceUpdate = try aliceEvent.update()
            #expect(aliceUpdate.id == first.id)
            #expect(aliceUpdate.name == "alice-job")
            #expect(aliceUpdate.state == first.state)
            #expect(aliceUpdate.placement == first.placement)
            #expect(aliceUpdate.units == 1)
            #expect(try await bobStream.next()?.update().id == second.id)
            // The operator sees both, in commit order.
            #expect(try await operatorStream.next()?.update().id == first.id)
            #expect(try await operatorStream.next()?.update().id == second.id)

            // A change after submission: Alice cancels; she sees it, Bob's next event is his own.
            _ = try await alice.cancel(first.id)
            let cancelled = try #require(try await aliceStream.next()).update()
            #expect(cancelled.id == first.id)
            #expect(cancelled.state == .cancelled)
            #expect(cancelled.event?.state == .cancelled)
            _ = try await bob.cancel(second.id)
            let bobCancelled = try #require(try await bobStream.next()).update()
            #expect(bobCancelled.id == second.id)
            #expect(bobCancelled.state == .cancelled)
            // The streams are still open here: shutting the platform down ends them (else this test hangs).
        }
    }
}

/// A plain HTTP exchange, for headers the typed client does not expose.
struct FetchedResponse {
    var status: Int
    var headers: [String: String]
    var body: String
}

func exchange(
    _ url: String, method: HTTPMethod = .GET, token: String? = nil, headers: [String: String] = [:]
) async throws -> FetchedResponse {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let buffer = try await response.body.collect(upTo: 16 << 20)
    var fields: [String: String] = [:]
    for header in response.headers { fields[header.name] = header.value }
    return FetchedResponse(status: Int(response.status.code), headers: fields, body: String(buffer: buffer))
}

/// Reads `GET /v1/tasks/stream` event by event.
struct EventStream {
    var contentType: String?
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var buffer = ""

    /// One event: its type and data.
    struct Event {
        var type: String
        var data: String

        /// The data as a task update.
        func update() throws -> TaskUpdate { try SuanliJSON.decoder().decode(TaskUpdate.self, from: Data(data.utf8)) }
    }

    static func open(_ url: String, token: String) async throws -> EventStream {
        var request = HTTPClientRequest(url: url + Endpoints.taskStream.path())
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(response.status == .ok)
        return EventStream(contentType: response.headers.first(name: "Content-Type"), iterator: response.body.makeAsyncIterator())
    }

    /// The next event (comments skipped), or nil when the stream ended.
    mutating func next() async throws -> Event? {
        while true {
            if let end = buffer.range(of: "\n\n") {
                let block = buffer[..<end.lowerBound]
                buffer.removeSubrange(..<end.upperBound)
                var type = "message"
                var data = ""
                for line in block.split(separator: "\n") {
                    if line.hasPrefix("event:") { type = line.dropFirst(6).trimmingCharacters(in: .whitespaces) }
                    if line.hasPrefix("data:") { data += line.dropFirst(5).trimmingCharacters(in: .whitespaces) }
                }
                if block.hasPrefix(":") { continue }
                return Event(type: type, data: data)
            }
            guard let chunk = try await iterator.next() else { return nil }
            buffer += String(buffer: chunk)
        }
    }
}
