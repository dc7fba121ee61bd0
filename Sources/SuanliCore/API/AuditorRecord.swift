import Foundation

/// `POST /v1/auditors`: someone who reads everything and changes nothing.
public struct AuditorRegistration: Sendable, Codable, Hashable {
    public var name: String

    /// Creates a registration.
    public init(name: String) { self.name = name }

    /// Checks the fields, naming the first that is wrong.
    public func validate() throws(ValidationError) {
        try Validation.text(name, field: "name", maxLength: 200)
    }
}

/// A registered auditor as the API returns it.
public struct AuditorRecord: Sendable, Codable, Hashable {
    /// Platform-unique auditor id, e.g. `a1`.
    public var id: String
    public var name: String
    public var createdAt: Date
    /// The auditor's secret token: only in the answer to registration.
    public var token: String?

    enum CodingKeys: String, CodingKey {
        case id, name, token
        case createdAt = "created_at"
    }

    /// Creates a record.
    public init(id: String, name: String, createdAt: Date, token: String? = nil) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.token = token
    }
}
