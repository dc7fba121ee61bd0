import Foundation

/// A quote: offers whose capacity is held for the consumer until `expires_at` (`POST /v1/quotes`).
public struct QuoteRecord: Sendable, Codable, Hashable {
    /// Where a quote stands.
    public enum State: String, Sendable, Codable, Hashable, CaseIterable {
        /// Offers held, waiting for the consumer.
        case open
        /// One offer became a task (``QuoteRecord/task``); the other holds were released.
        case accepted
        /// The consumer released it early (`DELETE /v1/quotes/{id}`).
        case released
        /// `expires_at` passed; the holds were released by the platform.
        case expired
    }

    public var id: String
    public var consumer: String
    public var state: State
    public var createdAt: Date
    /// Until when the offers' capacity is held.
    public var expiresAt: Date
    /// Best first by the task's objective.
    public var offers: [QuoteOffer]
    /// The task created by accepting an offer, once accepted.
    public var task: String?

    enum CodingKeys: String, CodingKey {
        case id, consumer, state, offers, task
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }

    /// Creates a quote record.
    public init(
        id: String, consumer: String, state: State, createdAt: Date, expiresAt: Date, offers: [QuoteOffer], task: String? = nil
    ) {
        self.id = id
        self.consumer = consumer
        self.state = state
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.offers = offers
        self.task = task
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(consumer, forKey: .consumer)
        try c.encode(state, forKey: .state)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(offers, forKey: .offers)
        try c.encode(task, forKey: .task)  // explicit null until accepted
    }
}

/// One offer of a quote: a placement whose units are held, and what it would cost.
public struct QuoteOffer: Sendable, Codable, Hashable {
    /// `o1`, `o2`, … within the quote, best first.
    public var id: String
    /// Same shape as a task's placement; each part carries its own price.
    public var placement: Placement
    /// Unit-weighted mean of the parts' prices, rounded up to whole fen.
    public var priceFenPerUnitHour: Int64
    /// Σ over parts of ⌈units × duration_ms × price / 3,600,000⌉ (the metering rule); null without `duration_s`.
    public var estimatedCostFen: Int64?
    /// When the task would start if accepted now: at once (the capacity is held).
    public var estimatedStart: Date
    /// The largest RTT of the parts from `data_location`; null without a data location.
    public var rttMs: Double?
    /// Unit-weighted renewable share of the parts.
    public var renewable: Double
    /// The lowest reliability score among the parts' providers (as on their provider records).
    public var reliability: Double?
    /// Unit-weighted price per standard TFLOPS-hour of the parts; null when a part is unrated.
    public var priceFenPerStandardHour: Double?

    enum CodingKeys: String, CodingKey {
        case id, placement, renewable, reliability
        case priceFenPerUnitHour = "price_fen_per_unit_hour"
        case estimatedCostFen = "estimated_cost_fen"
        case estimatedStart = "estimated_start"
        case rttMs = "rtt_ms"
        case priceFenPerStandardHour = "price_fen_per_standard_hour"
    }

    /// Creates an offer.
    public init(
        id: String, placement: Placement, priceFenPerUnitHour: Int64, estimatedCostFen: Int64?, estimatedStart: Date,
        rttMs: Double?, renewable: Double, reliability: Double? = nil, priceFenPerStandardHour: Double? = nil
    ) {
        self.id = id
        self.placement = placement
        self.priceFenPerUnitHour = priceFenPerUnitHour
        self.estimatedCostFen = estimatedCostFen
        self.estimatedStart = estimatedStart
        self.rttMs = rttMs
        self.renewable = renewable
        self.reliability = reliability
        self.priceFenPerStandardHour = priceFenPerStandardHour
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(placement, forKey: .placement)
        try c.encode(priceFenPerUnitHour, forKey: .priceFenPerUnitHour)
        try c.encode(estimatedCostFen, forKey: .estimatedCostFen)
        try c.encode(estimatedStart, forKey: .estimatedStart)
        try c.encode(rttMs, forKey: .rttMs)
        try c.encode(renewable, forKey: .renewable)
        try c.encode(reliability, forKey: .reliability)
        try c.encode(priceFenPerStandardHour, forKey: .priceFenPerStandardHour)
    }
}

/// `POST /v1/quotes`: a task spec (as for `POST /v1/tasks`) plus how long to hold and how many offers.
public struct QuoteRequest: Sendable, Hashable, Codable {
    /// The task the offers are for.
    public var spec: TaskSpec
    /// Seconds the offers' capacity is held, 1–300 (default 30).
    public var holdS: Int
    /// Most offers to make, 1–20 (default 5).
    public var maxOffers: Int

    /// Default hold in seconds.
    public static let defaultHoldS = 30
    /// Longest hold in seconds.
    public static let maxHoldS = 300
    /// Default number of offers.
    public static let defaultMaxOffers = 5
    /// Most offers one quote may ask for.
    public static let maxOffersLimit = 20

    enum CodingKeys: String, CodingKey {
        case holdS = "hold_s"
        case maxOffers = "max_offers"
    }

    /// Creates a request.
    public init(spec: TaskSpec, holdS: Int = QuoteRequest.defaultHoldS, maxOffers: Int = QuoteRequest.defaultMaxOffers) {
        self.spec = spec
        self.holdS = holdS
        self.maxOffers = maxOffers
    }

    public init(from decoder: any Decoder) throws {
        spec = try TaskSpec(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        holdS = try c.decodeIfPresent(Int.self, forKey: .holdS) ?? Self.defaultHoldS
        maxOffers = try c.decodeIfPresent(Int.self, forKey: .maxOffers) ?? Self.defaultMaxOffers
    }

    public func encode(to encoder: any Encoder) throws {
        try spec.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(holdS, forKey: .holdS)
        try c.encode(maxOffers, forKey: .maxOffers)
    }

    /// Checks `hold_s` and `max_offers` (the spec is checked by the scheduler).
    public func validate() throws(ValidationError) {
        guard (1...Self.maxHoldS).contains(holdS) else {
            throw ValidationError(field: "hold_s", "hold_s must be between 1 and \(Self.maxHoldS) seconds, got \(holdS)")
        }
        guard (1...Self.maxOffersLimit).contains(maxOffers) else {
            throw ValidationError(field: "max_offers", "max_offers must be between 1 and \(Self.maxOffersLimit), got \(maxOffers)")
        }
    }
}

/// `POST /v1/quotes/{id}/accept`: which offer to take.
public struct QuoteAcceptance: Sendable, Hashable, Codable {
    /// The offer's id (`o1`, …).
    public var offer: String

    /// Creates an acceptance.
    public init(offer: String) { self.offer = offer }
}
