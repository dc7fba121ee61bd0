import Foundation
import Hummingbird
import SuanliCore
import SuanliServer

/// Where `GET /v1/platform/instances` reads the platform's instances from.
public protocol InstanceDirectory: Sendable {
    /// The instances, oldest first, the leader marked.
    func instances() async throws -> [PlatformInstance]
}

/// A platform of one instance (SQLite): itself, always the leader.
public struct StandaloneInstance: InstanceDirectory {
    /// The instance's id.
    public let id: String
    /// The URL it is reached at (`--public-url`); `nil`: the URL of the request's `Host`.
    public let url: String?
    /// When it started.
    public let startedAt: Date

    /// This process, reached at `url`.
    public init(url: String? = nil, id: String = ClusterIdentity.newInstanceID(), startedAt: Date = Date()) {
        self.id = id
        self.url = url
        self.startedAt = startedAt
    }

    /// This instance, the leader.
    public func instances() async throws -> [PlatformInstance] {
        [PlatformInstance(id: id, url: url ?? "", leader: true, startedAt: startedAt, lastSeenAt: Date())]
    }
}

extension ClusterDatabase: InstanceDirectory {}

/// `GET /v1/platform/instances`: the instances of this platform, for any token (operators,
/// providers, consumers, auditors); anonymous callers get 401.
public struct InstancesModule: PlatformModule {
    let directory: any InstanceDirectory

    /// Lists the instances of `directory`.
    public init(directory: any InstanceDirectory) { self.directory = directory }

    /// Adds `GET /v1/platform/instances` behind the authenticator.
    public func addRoutes(to router: Router<SuanliRequestContext>, api: RouterGroup<SuanliRequestContext>) {
        let directory = self.directory
        api.get(RouterPath(Endpoints.platformInstances.path())) { request, context -> ItemList<PlatformInstance> in
            guard context.principal != .anonymous else {
                throw SuanliError(.unauthorized, "listing the platform's instances needs a token; pass Authorization: Bearer TOKEN")
            }
            do {
                var items = try await directory.instances()
                if let host = request.head.authority {
                    for index in items.indices where items[index].url.isEmpty { items[index].url = "http://\(host)" }
                }
                return ItemList(items: items)
            } catch let error as SuanliError {
                throw error
            } catch {
                throw SuanliError(.unavailable, "the instances cannot be read from the database (\(error)); retry shortly")
            }
        }
    }
}

extension PlatformInstance: ResponseEncodable {}
