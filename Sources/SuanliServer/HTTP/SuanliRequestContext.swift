import Hummingbird
import Logging
import NIOCore

/// A request context that carries the caller, as `AuthRequestContext` does in hummingbird-auth,
/// and the connection's peer address (for the audit log).
public protocol PrincipalRequestContext: RemoteAddressRequestContext {
    /// Who is calling; ``Principal/anonymous`` until an authenticator establishes it.
    var principal: Principal { get set }
    /// The id of the token that established ``principal``; `nil` for anonymous callers.
    var tokenID: String? { get set }
}

/// The context of every API request: the authenticated ``Principal`` (set once by
/// ``BearerAuthenticator``), the body limit, and the API's JSON coders.
public struct SuanliRequestContext: PrincipalRequestContext {
    /// Hummingbird's own per-request storage (logger, parameters, endpoint path).
    public var coreContext: CoreRequestContextStorage
    /// The caller; ``Principal/anonymous`` until ``BearerAuthenticator`` runs.
    public var principal: Principal
    /// The id of the caller's token; `nil` until ``BearerAuthenticator`` runs, and for anonymous callers.
    public var tokenID: String?
    /// Largest request body decoded (413 above it); set per platform by ``BodyLimitMiddleware``.
    public var maxUploadSize: Int
    /// The connection (its peer address is read only when a request is audited).
    let channel: any Channel

    /// Creates the context of one request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = .anonymous
        self.tokenID = nil
        self.maxUploadSize = 4 << 20  // PlatformConfiguration's default until BodyLimitMiddleware sets the platform's
        self.channel = source.channel
    }

    /// The connected peer.
    public var remoteAddress: SocketAddress? { channel.remoteAddress }

    /// Decodes JSON bodies with `SuanliJSON`'s conventions and the API's error messages.
    public var requestDecoder: SuanliRequestDecoder { SuanliRequestDecoder() }
    /// Encodes responses with `SuanliJSON`'s conventions.
    public var responseEncoder: SuanliResponseEncoder { SuanliResponseEncoder() }
}
