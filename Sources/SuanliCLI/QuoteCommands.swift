import ArgumentParser
import Foundation
import SuanliClient
import SuanliCore

/// `suanli quote`: offers for a task whose capacity is held while you decide.
struct QuoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Ask for offers for a task; each offer's capacity is held until the quote expires.",
        discussion: """
            Takes the task exactly as 'suanli submit' does (a task file, or flags and a command after '--'), \
            and prints the offers best first with how long they are held. Take one with 'suanli accept QUOTE OFFER' \
            before the countdown ends; after it the units are free again by themselves:
              suanli quote --kind gpu --units 8 --duration-s 3600 --hold-s 60 -- python train.py
              suanli accept q3 o1
            """)

    @OptionGroup var task: Submit
    @Option(help: "Seconds the offers are held, 1–300.") var holdS = QuoteRequest.defaultHoldS
    @Option(help: "Most offers, 1–20.") var maxOffers = QuoteRequest.defaultMaxOffers

    func validate() throws {
        guard (1...QuoteRequest.maxHoldS).contains(holdS) else { throw ValidationError("--hold-s must be between 1 and 300") }
        guard (1...QuoteRequest.maxOffersLimit).contains(maxOffers) else {
            throw ValidationError("--max-offers must be between 1 and 20")
        }
    }

    func run() async throws {
        let spec = try task.spec()
        try await runClient {
            let quote = try await task.client.client.quote(QuoteRequest(spec: spec, holdS: holdS, maxOffers: maxOffers))
            if task.client.json { return try printJSON(quote) }
            print(Self.render(quote, now: Date()))
        }
    }

    /// The quote as the command prints it: a header with the countdown, then one row per offer.
    static func render(_ quote: QuoteRecord, now: Date) -> String {
        let left = max(0, Int(quote.expiresAt.timeIntervalSince(now).rounded(.down)))
        guard !quote.offers.isEmpty else {
            return "\(quote.id): no free capacity for this task now; 'suanli submit' queues it"
        }
        var table = Table(
            "OFFER", "RESOURCES", "UNITS", "¥/UNIT-H", "EST. COST", "RTT MS", "GREEN", "¥/STD-H", rightAligned: [2, 3, 4, 5, 6, 7])
        for offer in quote.offers {
            table.add(
                offer.id, offer.placement.parts.map { "\($0.resource)×\($0.units)" }.joined(separator: " "),
                String(offer.placement.units), yuan(offer.priceFenPerUnitHour), offer.estimatedCostFen.map(yuan) ?? "-",
                offer.rttMs.map { String(format: "%.1f", $0) } ?? "-", percent(offer.renewable),
                offer.priceFenPerStandardHour.map { String(format: "%.4f", $0 / 100) } ?? "-")
        }
        let held = "\(quote.id): \(quote.offers.count) offer\(quote.offers.count == 1 ? "" : "s") held for \(left) s (until \(Timestamp.format(quote.expiresAt)))"
        return held + "\n" + table.render() + "\naccept one with: suanli accept \(quote.id) \(quote.offers[0].id)"
    }
}

/// `suanli accept QUOTE OFFER`: the task, placed exactly as offered.
struct AcceptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Accept an offer of a quote: the task runs on exactly that placement at exactly that price.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The quote id (q…).") var quote: String
    @Argument(help: "The offer id (o…).") var offer: String

    func run() async throws {
        try await runClient {
            let submission = try await client.client.accept(quote: quote, offer: offer)
            if client.json { return try printJSON(submission) }
            print("\(submission.id) \(submission.state.rawValue)")
            if let placement = submission.placement { print(placementTable(placement).render()) }
        }
    }
}
