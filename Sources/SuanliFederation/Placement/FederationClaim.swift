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
