import Foundation
import SuanliCore

/// `POST /v1/federation/claims`: a home platform asks the owning platform to run a task on
/// one of its resources now (signed peer call).
public struct FederationClaim: Sendable, Codable, Hashable {
    /// The resource claimed; it must lie under the owning platform's own prefix.
    public var resource: Identifier
    /// The task, as its consumer submitted it at home.
    public var spec: TaskSpec
    /// The task's id at the home platform (recorded in the owner's task name for operators).
    public var homeTask: String

    /// Creates a claim.
    public init(resource: Identifier, spec: TaskSpec, homeTask: String) {
        self.resource = resource
        self.spec = spec
        self.homeTask = homeTask
    }

    enum CodingKeys: String, CodingKey {
        case resource, spec
        case homeTask = "home_task"
    }
}

/// A task of this platform that runs on another platform's resource, as the home follows it.
public struct FederatedTask: Sendable, Hashable {
    /// The task's id at home.
    public var id: String
    /// The home consumer who submitted it.
    public var consumer: String
    /// The owning platform's prefix and URL.
    public var owner: Prefix
    /// The owning platform's URL.
    public var ownerURL: String
    /// The task's id at the owner.
    public var remoteID: String
    /// The resource claimed.
    public var resource: Identifier
}
