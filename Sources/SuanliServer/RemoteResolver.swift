import Foundation
import SuanliCore
import SuanliRegistry
import Synchronization

/// Resolves identifiers this platform's registry does not hold — those of other platforms of a
/// federation. The platform consults it on a local miss; a federation module installs one
/// (``RemoteResolution/install(_:)``).
public protocol RemoteResolver: Sendable {
    /// The record of `id` from the platform that owns it, or nil when no platform of the
    /// federation is responsible for it (the caller answers 404). `hops` counts the platforms
    /// that have forwarded the request so far.
    func resolve(_ id: Identifier, hops: Int) async throws(SuanliError) -> ResourceRecord?
    /// The records of `ids` found elsewhere (absent: unknown); `hops` as in ``resolve(_:hops:)``.
    func resolve(batch ids: [Identifier], hops: Int) async throws(SuanliError) -> [Identifier: ResourceRecord]
}

/// The platform's slot for a ``RemoteResolver`` (none: identifiers are resolved locally only).
public final class RemoteResolution: Sendable {
    private let resolver = Mutex<(any RemoteResolver)?>(nil)

    /// Creates an empty slot.
    public init() {}

    /// Installs the resolver consulted on local misses (replacing any earlier one).
    public func install(_ resolver: any RemoteResolver) { self.resolver.withLock { $0 = resolver } }

    /// The installed resolver, if any.
    public var current: (any RemoteResolver)? { resolver.withLock { $0 } }
}

extension Platform {
    /// Resolves `idText` here, else through the installed ``RemoteResolver`` (a federation);
    /// every record names its owning platform (`platform`). Malformed: 400; unknown: 404.
    public func resolveAnywhere(_ idText: String, hops: Int = 0) async throws(SuanliError) -> ResourceRecord {
        let id = try Self.parseIdentifier(idText)
        if let record = resolveHere(id) { return record }
        if let remote = remoteResolution.current, let record = try await remote.resolve(id, hops: hops) {
            return record
        }
        throw SuanliError(.notFound, "no resource \(id) is registered in this platform or the federation it knows")
    }

    /// The record of `id` if this platform holds it, naming this platform (`platform`).
    func resolveHere(_ id: Identifier) -> ResourceRecord? {
        let now = clock()
        guard var record = state.withLock({ $0.registry.resolve(id.string, now: now) }) else { return nil }
        record.platform = configuration.prefix
        return record
    }

    /// ``resolveHere(_:)`` unless the record's stamp equals `stamp` (``StampedLookup/unchanged``),
    /// for caches of encoded records (the resolve fast path); nil, without waiting, while the
    /// platform's state is locked by someone else: the fast path runs on an event loop, which
    /// must never wait for a lock another task may hold for long (a queue drain), so it hands
    /// such a request to the router instead.
    func resolveHereIfUnlocked(_ id: Identifier, unlessStamped stamp: RecordStamp?) -> StampedLookup? {
        let now = clock()
        guard let lookup = state.withLockIfAvailable({ $0.registry.resolve(id.string, now: now, unlessStamped: stamp) }) else {
            return nil
        }
        guard case .record(var record, let current) = lookup else { return lookup }
        record.platform = configuration.prefix
        return .record(record, current)
    }

    /// Resolves many identifiers, in request order, `nil` for unknown ones; misses go to the
    /// installed ``RemoteResolver`` in one batch.
    public func resolveAnywhere(batch ids: [String], hops: Int = 0) async throws(SuanliError) -> [ResourceRecord?] {
        var records = try resolve(batch: ids)
        let prefix = configuration.prefix
        var missing: [Identifier] = []
        for i in records.indices {
            if records[i] == nil {
                missing.append(Identifier(uncheckedString: ids[i]))
            } else {
                records[i]!.platform = prefix
            }
        }
        guard !missing.isEmpty, let remote = remoteResolution.current else { return records }
        let found = try await remote.resolve(batch: missing, hops: hops)
        for i in records.indices where records[i] == nil {
            records[i] = found[Identifier(uncheckedString: ids[i])]
        }
        return records
    }
}
