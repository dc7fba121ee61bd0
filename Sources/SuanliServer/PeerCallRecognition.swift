import SuanliCore
import Synchronization

/// Recognises the signed calls of a federation's platforms (`Suanli-Peer` and its signature
/// headers, docs/federation.md), for the rate limiter: a platform asking another for the
/// federation's resources on its consumers' behalf is not one anonymous client.
public protocol PeerCallVerifier: Sendable {
    /// The calling platform if the body-less request's peer signature verifies here, else nil.
    func verifiedPeer(method: String, target: String, header: (String) -> String?) async -> Prefix?
}

/// The platform's slot for a ``PeerCallVerifier`` (none: every call is a client's).
public final class PeerCallRecognition: Sendable {
    private let verifier = Mutex<(any PeerCallVerifier)?>(nil)

    /// An empty slot.
    public init() {}

    /// Installs `verifier` (the federation module does, when it opens).
    public func install(_ verifier: any PeerCallVerifier) { self.verifier.withLock { $0 = verifier } }

    /// The installed verifier, if any.
    public var current: (any PeerCallVerifier)? { verifier.withLock { $0 } }
}
