import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SuanliCore
import SuanliFederation
import SuanliServer

/// Handle-compatible resolution: `GET /api/handles/{handle}` after the Handle.Net HTTP JSON
/// REST API, so that Handle tools (pyhandle, the Handle proxy's clients, China's industrial
/// identifier resolvers) resolve Suanli identifiers and prefixes.
///
/// A resource's identifier resolves to its record as handle values (``HandleValues/resource(_:recordURL:platform:)``),
/// `0.NA/{prefix}` to the platform or provider that owns the prefix. In a federation, every
/// identifier and delegated prefix of the federation resolves on every platform: resources
/// through the platform's resolve-anywhere seam, prefixes through the signed delegation
/// records of ``FederationModule``, with each platform's public key. Answers carry
/// `responseCode` 1 (200), 100 (404, no such handle), 200 (200, no value matches the
/// `type=`/`index=` filters), 102 (400, not a handle of ours), 4 (400, a bad filter), 6 (400,
/// the federation's hop limit), 402 (401, the platform's reads need a token) or 2 (a failing
/// peer's 5xx); never a 5xx for bad input. Every answer allows any
/// origin (CORS), and `OPTIONS` answers preflights. The interface is read-only: handles change
/// through the `/v1` API. The route needs a token only when the platform's reads do.
public struct HandleModule: PlatformModule {
    /// The path of a handle; the handle is the rest of the path, %-decoded.
    public static let path = Endpoints.handles
    /// The route: `/api/handles/` and the rest of the path.
    static let route = RouterPath(Self.path.literalPrefix + "**")
    /// The content type of every answer.
    public static let contentType = "application/json; charset=utf-8"

    let platform: Platform
    let publicURL: String?
    let started: Date
    let explicitFederation: FederationModule?

    /// Serves `platform`'s records. `federation` is the platform's federation module (default:
    /// the one installed as the platform's resolver, if any); `publicURL` is the base URL written
    /// into `URL` values (default: the federation's URL, else `http://` and the request's `Host`).
    public init(platform: Platform, federation: FederationModule? = nil, publicURL: String? = nil) {
        self.platform = platform
        self.explicitFederation = federation
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.started = Date()
    }

    /// The platform's federation module, if it takes part in one.
    var federation: FederationModule? {
        explicitFederation ?? platform.federationModule
    }

    /// Adds `GET` and `OPTIONS /api/handles/{handle...}`.
    public func addRoutes(to router: Router<SuanliRequestContext>, api: RouterGroup<SuanliRequestContext>) {
        let module = self
        api.get(Self.route) { request, context -> Response in
            let (record, status) = await module.resolve(request, principal: context.principal, peer: context.remoteAddress?.ipAddress)
            return module.response(record, status: status)
        }
        api.on(Self.route, method: .options) { _, _ -> Response in
            var headers = Self.corsHeaders
            headers[.accessControlAllowMethods] = "GET, OPTIONS"
            headers[.accessControlAllowHeaders] = "Authorization, Content-Type"
            headers[.accessControlMaxAge] = "86400"
            return Response(status: .noContent, headers: headers)
        }
    }

    /// The answer to one request, and its HTTP status when it is not the response code's
    /// (a federation peer that failed: its 5xx status with response code 2).
    func resolve(_ request: Request, principal: Principal, peer: String? = nil) async -> (HandleRecord, HTTPResponse.Status?) {
        let record: HandleRecord
        do throws(PeerFailure) { record = try await answer(request, principal: principal, peer: peer) } catch {
            return (error.record, error.status)
        }
        return (record, nil)
    }

    /// A federation peer failed (unreachable, a bad answer): response code 2 with the peer error's status.
    struct PeerFailure: Error {
        var record: HandleRecord
        var status: HTTPResponse.Status
    }

    /// The answer, unless a federation peer failed.
    func answer(_ request: Request, principal: Principal, peer: String? = nil) async throws(PeerFailure) -> HandleRecord {
        let raw = request.uri.path.dropFirst(Self.path.literalPrefix.count)
        guard let text = raw.removingPercentEncoding else {
            return HandleRecord(responseCode: .invalidHandle, handle: String(raw), message: "the handle has a malformed %-escape")
        }
        do throws(SuanliError) { try platform.authorizeRead(principal) } catch {
            return HandleRecord(responseCode: .authenticationNeeded, handle: text, message: error.message)
        }
        let filter: HandleFilter
        do throws(HandleFilter.Invalid) {
            filter = try HandleFilter(parameters: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        } catch {
            return HandleRecord(responseCode: .protocolError, handle: text, message: error.message)
        }
        let name: HandleName
        do throws(HandleFilter.Invalid) { name = try HandleName(parsing: text) } catch {
            return HandleRecord(responseCode: .invalidHandle, handle: text, message: error.message)
        }
        let base = baseURL(request, peer: peer)
        let values: [HandleValue]
        do throws(SuanliError) {
            switch name {
            case .identifier(let id):
                let record = try await platform.resolveAnywhere(id.string)
                values = HandleValues.resource(
                    record, recordURL: base + Endpoints.resolve.path(id.string), platform: record.platform ?? platform.configuration.prefix)
            case .prefix(let prefix):
                guard let description = try await describe(prefix, base: base) else {
                    return HandleRecord(responseCode: .handleNotFound, handle: text, message: "no prefix \(prefix) is known here")
                }
                values = HandleValues.prefix(description)
            }
        } catch {
            let code: Int = error.status
            switch code {
            case 404: return HandleRecord(responseCode: .handleNotFound, handle: text, message: error.message)
            case 400 where error.code.rawValue == "hop_limit":
                return HandleRecord(responseCode: .recursionCountTooHigh, handle: text, message: error.message)
            case 400..<500: return HandleRecord(responseCode: .invalidHandle, handle: text, message: error.message)
            default:
                let status = (500...599).contains(code) ? HTTPResponse.Status(code: code) : .badGateway
                throw PeerFailure(record: HandleRecord(responseCode: .error, handle: text, message: error.message), status: status)
            }
        }
        let matching = values.filter(filter.matches)
        guard !matching.isEmpty else {
            return HandleRecord(
                responseCode: .valuesNotFound, handle: text, message: "no value of \(text) matches the type and index filters",
                values: [])
        }
        return HandleRecord(responseCode: .success, handle: text, values: matching)
    }

    /// The platform's own prefix, one of its providers', or (in a federation) a prefix delegated
    /// to another platform, from its signed delegation record; nil when unknown.
    func describe(_ prefix: Prefix, base: String) async throws(SuanliError) -> PrefixDescription? {
        let own = platform.configuration.prefix
        let federation = self.federation
        let key = federation.flatMap { Data(base64Encoded: $0.publicKey) }
        if prefix == own {
            let delegation = federation?.ownDelegation()
            return PrefixDescription(
                prefix: prefix, url: base, name: federation?.status().name, platform: own, administrator: delegation?.parent ?? own,
                publicKey: key, since: delegation?.issuedAt ?? started)
        }
        if prefix.parent == own, let provider = try? platform.provider(prefix.description) {
            return PrefixDescription(
                prefix: prefix, url: base, name: provider.name, platform: own, administrator: own, location: provider.location,
                publicKey: key, since: provider.createdAt)
        }
        guard let federation else { return nil }
        let record = try await federation.delegation(of: prefix)
        return PrefixDescription(
            prefix: prefix, url: record.url, name: record.name, platform: record.prefix, administrator: record.parent ?? record.prefix,
            publicKey: Data(base64Encoded: record.publicKey), since: record.issuedAt)
    }

    /// The base URL for `URL` values: the configured public URL, else the federation's URL, else
    /// `http://` and the host the client asked for: `X-Forwarded-Host` when the request came
    /// through a trusted proxy (`serve --trusted-proxy`: a standby of this platform, a load
    /// balancer), else the `Host` header.
    func baseURL(_ request: Request, peer: String? = nil) -> String {
        if let publicURL { return publicURL }
        if let url = federation?.url { return url }
        if let peer, platform.configuration.trustedProxies.contains(peer),
            let forwarded = request.headers[Self.forwardedHost], Self.isHost(forwarded)
        {
            return "http://" + forwarded
        }
        return "http://" + (request.head.authority ?? "localhost")
    }

    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!

    /// Whether `text` can only be a host with an optional port (no path, user or spaces).
    static func isHost(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 255
            && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ".-:[]".unicodeScalars.contains($0)) }
    }

    /// `record` as a response with its HTTP status (`status`, else the response code's) and the CORS header.
    func response(_ record: HandleRecord, status: HTTPResponse.Status? = nil) -> Response {
        var headers = Self.corsHeaders
        headers[.contentType] = Self.contentType
        return Response(
            status: status ?? record.responseCode.httpStatus, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: record.json())))
    }

    /// `Access-Control-Allow-Origin: *`.
    static let corsHeaders: HTTPFields = [.accessControlAllowOrigin: "*"]
}
