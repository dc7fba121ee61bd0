import Foundation
import SuanliCore
import SuanliMarket
import Testing

/// The quote book's rules with a clock moved by hand: who may act, when a quote is gone, pruning.
@Suite("Quote book")
struct QuoteBookTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func quote(_ id: String, consumer: String = "c1", holdS: Double = 30, offers: [String] = ["o1", "o2"]) -> Quote {
        let placement = Placement(
            alternative: 0, parts: [.init(resource: "86.1.1/a/n1", units: 2, priceFenPerUnitHour: 100, rttMs: nil, renewable: 0.5)])
        let record = QuoteRecord(
            id: id, consumer: consumer, state: .open, createdAt: start, expiresAt: start.addingTimeInterval(holdS),
            offers: offers.map {
                OfferTerms.offer(id: $0, placement: placement, durationS: 3600, start: start)
            })
        return Quote(record: record, spec: TaskSpec(name: "n", units: 2, accept: [.init(kind: .gpu)]))
    }

    @Test func anOpenQuoteIsAcceptableUntilItsExpiryThenGone() throws {
        var book = QuoteBook()
        book.insert(Self.quote("q1"))
        #expect(try book.acceptable("q1", offer: "o2", consumer: "c1", now: Self.start.addingTimeInterval(29.999)).id == "o2")
        let late = Self.start.addingTimeInterval(30)
        #expect(throws: SuanliError.self) { try book.acceptable("q1", offer: "o1", consumer: "c1", now: late) }
        do {
            _ = try book.acceptable("q1", offer: "o1", consumer: "c1", now: late)
        } catch {
            #expect(error.code == .gone)
            #expect(error.status == 410)
            #expect(error.message.contains("expired"))
        }
        // The service marks it expired; it stays gone (410), not unknown (404).
        #expect(book.expireDue(now: Self.start.addingTimeInterval(29)).isEmpty)
        #expect(book.expireDue(now: late).map(\.id) == ["q1"])
        #expect(book["q1"]?.record.state == .expired)
        #expect(book.expireDue(now: late).isEmpty)
        #expect(book.nextExpiry == nil)
    }

    @Test func otherConsumersDoNotSeeAQuoteAndUnknownOffersNameTheKnownOnes() throws {
        var book = QuoteBook()
        book.insert(Self.quote("q1"))
        #expect(throws: SuanliError(.notFound, "no quote q1")) {
            try book.acceptable("q1", offer: "o1", consumer: "c2", now: Self.start)
        }
        do {
            _ = try book.acceptable("q1", offer: "o9", consumer: "c1", now: Self.start)
            Issue.record("an unknown offer was accepted")
        } catch {
            #expect(error.code == .validation)
            #expect(error.field == "offer")
            #expect(error.message.contains("o1, o2"))
        }
    }

    @Test func acceptedAndReleasedQuotesCannotBeAcceptedAgain() throws {
        var book = QuoteBook()
        book.insert(Self.quote("q1"))
        book.insert(Self.quote("q2"))
        book.end("q1", as: .accepted, task: "t7", now: Self.start)
        book.end("q2", as: .released, now: Self.start)
        #expect(throws: SuanliError.self) { try book.acceptable("q1", offer: "o1", consumer: "c1", now: Self.start) }
        do { _ = try book.acceptable("q1", offer: "o1", consumer: "c1", now: Self.start) } catch {
            #expect(error.code == .conflict)
            #expect(error.message.contains("t7"))
        }
        do { _ = try book.acceptable("q2", offer: "o1", consumer: "c1", now: Self.start) } catch { #expect(error.code == .gone) }
    }

    @Test func endedQuotesArePrunedAfterTheRetention() {
        var book = QuoteBook()
        book.retention = 60
        book.insert(Self.quote("q1"))
        book.insert(Self.quote("q2", holdS: 300))
        _ = book.expireDue(now: Self.start.addingTimeInterval(30))
        #expect(book.prune(now: Self.start.addingTimeInterval(90)).isEmpty)
        #expect(book.prune(now: Self.start.addingTimeInterval(90.5)) == ["q1"])
        #expect(book["q1"] == nil)
        #expect(book["q2"]?.record.state == .open)
        #expect(book.nextExpiry == Self.start.addingTimeInterval(300))
    }

    @Test func quotesRoundTripThroughJSON() throws {
        let quote = Self.quote("q3")
        let data = try SuanliJSON.encoder().encode(quote)
        #expect(try SuanliJSON.decoder().decode(Quote.self, from: data) == quote)
        #expect(quote.holdIDs == ["q3/o1", "q3/o2"])
    }
}
