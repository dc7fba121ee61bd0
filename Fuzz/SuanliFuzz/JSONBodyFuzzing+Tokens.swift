import Foundation
import SuanliCore

extension JSONBodyFuzzing {
    /// The bodies of `POST /v1/tokens`, `POST /v1/tokens/{id}/rotate` and `POST /v1/auditors`.
    static func bodiesOfTokens(_ data: Data, now: Date) {
        if let request = decoded(TokenRequest.self, data) {
            if validates({ () throws(ValidationError) in try request.validate(now: now) }), let expiry = request.expiry(now: now) {
                require(expiry > now, "token expires at \(expiry), not after now")
                _ = Timestamp.format(expiry)
            }
        }
        if let rotation = decoded(TokenRotation.self, data) {
            if validates({ () throws(ValidationError) in try rotation.validate(now: now) }), let expiry = rotation.expiry(now: now) {
                require(expiry > now, "rotated token expires at \(expiry), not after now")
            }
        }
        if let registration = decoded(AuditorRegistration.self, data) {
            _ = validates({ () throws(ValidationError) in try registration.validate() })
        }
    }
}
