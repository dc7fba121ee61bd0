import HTTPTypes

/// A Handle protocol response code, the `responseCode` of every Handle REST answer, with the
/// HTTP status the Handle.Net HTTP JSON REST API pairs it with.
public enum HandleResponseCode: Int, Sendable, Codable, CaseIterable {
    /// The handle was resolved and values match (HTTP 200).
    case success = 1
    /// An unexpected error on the server (HTTP 500).
    case error = 2
    /// The request is malformed, e.g. an `index` that is not an integer (HTTP 400).
    case protocolError = 4
    /// The federation forwarded the request too often (`hop_limit`, HTTP 400).
    case recursionCountTooHigh = 6
    /// No such handle (HTTP 404).
    case handleNotFound = 100
    /// The handle is not a handle this server understands (HTTP 400).
    case invalidHandle = 102
    /// The handle exists but no value matches the filters (HTTP 200 in resolution).
    case valuesNotFound = 200
    /// The server cannot reach the platform that owns the handle (HTTP 400 in the Handle API).
    case serverNotResponsible = 301
    /// The platform's reads need a token (HTTP 401).
    case authenticationNeeded = 402

    /// The HTTP status of an answer with this code.
    public var httpStatus: HTTPResponse.Status {
        switch self {
        case .success, .valuesNotFound: .ok
        case .error: .internalServerError
        case .protocolError, .recursionCountTooHigh, .invalidHandle, .serverNotResponsible: .badRequest
        case .handleNotFound: .notFound
        case .authenticationNeeded: .unauthorized
        }
    }
}
