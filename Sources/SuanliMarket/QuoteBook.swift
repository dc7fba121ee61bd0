import Foundation
import SuanliCore

/// A quote as the platform keeps it: its record and the task spec its offers are for.
public struct Quote: Sendable, Codable, Hashable {
    /// What the consumer sees.
    public var record: QuoteRecord
    /// The task the offers are for (with its consumer set).
    public var spec: TaskSpec
    /// When it stopped being open (accepted, released or expired); nil while open.
    public var endedAt: Date?

    enum CodingKeys: String, CodingKey {
        case record, spec
        case endedAt = "ended_at"
    }

    /// Creates a quote.
    public init(record: QuoteRecord, spec: TaskSpec, endedAt: Date? = nil) {
        self.record = record
        self.spec = spec
        self.endedAt = endedAt
    }

    /// The quote's id.
    public var id: String { record.id }

    /// The engine's hold identifier of an offer (`q3/o2`).
    public static func holdID(quote: String, offer: String) -> String { "\(quote)/\(offer)" }

    /// The engine's hold identifiers of every offer.
    public var holdIDs: [String] { record.offers.map { Self.holdID(quote: id, offer: $0.id) } }
}

/// Every quote of a platform and the rules for changing them: pure, no clock (callers pass `now`).
///
/// The scheduler engine holds the capacity; the book knows which quote and offer a hold
/// belongs to, who may act on it and in which state it is. Ended quotes are kept for
/// ``retention`` seconds (so a late accept gets `410`, not `404`), then pruned.
public struct QuoteBook: Sendable {
    /// Quotes by id.
    public private(set) var quotes: [String: Quote] = [:]
    /// The next quote number (`q1`, `q2`, …).
    public var nextQuote: UInt64 = 1
    /// Seconds an ended quote is kept before it is pruned.
    public var retention: TimeInterval = 3600
    /// Ids of open quotes (so the expiry pass looks at these only).
    var open: Set<String> = []

    /// An empty book.
    public init() {}

    /// One quote.
    public subscript(id: String) -> Quote? { quotes[id] }

    /// How many quotes are open.
    public var openCount: Int { open.count }

    /// Adds or replaces a quote (a new one, or one loaded from storage).
    public mutating func insert(_ quote: Quote) {
        quotes[quote.id] = quote
        if quote.record.state == .open { open.insert(quote.id) } else { open.remove(quote.id) }
    }

    /// Takes the next quote id.
    public mutating func takeID() -> String {
        defer { nextQuote += 1 }
        return "q\(nextQuote)"
    }

    /// Whether `consumer` may act on the quote: its own. Others get `404` (as for tasks).
    public func authorize(_ id: String, consumer: String?) throws(SuanliError) -> Quote {
        guard let quote = quotes[id], consumer == nil || quote.record.consumer == consumer else {
            throw SuanliError(.notFound, "no quote \(id)")
        }
        return quote
    }

    /// Checks that an offer of an open, unexpired quote may be accepted at `now`; returns the offer.
    public func acceptable(_ id: String, offer: String, consumer: String, now: Date) throws(SuanliError) -> QuoteOffer {
        let quote = try authorize(id, consumer: consumer)
        try Self.requireOpen(quote, now: now, verb: "accepted")
        guard let found = quote.record.offers.first(where: { $0.id == offer }) else {
            let known = quote.record.offers.map(\.id).joined(separator: ", ")
            throw SuanliError(
                .validation, "quote \(id) has no offer '\(offer.prefix(40))'\(known.isEmpty ? " (it has none)" : "; its offers: \(known)")",
                field: "offer")
        }
        return found
    }

    /// Fails with `410` (expired or released) or `409` (accepted) unless the quote is open and unexpired at `now`.
    public static func requireOpen(_ quote: Quote, now: Date, verb: String) throws(SuanliError) {
        let r = quote.record
        switch r.state {
        case .accepted:
            throw SuanliError(.conflict, "quote \(r.id) was already accepted as task \(r.task ?? "?")")
        case .released:
            throw SuanliError(.gone, "quote \(r.id) was released; its capacity is no longer held (ask for a new quote)")
        case .expired:
            throw SuanliError(.gone, "quote \(r.id) expired at \(Timestamp.format(r.expiresAt)); its capacity is no longer held (ask for a new quote)")
        case .open:
            guard now < r.expiresAt else {
                throw SuanliError(
                    .gone, "quote \(r.id) expired at \(Timestamp.format(r.expiresAt)) and cannot be \(verb); ask for a new quote")
            }
        }
    }

    /// Marks a quote ended in `state` (and the task it became); returns it.
    @discardableResult
    public mutating func end(_ id: String, as state: QuoteRecord.State, task: String? = nil, now: Date) -> Quote? {
        guard var quote = quotes[id] else { return nil }
        quote.record.state = state
        quote.record.task = task
        quote.endedAt = now
        quotes[id] = quote
        open.remove(id)
        return quote
    }

    /// Open quotes whose hold ended (`expires_at` ≤ `now`), in id order, now marked expired.
    public mutating func expireDue(now: Date) -> [Quote] {
        let due = open.filter { quotes[$0]!.record.expiresAt <= now }.sorted { Self.number($0) < Self.number($1) }
        return due.compactMap { end($0, as: .expired, now: now) }
    }

    /// The earliest `expires_at` among open quotes.
    public var nextExpiry: Date? {
        open.lazy.compactMap { self.quotes[$0]?.record.expiresAt }.min()
    }

    /// Removes quotes that ended more than ``retention`` seconds before `now`; returns their ids.
    public mutating func prune(now: Date) -> [String] {
        let old = quotes.values.filter { quote in quote.endedAt.map { now.timeIntervalSince($0) > retention } ?? false }.map(\.id)
        for id in old {
            quotes[id] = nil
            open.remove(id)
        }
        return old.sorted()
    }

    static func number(_ id: String) -> UInt64 { UInt64(id.dropFirst()) ?? .max }
}
