import Foundation

/// One instance of a platform as `GET /v1/platform/instances` lists it: several `suanli serve`
/// processes on one PostgreSQL database form one platform; one of them, the leader, runs it and
/// the others forward every request to it.
public struct PlatformInstance: Sendable, Codable, Hashable {
    /// The instance's id, new at every start (e.g. `i-3f9c2a61b0d4`).
    public var id: String
    /// The URL other instances forward to (`--public-url`).
    public var url: String
    /// Whether this instance holds the leader lease now.
    public var leader: Bool
    /// When the instance started.
    public var startedAt: Date
    /// Its last heartbeat in the database.
    public var lastSeenAt: Date

    enum CodingKeys: String, CodingKey {
        case id, url, leader
        case startedAt = "started_at"
        case lastSeenAt = "last_seen_at"
    }

    /// Creates an entry.
    public init(id: String, url: String, leader: Bool, startedAt: Date, lastSeenAt: Date) {
        self.id = id
        self.url = url
        self.leader = leader
        self.startedAt = startedAt
        self.lastSeenAt = lastSeenAt
    }
}
