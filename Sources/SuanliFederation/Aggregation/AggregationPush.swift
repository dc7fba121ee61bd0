import SuanliCore

/// `POST /v1/federation/aggregate` (a child, signed): the changes of its subtree's resources
/// since the generation its parent acknowledged last (`base`; 0: a full snapshot).
public struct AggregationPush: Sendable, Codable, Hashable {
    /// The child's delegated prefix.
    public var prefix: Prefix
    /// The generation the changes apply to: the parent's last acknowledgement, 0 for a snapshot.
    public var base: UInt64
    /// The generation after these changes.
    public var generation: UInt64
    /// Records added or changed (the child's own and those of the platforms below it).
    public var upserts: [ResourceRecord]
    /// Identifiers removed.
    public var removes: [String]

    /// Creates a push.
    public init(prefix: Prefix, base: UInt64, generation: UInt64, upserts: [ResourceRecord], removes: [String]) {
        self.prefix = prefix
        self.base = base
        self.generation = generation
        self.upserts = upserts
        self.removes = removes
    }
}

/// The parent's answer: the generation it now holds.
public struct AggregationAck: Sendable, Codable, Hashable {
    /// The generation the parent holds.
    public var generation: UInt64

    /// Creates an acknowledgement.
    public init(generation: UInt64) { self.generation = generation }
}
