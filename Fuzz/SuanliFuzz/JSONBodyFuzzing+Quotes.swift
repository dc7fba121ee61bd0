import Foundation
import SuanliCore
import SuanliMarket
import SuanliScheduler

extension JSONBodyFuzzing {
    /// The bodies of `POST /v1/quotes` and `POST /v1/quotes/{id}/accept`, followed by what the
    /// platform does next: validation, holding up to `max_offers` disjoint offers, their terms,
    /// accepting one and expiring the rest, after which no unit may stay held.
    static func bodiesOfQuotes(_ data: Data, engine seeded: SchedulerEngine, now: Date) {
        if let request = decoded(QuoteRequest.self, data),
            validates({ () throws(ValidationError) in try request.validate() }),
            validates({ () throws(ValidationError) in try request.spec.validate(topology: .national, now: now) })
        {
            var engine = seeded
            var spec = request.spec
            spec.consumer = "c1"
            let t = now.timeIntervalSince1970
            var used: Set<String> = []
            var held: [String] = []
            do throws(SuanliError) {
                for n in 1...request.maxOffers {
                    let id = Quote.holdID(quote: "q1", offer: "o\(n)")
                    guard case .held(let placement) = try engine.hold(id, spec: spec, expiresAt: t + Double(request.holdS), now: t, excluding: used)
                    else { break }
                    require(placement.parts.allSatisfy { !used.contains($0.resource) }, "offers share a resource")
                    used.formUnion(placement.parts.map(\.resource))
                    held.append(id)
                    encodes(OfferTerms.offer(id: "o\(n)", placement: placement, durationS: spec.durationS, start: now))
                }
                if let first = held.first {
                    _ = try engine.acceptHold(first, as: "t1", spec: spec, now: t)
                    engine.release("t1", now: t)
                }
            } catch {
                bounded(error)
            }
            _ = engine.expireHolds(now: t + Double(request.holdS))
            require(engine.holdCount == 0, "holds left after expiry")
            for id in used { require(engine.heldUnits(on: id) == 0, "units of \(id) still held") }
        }
        _ = decoded(QuoteAcceptance.self, data)
    }
}
