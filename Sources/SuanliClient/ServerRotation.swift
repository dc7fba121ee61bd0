import Foundation
import NIOCore
import Synchronization
import SuanliCore

/// The platform URLs a client knows (`--server URL1,URL2,…`, e.g. the instances of one platform)
/// and the one it uses now: the first until it fails, then the next, and so on round the list.
/// Shared by every copy of a ``SuanliClient``, so one failover serves them all.
public final class ServerRotation: Sendable {
    /// The base URLs, in the order given.
    public let servers: [String]
    private let current = Atomic<Int>(0)

    /// Splits `list` at commas (blank entries and trailing slashes dropped).
    public init(_ list: String) {
        let servers = list.split(separator: ",").map { entry -> String in
            var url = entry.trimmingCharacters(in: .whitespaces)
            while url.hasSuffix("/") { url.removeLast() }
            return url
        }.filter { !$0.isEmpty }
        self.servers = servers.isEmpty ? [""] : servers
    }

    /// The index of the URL in use.
    public var index: Int { current.load(ordering: .relaxed) }

    /// Moves on from `index` to the next URL (unless another call already did).
    func failed(_ index: Int) {
        _ = current.compareExchange(expected: index, desired: (index + 1) % servers.count, ordering: .relaxed)
    }
}

/// A transport failure inside ``SuanliClient``: its error, and whether no connection was made
/// (then even a `POST` may go to the next URL: the request never reached a server).
struct TransportFailure: Error {
    var error: SuanliError
    var notConnected: Bool
    /// Writing the request failed because the server had already closed a pooled connection
    /// (EPIPE or ECONNRESET from a write): the request never reached it whole, so sending it
    /// once more, on a fresh connection, is safe even for a `POST`.
    var staleConnection = false
}

extension SuanliClient {
    /// Whether `error` is a write into a connection the server had closed (see ``TransportFailure/staleConnection``).
    static func isWriteOnClosedConnection(_ error: any Error) -> Bool {
        guard let io = error as? IOError, [EPIPE, ECONNRESET].contains(io.errnoCode) else { return false }
        let text = String(describing: io)
        return text.contains("write")  // write(descriptor:…) or writev(descriptor:iovecs:)
    }

    /// Whether `error` (from the transport) proves no connection was made.
    static func isConnectionFailure(_ error: any Error) -> Bool {
        if let io = error as? IOError {
            return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL].contains(io.errnoCode)
        }
        let text = String(describing: error)
        return text.contains("connectTimeout") || text.contains("connectionRefused") || text.contains("Connection refused")
    }
}
