import Foundation
import SuanliCore
import SuanliStore

/// A task of this platform that runs on another platform's resource, as the home follows it.
public struct FederatedTask: Sendable, Hashable {
    /// The task's id at home.
    public var id: String
    /// The home consumer who submitted it.
    public var consumer: String
    /// The owning platform's prefix.
    public var owner: Prefix
    /// The owning platform's URL.
    public var ownerURL: String
    /// The task's id at the owner.
    public var remoteID: String
    /// The resource claimed.
    public var resource: Identifier
    /// Its place in the home's task order, shared with the home's own tasks.
    public var seq: UInt64 = 0
    /// Its record under its home id, as last seen at the owner (earlier attempts' events first).
    public var snapshot: TaskRecord? = nil
    /// The home's attempt: 1, then one more each time the home placed it again.
    public var attempt: Int = 1
    /// Times the home may still place it again (its `max_retries` less those used).
    public var retriesLeft: Int = 0
    /// The events of its earlier attempts (at other owners), shown before the owner's.
    public var priorEvents: [TaskEvent] = []
    /// When its owner last answered a call about it (this run of the home only).
    public var lastContact: Date? = nil
    /// The claims of its earlier attempts, which the home gave up on (their owners' usage is still owed).
    public var earlier: [EarlierClaim] = []

    /// The claim of an earlier attempt: where it was and under which id.
    public typealias EarlierClaim = StoredFederatedTask.EarlierClaim

    /// The key its usage statement is stored under: the home id, or `ID#ATTEMPT` for an earlier attempt's.
    static func statementKey(_ id: String, attempt: Int?) -> String { attempt.map { "\(id)#\($0)" } ?? id }
}
