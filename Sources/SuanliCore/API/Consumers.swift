import Foundation

/// `POST /v1/consumers`: what an operator says about a new consumer (someone who submits tasks).
public struct ConsumerRegistration: Sendable, Codable, Hashable {
    public var name: String
    public var contact: String

    /// Creates a registration.
    public init(name: String, contact: String = "") {
        self.name = name
        self.contact = contact
    }

    /// Checks the fields, naming the first that is wrong.
    public func validate() throws(ValidationError) {
        try Validation.text(name, field: "name", maxLength: 200)
        try Validation.text(contact, field: "contact", maxLength: 200, allowEmpty: true)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        contact = try c.decodeIfPresent(String.self, forKey: .contact) ?? ""
    }
}

/// A registered consumer as the API returns it.
public struct ConsumerRecord: Sendable, Codable, Hashable {
    /// Platform-unique consumer id, e.g. `c7`.
    public var id: String
    public var name: String
    public var contact: String
    public var createdAt: Date
    /// The consumer's secret token: only in the answer to registration.
    public var token: String?

    enum CodingKeys: String, CodingKey {
        case id, name, contact, token
        case createdAt = "created_at"
    }

    /// Creates a record.
    public init(id: String, name: String, contact: String, createdAt: Date, token: String? = nil) {
        self.id = id
        self.name = name
        self.contact = contact
        self.createdAt = createdAt
        self.token = token
    }
}

/// A consumer as kept in durable storage.
public struct StoredConsumer: Sendable, Hashable {
    public var id: String
    public var registration: ConsumerRegistration
    /// SHA-256 of the consumer's token, hex.
    public var tokenHash: String
    public var createdAt: Date

    /// Creates a stored consumer.
    public init(id: String, registration: ConsumerRegistration, tokenHash: String, createdAt: Date) {
        self.id = id
        self.registration = registration
        self.tokenHash = tokenHash
        self.createdAt = createdAt
    }
}

/// A task as kept in durable storage: its spec and placement as JSON documents, plus the
/// columns the platform needs to rebuild its queue at start.
public struct StoredTask: Sendable, Hashable {
    public var id: String
    /// Submission order.
    public var seq: UInt64
    public var consumer: String
    public var state: String
    /// The task spec as JSON.
    public var specJSON: String
    /// The current placement as JSON, if any.
    public var placementJSON: String?
    /// Lifecycle events as a JSON array.
    public var eventsJSON: String
    /// Attempt, per-part progress and metered usage as a JSON object.
    public var runtimeJSON: String
    public var createdAt: Date
    public var updatedAt: Date

    /// Creates a stored task.
    public init(
        id: String, seq: UInt64, consumer: String, state: String, specJSON: String, placementJSON: String?,
        eventsJSON: String, runtimeJSON: String = "{}", createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.seq = seq
        self.consumer = consumer
        self.state = state
        self.specJSON = specJSON
        self.placementJSON = placementJSON
        self.eventsJSON = eventsJSON
        self.runtimeJSON = runtimeJSON
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
