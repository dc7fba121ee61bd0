import Foundation
import SuanliCore

// The federation (docs/federation.md).
extension SuanliClient {
    /// `GET /v1/federation`: the platform's place in the federation.
    public func federation() async throws -> FederationStatus { try await call(.GET, Endpoints.federation.path()) }

    /// `GET /v1/federation/settlements?peer=&month=` (operator, auditors): what this platform and `peer` owe each other.
    public func federationSettlement(peer: String, month: BillingMonth? = nil) async throws -> Settlement {
        var parameters: [(String, String)] = [("peer", peer)]
        if let month { parameters.append(("month", month.description)) }
        return try await call(.GET, Endpoints.federationSettlements.path() + Self.queryString(parameters))
    }

    /// `GET /v1/federation/children`: the platforms this one delegated prefixes to.
    public func federationChildren() async throws -> [FederationChild] {
        let list: ItemList<FederationChild> = try await call(.GET, Endpoints.federationChildren.path())
        return list.items
    }

    /// `POST /v1/federation/children` (operator): delegates the next child prefix; the answer
    /// carries the one-time join token.
    public func addFederationChild(_ request: FederationChildRequest) async throws -> FederationChild {
        try await call(.POST, Endpoints.federationChildren.path(), body: request)
    }

    /// `GET /v1/federation/delegations/{prefix}`: the signed delegation record of a prefix.
    public func delegation(_ prefix: String) async throws -> DelegationRecord {
        try await call(.GET, Endpoints.federationDelegation.path(prefix))
    }
}
