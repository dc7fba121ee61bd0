import Foundation
import SuanliCore
import SuanliMarket
import SuanliScheduler
import SuanliStore

extension PlatformState {
    /// Loads quotes at start: open, unexpired ones hold their offers' capacity again (the
    /// ``QuoteExpiry`` service expires the others on its first pass).
    mutating func restoreQuotes(_ stored: [StoredQuote], next: String?, now: Date) throws(SuanliError) {
        let decoder = SuanliJSON.decoder()
        var highest: UInt64 = 0
        for row in stored {
            let quote: Quote
            do {
                quote = try decoder.decode(Quote.self, from: Data(row.document.utf8))
            } catch {
                throw SuanliError(.unavailable, "quotes row \(row.id): document does not decode (\(error)); restore a backup or start a newer suanli")
            }
            quotes.insert(quote)
            highest = max(highest, UInt64(quote.id.dropFirst()) ?? 0)
            guard quote.record.state == .open, quote.record.expiresAt > now else { continue }
            for offer in quote.record.offers {
                engine.restoreHold(
                    Quote.holdID(quote: quote.id, offer: offer.id), placement: offer.placement,
                    expiresAt: quote.record.expiresAt.timeIntervalSince1970)
            }
        }
        quotes.nextQuote = max(UInt64(next ?? "1") ?? 1, highest + 1)
    }

    /// The mutation that stores a quote as it is now.
    static func put(_ quote: Quote) -> StoreMutation {
        let document = (try? SuanliJSON.encoder().encode(quote)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return .put(
            StoredQuote(
                id: quote.id, consumer: quote.record.consumer, state: quote.record.state.rawValue,
                expiresAt: quote.record.expiresAt, document: document))
    }

    /// Releases the engine holds of a quote's offers (all, or all but `keep`).
    mutating func releaseHolds(of quote: Quote, keeping keep: String? = nil, now: Date) {
        for hold in quote.holdIDs where hold != keep { engine.releaseHold(hold, now: now.timeIntervalSince1970) }
    }

    /// Expires due quotes (their holds released) and prunes long-ended ones; returns the mutations.
    mutating func expireQuotes(now: Date) -> [StoreMutation] {
        var mutations: [StoreMutation] = []
        for quote in quotes.expireDue(now: now) {
            releaseHolds(of: quote, now: now)
            mutations.append(Self.put(quote))
        }
        // Holds whose quote is gone (never expected; kept as a safety net so units cannot stay held).
        _ = engine.expireHolds(now: now.timeIntervalSince1970)
        for id in quotes.prune(now: now) { mutations.append(.delete(StoredQuote.self, key: [.text(id)])) }
        return mutations
    }
}

extension Platform {
    /// Makes a quote: up to `max_offers` placements for the task, best first by its objective,
    /// each held until `expires_at` (``SchedulerEngine/hold(_:spec:expiresAt:now:excluding:)``).
    /// Offers are disjoint: no resource appears in two offers of one quote.
    ///
    /// An empty `offers` list means no free capacity now (submit the task to queue it); a spec
    /// no registered resource could ever satisfy is `422`, as for `POST /v1/tasks`.
    public func createQuote(_ request: QuoteRequest, by principal: Principal) async throws(SuanliError) -> QuoteRecord {
        let consumer = try requireQuoteConsumer(principal)
        do throws(ValidationError) { try request.validate() } catch { throw .validation(error) }
        var spec = request.spec
        spec.consumer = consumer
        let now = clock()
        let expires = now.addingTimeInterval(Double(request.holdS))
        // Providers' histories, as GET /v1/providers reads them (one pass over the task book).
        let tallies = state.withLock { $0.reliabilityTallies() }
        return try await commit { state throws(SuanliError) in
            var mutations = state.expireQuotes(now: now)
            let id = "q\(state.quotes.nextQuote)"
            var offers: [QuoteOffer] = []
            var used: Set<String> = []
            for n in 1...request.maxOffers {
                let offer = "o\(n)"
                let outcome = try state.engine.hold(
                    Quote.holdID(quote: id, offer: offer), spec: spec, expiresAt: expires.timeIntervalSince1970,
                    now: now.timeIntervalSince1970, excluding: used)
                switch outcome {
                case .held(let placement):
                    used.formUnion(placement.parts.map(\.resource))
                    let registry = state.registry
                    offers.append(
                        OfferTerms.offer(
                            id: offer, placement: placement, durationS: spec.durationS, start: now,
                            standardPerUnit: { id in
                                registry.resolve(id, now: now).flatMap {
                                    StandardUnit.perUnit(computeClass: $0.computeClass, model: $0.model, tflops: $0.tflops, labels: $0.labels)
                                }
                            },
                            reliability: { id in
                                registry.providerOf(id).flatMap { registry.provider($0) }.map {
                                    (tallies[$0.prefix.description] ?? ReliabilityTally()).reliability(since: $0.createdAt, now: now).score
                                }
                            }))
                case .impossible(let explanation):
                    // Only before any offer was held (later searches exclude the offered resources).
                    if offers.isEmpty { throw SuanliError(.validation, explanation.message, field: "accept") }
                case .noCapacity:
                    break
                }
                if case .held = outcome { continue }
                break
            }
            let quote = Quote(
                record: QuoteRecord(id: id, consumer: consumer, state: .open, createdAt: now, expiresAt: expires, offers: offers),
                spec: spec)
            state.quotes.insert(quote)
            state.quotes.nextQuote += 1
            mutations += [PlatformState.put(quote), .setMeta(key: "next_quote", value: String(state.quotes.nextQuote))]
            return (quote.record, mutations)
        }
    }

    /// Accepts an offer: the task is scheduled on exactly the offer's placement at exactly its
    /// prices, and the quote's other holds are released at once. `410` once the quote expired.
    public func acceptQuote(_ id: String, offer: String, by principal: Principal) async throws(SuanliError) -> TaskSubmission {
        let consumer = try requireQuoteConsumer(principal)
        let now = clock()
        return try await commit { state throws(SuanliError) in
            let chosen = try state.quotes.acceptable(id, offer: offer, consumer: consumer, now: now)
            let quote = state.quotes[id]!
            // The consumer's budget and quotas at the offer's own prices (they may have changed since the quote).
            try state.checkLimits(consumer: consumer, spec: quote.spec, placement: chosen.placement)
            let hold = Quote.holdID(quote: id, offer: offer)
            let taskID = "t\(state.nextTask)"
            let placement = try state.engine.acceptHold(hold, as: taskID, spec: quote.spec, now: now.timeIntervalSince1970)
            state.releaseHolds(of: quote, keeping: hold, now: now)
            var mutations = state.submitted(taskID, consumer: consumer, spec: quote.spec, outcome: .scheduled(placement), now: now)
            state.nextTask += 1
            let ended = state.quotes.end(id, as: .accepted, task: taskID, now: now)!
            mutations += [.setMeta(key: "next_task", value: String(state.nextTask)), PlatformState.put(ended)]
            let task = state.book[taskID]!
            return (TaskSubmission(id: taskID, state: task.state, placement: task.placement), mutations)
        }
    }

    /// Releases an open quote's holds early (its consumer or the operator); the quote is then `released`.
    public func releaseQuote(_ id: String, by principal: Principal) async throws(SuanliError) -> QuoteRecord {
        let consumer: String?
        switch principal {
        case .operator: consumer = nil
        case .consumer(let c): consumer = c
        case .auditor: throw Self.auditorsChangeNothing
        case .anonymous: throw SuanliError(.unauthorized, "quotes are private; pass the consumer's or the operator's token")
        default: throw SuanliError(.notFound, "no quote \(id)")
        }
        let now = clock()
        return try await commit { state throws(SuanliError) in
            let quote = try state.quotes.authorize(id, consumer: consumer)
            try QuoteBook.requireOpen(quote, now: now, verb: "released")
            state.releaseHolds(of: quote, now: now)
            let ended = state.quotes.end(id, as: .released, now: now)!
            return (ended.record, [PlatformState.put(ended)])
        }
    }

    /// One pass of the ``QuoteExpiry`` service: expires due quotes and frees their units.
    /// Takes the lock only briefly when nothing is due.
    public func expireQuotes() async throws(SuanliError) {
        let now = clock()
        let due = state.withLock { state in state.quotes.nextExpiry.map { $0 <= now } ?? false }
        guard due else { return }
        try await commit { state throws(SuanliError) in state.expireQuotes(now: now) }
    }

    /// Units held for quotes on a resource (tests and explanations).
    public func heldUnits(on id: String) -> Int { state.withLock { $0.engine.heldUnits(on: id) } }

    func requireQuoteConsumer(_ principal: Principal) throws(SuanliError) -> String {
        switch principal {
        case .consumer(let id): return id
        case .anonymous: throw SuanliError(.unauthorized, "quotes need a consumer token; pass Authorization: Bearer TOKEN")
        case .operator, .provider:
            throw SuanliError(.forbidden, "quotes are asked for and accepted with a consumer token")
        case .auditor: throw Self.auditorsChangeNothing
        }
    }
}
