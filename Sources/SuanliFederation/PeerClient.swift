import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SuanliClient
import SuanliCore

/// Calls from this platform to another: signed with its key (``PeerSignature``), errors as
/// ``SuanliError`` rebuilt from the peer's error body (status 0, code `transport`, when the
/// peer cannot be reached).
struct PeerClient: Sendable {
    let identity: PlatformIdentity
    let prefix: Prefix
    let http: HTTPClient
    let timeout: TimeAmount
    let clock: @Sendable () -> Date

    /// Sends `body` to `base + target`; returns the status and the body of a 2xx answer.
    func send(
        _ method: HTTPMethod, base: String, target: String, body: Data? = nil, hops: Int? = nil
    ) async throws(SuanliError) -> (Int, Data) {
        var request = HTTPClientRequest(url: base + target)
        request.method = method
        let bytes = body ?? Data()
        for (name, value) in PeerSignature.headers(
            identity: identity, prefix: prefix, method: method.rawValue, target: target, body: bytes, now: clock())
        {
            request.headers.add(name: name, value: value)
        }
        if let hops { request.headers.add(name: FederationHeaders.hops, value: String(hops)) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let data: Data
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = Int(response.status.code)
            data = Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        } catch {
            throw SuanliError(.transport, "cannot reach the platform at \(base): \(error)", status: 0)
        }
        guard (200..<300).contains(status) else {
            if let envelope = try? SuanliJSON.decoder().decode(APIErrorBody.self, from: data) {
                throw SuanliError(status: status, body: envelope)
            }
            throw SuanliError(status: status, code: "http_\(status)", message: "the platform at \(base) answered HTTP \(status)")
        }
        return (status, data)
    }

    /// Sends a JSON body and decodes a JSON answer.
    func call<B: Encodable, R: Decodable>(_ method: HTTPMethod, base: String, target: String, body: B, as: R.Type) async throws(SuanliError) -> R {
        let data: Data
        do { data = try SuanliJSON.encoder().encode(body) } catch { throw SuanliError(.internal, "cannot encode a peer call: \(error)") }
        let (_, answer) = try await send(method, base: base, target: target, body: data)
        return try Self.decode(R.self, answer, from: base)
    }

    static func decode<R: Decodable>(_ type: R.Type, _ data: Data, from base: String) throws(SuanliError) -> R {
        do { return try SuanliJSON.decoder().decode(R.self, from: data) } catch {
            throw SuanliError("bad_peer_answer", "the platform at \(base) answered something unreadable: \(error)", status: 502)
        }
    }
}
