import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Hummingbird's HTTP/1.1 child channel with ``ResolveFastPathHandler`` placed after its
/// connection-state handler, so that resolves of records held here skip the router; where
/// reads need a token or resolves are rate-limited, plain `HTTP1Channel`.
struct PlatformHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let platform: Platform
    let caches: ResolveCaches

    /// Sets the channel up as `HTTP1Channel` does, then adds the fast path before the async channel.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let platform = self.platform
        let configuration = platform.configuration
        guard configuration.readAccess == .open, configuration.rateLimits[.resolve] == nil else {
            return http1.setup(channel: channel, logger: logger)
        }
        let cache = caches.cache(for: channel.eventLoop)
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let state = try operations.handler(type: HTTPConnectionStateHandler.self)
            try operations.addHandler(ResolveFastPathHandler(platform: platform, cache: cache), position: .after(state))
            return value
        }
    }

    /// Serves the requests the fast path handed on, as `HTTP1Channel` does.
    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with the resolve fast path of `platform` (``PlatformHTTP1Channel``).
    static func platformHTTP1(platform: Platform, configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        let caches = ResolveCaches()
        return .init { responder in
            PlatformHTTP1Channel(
                http1: HTTP1Channel(responder: responder, configuration: configuration), platform: platform, caches: caches)
        }
    }
}
