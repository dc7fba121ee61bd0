import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SuanliCore
import SuanliServer

/// Handle-compatible resolution: `GET /api/handles/{handle}` after the Handle.Net HTTP JSON
/// REST API, so that Handle tools (pyhandle, the Handle proxy's clients, China's industrial
/// identifier resolvers) resolve Suanli identifiers and prefixes.
///
/// A resource's identifier resolves to its record as handle values (``HandleValues/resource(_:recordURL:platform:)``),
/// `0.NA/{prefix}` to the platform or provider that owns the prefix. Answers carry
/// `responseCode` 1 (200), 100 (404, no such handle), 200 (200, no value matches the
/// `type=`/`index=` filters), 102 (400, not a handle of ours), 4 (400, a bad filter) or 402
/// (401, the platform's reads need a token); never a 5xx for bad input. Every answer allows any
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

    /// Serves `platform`'s records; `publicURL` is the base URL written into `URL` values
    /// (default: `http://` and the request's `Host`).
    public init(platform: Platform, publicURL: String? = nil) {
        self.platform = platform
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.started = Date()
    }

    /// Adds `GET` and `OPTIONS /api/handles/{handle...}`.
    public func addRoutes(to router: Router<SuanliRequestContext>, api: RouterGroup<SuanliRequestContext>) {
        let module = self
        api.get(Self.route) { request, context -> Response in
            module.response(module.resolve(request, principal: context.principal))
        }
        api.on(Self.route, method: .options) { _, _ -> Response in
            var headers = Self.corsHeaders
            headers[.accessControlAllowMethods] = "GET, OPTIONS"
            headers[.accessControlAllowHeaders] = "Authorization, Content-Type"
            headers[.accessControlMaxAge] = "86400"
            return Response(status: .noContent, headers: headers)
        }
    }

    /// The answer to one request.
    func resolve(_ request: Request, principal: Principal) -> HandleRecord {
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
        let base = baseURL(request)
        let values: [HandleValue]
        switch name {
        case .identifier(let id):
            do throws(SuanliError) {
                let record = try platform.resolve(id.string)
                values = HandleValues.resource(
                    record, recordURL: base + Endpoints.resolve.path(id.string), platform: platform.configuration.prefix)
            } catch {
                return HandleRecord(responseCode: .handleNotFound, handle: text, message: error.message)
            }
        case .prefix(let prefix):
            guard let description = describe(prefix, base: base) else {
                return HandleRecord(responseCode: .handleNotFound, handle: text, message: "no prefix \(prefix) is known here")
            }
            values = HandleValues.prefix(description)
        }
        let matching = values.filter(filter.matches)
        guard !matching.isEmpty else {
            return HandleRecord(
                responseCode: .valuesNotFound, handle: text, message: "no value of \(text) matches the type and index filters",
                values: [])
        }
        return HandleRecord(responseCode: .success, handle: text, values: matching)
    }

    /// The platform's own prefix or one of its providers'.
    func describe(_ prefix: Prefix, base: String) -> PrefixDescription? {
        let own = platform.configuration.prefix
        if prefix == own {
            return PrefixDescription(prefix: prefix, url: base, name: nil, platform: own, administrator: own, since: started)
        }
        guard prefix.parent == own, let provider = try? platform.provider(prefix.description) else { return nil }
        return PrefixDescription(
            prefix: prefix, url: base, name: provider.name, platform: own, administrator: own, location: provider.location,
            since: provider.createdAt)
    }

    /// The base URL for `URL` values: the configured public URL, else `http://` and the `Host` header.
    func baseURL(_ request: Request) -> String {
        if let publicURL { return publicURL }
        return "http://" + (request.head.authority ?? "localhost")
    }

    /// `record` as a response with its HTTP status and the CORS header.
    func response(_ record: HandleRecord) -> Response {
        var headers = Self.corsHeaders
        headers[.contentType] = Self.contentType
        return Response(
            status: record.responseCode.httpStatus, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: record.json())))
    }

    /// `Access-Control-Allow-Origin: *`.
    static let corsHeaders: HTTPFields = [.accessControlAllowOrigin: "*"]
}
