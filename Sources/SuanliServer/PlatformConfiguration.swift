import Foundation
import SuanliCore
import SuanliMarket

/// How a platform instance runs. Every field has a sensible default.
public struct PlatformConfiguration: Sendable {
    /// Who may call read endpoints (resolve, discovery, topology, stats, providers).
    public enum ReadAccess: String, Sendable, CaseIterable {
        /// Anyone (the default).
        case open
        /// Any valid operator or provider token.
        case token
    }

    /// Directory for the database and the generated operator token.
    public var dataDirectory: String
    /// The prefix this platform owns; providers get its children.
    public var prefix: Prefix
    /// How often providers are expected to report; 3 missed intervals make a resource unavailable.
    public var heartbeatInterval: Double
    /// A fixed operator token (`--operator-token` / `SUANLI_OPERATOR_TOKEN`); generated if nil.
    public var operatorToken: String?
    public var readAccess: ReadAccess
    /// Largest accepted request body in bytes (413 above it).
    public var maxBodyBytes: Int
    /// Seconds after which a connection with no request in progress, or a request that stopped
    /// arriving, is closed (idle keep-alive, partial and slowloris connections). Responses
    /// still being computed — agents' long polls — are never cut.
    public var idleTimeout: Double = 30
    /// Days the audit log keeps its entries (`serve --audit-retention-days`); 0 keeps them forever.
    public var auditRetentionDays: Int = 90
    /// Addresses of reverse proxies whose `X-Forwarded-For` the audit log believes
    /// (`serve --trusted-proxy`); from any other peer the header is ignored.
    public var trustedProxies: Set<String> = []
    /// Request rates allowed per client and class (`serve --rate-limit`); by default only
    /// discovery is limited (``RateLimit/defaults``).
    public var rateLimits: [RateLimitClass: RateLimit] = RateLimit.defaults
    /// Seconds after which a consumer's past usage counts half in its fair-share factor
    /// (`serve --fair-share-half-life`; default 7 days; see ``FairShare``).
    public var fairShareHalfLife: Double = 7 * 86_400
    /// The platform's share of each charge, taken from providers' payouts (`serve --platform-fee-bp`; default none).
    public var platformFee = PlatformFee(basisPoints: 0)
    /// Seconds a finished task stays in memory after it ended (`serve --finished-task-memory`);
    /// then only the store holds it and reads of it go there (see ``TaskArchive``).
    public var finishedTaskRetention: Double = 120
    /// Finished tasks kept in memory at most, however recent (the oldest leave first).
    public var finishedTasksInMemory: Int = 10_000

    /// Creates a configuration.
    public init(
        dataDirectory: String = "./suanli-data", prefix: Prefix = Prefix(segments: [86, 1])!,
        heartbeatInterval: Double = 10, operatorToken: String? = nil, readAccess: ReadAccess = .open,
        maxBodyBytes: Int = 4 << 20
    ) {
        self.dataDirectory = dataDirectory
        self.prefix = prefix
        self.heartbeatInterval = heartbeatInterval
        self.operatorToken = operatorToken
        self.readAccess = readAccess
        self.maxBodyBytes = maxBodyBytes
    }
}
