import Foundation

/// How a platform takes part in a federation (`serve --parent --join-token --public-url
/// --sync-interval --name`). The default is a root platform with no parent.
public struct FederationConfiguration: Sendable {
    /// The platform's name when it is the root (children get theirs from their parent's delegation).
    public var name: String?
    /// The parent platform's base URL; nil for the root.
    public var parentURL: String?
    /// The one-time join token from the parent's `POST /v1/federation/children`.
    public var joinToken: String?
    /// The public key of the federation's root this platform trusts (`serve --root-key`, standard
    /// base64 of 32 bytes): a parent whose delegation chain ends at another root is refused. Nil:
    /// the chain is checked up to whatever root the parent presents, and the parent's key is pinned
    /// at the first join (trust on first use).
    public var rootPublicKey: String?
    /// The URL other platforms reach this one at; default: the address it listens on.
    public var publicURL: String?
    /// Seconds between a child's syncs with its parent.
    public var syncInterval: Double = 1
    /// Missed syncs after which a link is `unreachable` (the lease is this many intervals, at least 1 s).
    public var leaseIntervals: Double = 3
    /// Seconds an owner runs a task another platform claimed without hearing from that home
    /// platform (it then cancels it: the fence); the home places such a task again after twice
    /// this without an answer from the owner. Platforms of one federation use the same value.
    public var claimLease: Double = 60
    /// Seconds a signed request's timestamp may differ from this platform's clock; nonces are
    /// remembered for twice as long.
    public var replayWindow: Double = 30
    /// Seconds a forwarded record's static attributes are cached (served, flagged stale, while
    /// the owner cannot be reached).
    public var staticTTL: Double = 300
    /// Seconds a forwarded record (its live state) is served from the cache without asking the owner.
    public var liveTTL: Double = 2
    /// Seconds a forwarded call may take.
    public var peerTimeout: Double = 5
    /// The federation's clock (timestamps of signed calls, syncs, leases).
    public var clock: @Sendable () -> Date = { Date() }

    /// Creates a configuration.
    public init(
        name: String? = nil, parentURL: String? = nil, joinToken: String? = nil, publicURL: String? = nil, syncInterval: Double = 1
    ) {
        self.name = name
        self.parentURL = parentURL.map(Self.trimmed)
        self.joinToken = joinToken
        self.publicURL = publicURL.map(Self.trimmed)
        self.syncInterval = syncInterval
    }

    /// The lease after which a silent link is `unreachable`.
    public var lease: Double { max(1, leaseIntervals * syncInterval) }

    /// A URL without trailing slashes.
    static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Why `url` is not a platform's base URL (an absolute http or https URL), or nil.
    public static func problem(url: String) -> String? {
        guard url.utf8.count <= 2000 else { return "is longer than 2000 characters" }
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parsed.host, !host.isEmpty
        else { return "must be an absolute http:// or https:// URL, e.g. https://east.example.cn" }
        guard parsed.query == nil, parsed.fragment == nil else { return "must not carry a query or fragment" }
        return nil
    }
}
