import ArgumentParser
import Foundation
import SuanliCore
import Testing

@testable import SuanliCLI

/// `suanli quote` and `suanli accept`: the task options of `submit`, the hold options, and the printed offers.
@Suite("Quote commands")
struct QuoteCommandTests {
    @Test func quoteTakesTheTaskLikeSubmitPlusTheHoldOptions() throws {
        let command = try #require(
            try SuanliCommand.parseAsRoot([
                "quote", "--kind", "gpu", "--units", "4", "--duration-s", "3600", "--hold-s", "60", "--max-offers", "2", "--",
                "python", "train.py",
            ]) as? QuoteCommand)
        let spec = try command.task.spec()
        #expect(spec.units == 4)
        #expect(spec.accept.map(\.kind) == [.gpu])
        #expect(spec.accept.first?.run.command == ["python", "train.py"])
        #expect(spec.durationS == 3600)
        #expect(command.holdS == 60)
        #expect(command.maxOffers == 2)
        let defaults = try #require(try SuanliCommand.parseAsRoot(["quote", "--kind", "cpu"]) as? QuoteCommand)
        #expect(defaults.holdS == 30 && defaults.maxOffers == 5)
        #expect(throws: (any Error).self) { try SuanliCommand.parseAsRoot(["quote", "--hold-s", "0"]) }
        #expect(throws: (any Error).self) { try SuanliCommand.parseAsRoot(["quote", "--hold-s", "301"]) }
        #expect(throws: (any Error).self) { try SuanliCommand.parseAsRoot(["quote", "--max-offers", "21"]) }
        let accept = try #require(try SuanliCommand.parseAsRoot(["accept", "q3", "o2"]) as? AcceptCommand)
        #expect(accept.quote == "q3" && accept.offer == "o2")
        #expect(throws: (any Error).self) { try SuanliCommand.parseAsRoot(["accept", "q3"]) }
    }

    @Test func offersArePrintedBestFirstUnderTheCountdown() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let part = Placement.Part(resource: "86.1.1/a/cheap", units: 4, priceFenPerUnitHour: 100, rttMs: 6.1, renewable: 0.6)
        let offer = QuoteOffer(
            id: "o1", placement: Placement(alternative: 0, parts: [part]), priceFenPerUnitHour: 100, estimatedCostFen: 400,
            estimatedStart: now, rttMs: 6.1, renewable: 0.6, priceFenPerStandardHour: 0.32)
        let quote = QuoteRecord(
            id: "q1", consumer: "c1", state: .open, createdAt: now, expiresAt: now.addingTimeInterval(30), offers: [offer])
        let text = QuoteCommand.render(quote, now: now.addingTimeInterval(12.4))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "q1: 1 offer held for 17 s (until 2027-01-15T08:00:30.000Z)")
        #expect(lines[1].hasPrefix("OFFER"))
        #expect(lines[2].hasPrefix("o1     86.1.1/a/cheap×4"))
        #expect(lines[2].contains("1.00") && lines[2].contains("4.00") && lines[2].contains("6.1") && lines[2].contains("60%"))
        #expect(lines.last == "accept one with: suanli accept q1 o1")
        let empty = QuoteRecord(id: "q2", consumer: "c1", state: .open, createdAt: now, expiresAt: now, offers: [])
        #expect(QuoteCommand.render(empty, now: now).contains("no free capacity"))
    }
}
