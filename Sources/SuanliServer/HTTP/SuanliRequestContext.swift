import Hummingbird
import Logging

/// A request context that carries the caller, as `AuthRequestContext` does in hummingbird-auth.
public protocol PrincipalRequestContext: RequestContext {
    /// Who is calling; ``Principal/anonymous`` until an authenticator establishes it.
    var principal: Principal { get set }
}

/// The context of every API request: the authenticated ``Principal`` (set once by
/// ``BearerAuthenticator``), the body limit, and the API's JSON coders.
public struct SuanliRequestContext: PrincipalRequestContext {
    /// Hummingbird's own per-request storage (logger, parameters, endpoint path).
    public var coreContext: CoreRequestContextStorage
    /// The caller; ``Principal/anonymous`` until ``BearerAuthenticator`` runs.
    public var principal: Principal
    /// Largest request body decoded (413 above it); set per platform by ``BodyLimitMiddleware``.
    public var maxUploadSize: Int

    /// Creates the context of one request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = .anonymous
        self.maxUploadSize = 4 << 20  // PlatformConfiguration's default until BodyLimitMiddleware sets the platform's
    }

    /// Decodes JSON bodies with `SuanliJSON`'s conventions and the API's error messages.
    public var requestDecoder: SuanliRequestDecoder { SuanliRequestDecoder() }
    /// Encodes responses with `SuanliJSON`'s conventions.
    public var responseEncoder: SuanliResponseEncoder { SuanliResponseEncoder() }
}
