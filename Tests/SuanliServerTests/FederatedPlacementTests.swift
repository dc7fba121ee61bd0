import Foundation
import Logging
import SuanliClient
import SuanliCore
import SuanliFederation
import SuanliServer
import SuanliStore
import Synchronization
import Testing

/// Placement across platforms over real platforms on loopback: a task submitted at the root
/// runs on a child's agent (a real `suanli agent`), its record and logs come back through the
/// root; a claim that lost the race is refused; unknown peers and foreign prefixes are refused.
@Suite("Federated placement: claims at the owning platform", .serialized)
struct FederatedPlacementTests {
    /// A platform owning `prefix` with its federation, aggregation and placement modules.
    static func member<T>(
        prefix: String, parent: String? = nil, token: String? = nil, directory: String? = nil, claimLease: Double = 60,
        _ body: (FederationMember, FederatedPlacementModule) async throws -> T
    ) async throws -> T {
        let box = Mutex<(FederationModule, FederatedPlacementModule)?>(nil)
        var logger = Logger(label: "placement-test")
        logger.logLevel = .critical
        return try await TestPlatform.with(
            directory: directory, configure: { $0.prefix = try! Prefix(parsing: prefix) },
            openModules: { platform in
                var configuration = FederationConfiguration(name: "platform \(prefix)", parentURL: parent, joinToken: token, syncInterval: 0.1)
                // A 5 s lease: on a loaded CI machine a 1 s stall must not mark the child unreachable
                // (its resources unavailable) between the mirror check and the submission.
                configuration.leaseIntervals = 50
                configuration.claimLease = claimLease
                let federation = try await FederationModule.open(platform: platform, configuration: configuration, logger: logger)
                let aggregation = AggregationModule(federation: federation)
                let placement = try await FederatedPlacementModule.open(federation: federation, aggregation: aggregation, logger: logger)
                box.withLock { $0 = (federation, placement) }
                return [federation, aggregation, placement]
            }
        ) { test in
            let (federation, placement) = box.withLock { $0! }
            federation.listening(at: test.url)
            return try await body(FederationMember(test: test, module: federation), placement)
        }
    }

    /// A one-core CPU task running `script`.
    static func cpuTask(_ name: String, _ script: String, units: Int = 1) -> TaskSpec {
        TaskSpec(name: name, units: units, accept: [TaskSpec.Alternative(kind: .cpu, run: TaskSpec.Run(command: ["sh", "-c", script]))])
    }

    /// A provider on `member` with one CPU resource `suffix` (`units`, `resourceSpec` extra
    /// JSON fields) run by a real `suanli agent`; the caller stops the agent.
    static func coreAgent(on member: FederationMember, suffix: String, units: Int, extra resourceSpec: String = "") async throws
        -> (agent: AgentProcess, resource: String)
    {
        let provider = try await member.operatorClient.registerProvider(
            ProviderRegistration(name: "east cores", contact: "n", location: "city.shanghai", renewable: 0.5, pue: 1.2))
        let work = TestPlatform.temporaryDirectory()
        let resources = work + "/resources.json"
        try Data(
            #"[{"suffix":"\#(suffix)","spec":{"kind":"cpu","arch":"x86_64","model":"test core","units":\#(units),"memory_gib":1\#(resourceSpec)}}]"#.utf8
        ).write(to: URL(fileURLWithPath: resources))
        let agent = try AgentProcess(
            server: member.url, token: provider.token!, location: "city.shanghai", work: work + "/work", heartbeat: 0.5,
            extra: ["--resource-file", resources, "--no-detect"])
        return (agent, "\(provider.prefix)/\(suffix)")
    }

    /// A provider on `member` with one CPU core `suffix` at `price` (no agent: it stays scheduled); its identifier.
    static func core(on member: FederationMember, _ suffix: String = "cores", price: Int64) async throws -> String {
        let (prefix, provider) = try await member.test.provider()
        _ = try await provider.putResource("\(prefix)/\(suffix)", gpuSpec(units: 1, price: price, kind: .cpu))
        return "\(prefix)/\(suffix)"
    }

    /// Waits until `root`'s aggregated view shows every one of `resources`.
    static func awaitMirrored(_ resources: [String], at root: FederationMember) async throws {
        #expect(
            try await eventually {
                let (_, body) = try await rawRequest(root.url + "/v1/resources?scope=subtree&kind=cpu")
                return resources.allSatisfy { body.contains($0) }
            }, "the root mirrors \(resources)")
    }

    @Test func aTaskSubmittedAtTheRootRunsOnAChildsAgentAndItsLogsComeBack() async throws {
        try await Self.member(prefix: "86.1") { root, _ in
            let child = try await root.addChild("east")
            try await Self.member(prefix: child.prefix, parent: root.url, token: child.token) { east, _ in
                try await east.waitJoined()
                let (agent, resource) = try await Self.coreAgent(on: east, suffix: "core", units: 1)
                defer { agent.stop() }
                // The root sees the child's resource (aggregation), available.
                #expect(
                    try await eventually {
                        let (_, body) = try await rawRequest(root.url + "/v1/resources?scope=subtree&kind=cpu")
                        return body.contains(resource) && body.contains("\"available\":true")
                    }, "the root mirrors \(resource)")
                let alice = root.test.client(try await root.operatorClient.registerConsumer(ConsumerRegistration(name: "alice")).token)
                let submitted = try await alice.submit(Self.cpuTask("remote", "echo ran-on-$SUANLI_RESOURCE as $SUANLI_HOME_TASK_ID"))
                #expect(submitted.placement?.parts.first?.resource.description == resource, "\(submitted)")
                let finished = try await eventually(30) { try await alice.task(submitted.id).state.isFinal }
                #expect(finished)
                let task = try await alice.task(submitted.id)
                #expect(task.state == .succeeded, "\(task.events.map(\.message))")
                #expect(task.id == submitted.id && task.consumer != "")
                #expect(try await alice.logs(submitted.id).contains("ran-on-\(resource) as \(submitted.id)"))
                #expect(try await alice.logs(submitted.id, tail: 1, attempt: 1).contains("ran-on-\(resource)"))
                #expect(try await alice.logs(submitted.id, stream: "stderr") == "")
                // The owner meters it under the home platform as its customer.
                let consumers = try await east.operatorClient.consumers()
                #expect(consumers.contains { $0.name == "platform 86.1" }, "\(consumers.map(\.name))")
                // Another consumer of the root does not see it.
                let bob = root.test.client(try await root.operatorClient.registerConsumer(ConsumerRegistration(name: "bob")).token)
                _ = await expectAPIError(404, "not_found") { _ = try await bob.task(submitted.id) }
                // The home lists it (as its owner last reported it), in its usage and its bill.
                #expect(try await eventually(30) { try await alice.tasks().items.first { $0.id == submitted.id }?.state == .succeeded })
                #expect(try await alice.tasks(state: .succeeded).items.map(\.id) == [submitted.id])
                #expect(try await alice.tasks(state: .running).items.isEmpty)
                #expect(try await root.operatorClient.tasks().items.map(\.id).contains(submitted.id))
                #expect(try await bob.tasks().items.isEmpty)
                #expect(try await eventually(30) { try await alice.usage().items.contains { $0.task == submitted.id } })
                let usage = try await alice.usage().items.filter { $0.task == submitted.id }
                #expect(usage.count == 1 && usage.first?.resource == resource && usage.first?.consumer == task.consumer, "\(usage)")
                let bill = try await alice.bills()
                #expect(bill.items.map(\.task) == [submitted.id] && bill.totals.amountFen == usage.reduce(0) { $0 + $1.amountFen }, "\(bill)")
                #expect(try await bob.usage().items.isEmpty)
                // scope=local never leaves the platform: nothing here can take it.
                let body = #"{"name":"local","units":1,"scope":"local","accept":[{"kind":"cpu","run":{"command":["true"]}}]}"#
                let (status, answer) = try await rawRequest(
                    root.url + "/v1/tasks", method: .POST, token: alice.token, body: Data(body.utf8))
                #expect(status == 422, "\(answer)")
                let (badStatus, badAnswer) = try await rawRequest(
                    root.url + "/v1/tasks", method: .POST, token: alice.token, body: Data(body.replacingOccurrences(of: "\"scope\":\"local\"", with: "\"scope\":\"moon\"").utf8))
                #expect(badStatus == 400 && errorCode(badAnswer) != nil, "\(badAnswer)")
            }
        }
    }

    @Test func aClaimThatLostTheRaceIsRefusedAndForeignOrUnknownClaimsToo() async throws {
        try await Self.member(prefix: "86.1") { root, _ in
            let child = try await root.addChild("east")
            try await Self.member(prefix: child.prefix, parent: root.url, token: child.token) { east, _ in
                try await east.waitJoined()
                let (prefix, client) = try await east.test.provider()
                let resource = "\(prefix)/one-core"
                _ = try await client.putResource(resource, gpuSpec(units: 1, kind: .cpu))
                let target = FederatedPlacementModule.claims.path()
                let spec = Self.cpuTask("claimed", "true")
                let claim = FederationClaim(resource: try Identifier(parsing: resource), spec: spec, homeTask: "f1")
                // The first claim takes the only unit; the second lost the race.
                let (first, firstBody) = try await peerCall(east.url, target, body: claim, as: "86.1", identity: root.module.identity)
                #expect(first == 201, "\(firstBody)")
                let (second, secondBody) = try await peerCall(east.url, target, body: claim, as: "86.1", identity: root.module.identity)
                #expect(second == 409 && errorCode(secondBody) == "claim_lost", "\(secondBody)")
                #expect(east.test.platform.heldUnits(on: resource) == 0)
                // An unknown peer (no platform of the federation holds its prefix).
                let stranger = try PlatformIdentity.loadOrCreate(dataDirectory: TestPlatform.temporaryDirectory())
                let (unknown, unknownBody) = try await peerCall(east.url, target, body: claim, as: "86.9", identity: stranger)
                #expect(unknown == 401 && errorCode(unknownBody) == "unknown_peer", "\(unknownBody)")
                // A known prefix signed with another key.
                let (forged, forgedBody) = try await peerCall(east.url, target, body: claim, as: "86.1", identity: stranger)
                #expect(forged == 401 && errorCode(forgedBody) == "signature_invalid", "\(forgedBody)")
                // A resource outside the claimed platform's prefix.
                let rootResource = try await root.resource("gpu")
                let foreign = FederationClaim(resource: try Identifier(parsing: rootResource), spec: spec, homeTask: "f2")
                let (outside, outsideBody) = try await peerCall(east.url, target, body: foreign, as: "86.1", identity: root.module.identity)
                #expect(outside == 403 && errorCode(outsideBody) == "outside_delegation", "\(outsideBody)")
                // Unsigned: refused before anything else.
                let (unsigned, unsignedBody) = try await rawRequest(east.url + target, method: .POST, body: try SuanliJSON.encoder().encode(claim))
                #expect(unsigned == 401 && errorCode(unsignedBody) == "signature_missing", "\(unsignedBody)")
            }
        }
    }

    @Test func aSiblingsResourceThroughTheRootExplainedCancelledAndUnreachable() async throws {
        try await Self.member(prefix: "86.1") { root, _ in
            let eastChild = try await root.addChild("east")
            let westChild = try await root.addChild("west")
            try await Self.member(prefix: eastChild.prefix, parent: root.url, token: eastChild.token) { east, _ in
                try await east.waitJoined()
                let carol = east.test.client(try await east.operatorClient.registerConsumer(ConsumerRegistration(name: "carol")).token)
                let id: String = try await Self.member(prefix: westChild.prefix, parent: root.url, token: westChild.token) { west, _ in
                    try await west.waitJoined()
                    let (prefix, client) = try await west.test.provider()
                    let resource = "\(prefix)/cores"
                    _ = try await client.putResource(resource, gpuSpec(units: 2, kind: .cpu))
                    // East learns of it through the root's aggregated view.
                    #expect(
                        try await eventually {
                            let (_, body) = try await rawRequest(east.url + "/v1/resources?scope=federation&kind=cpu")
                            return body.contains(resource)
                        }, "east sees \(resource) through the root")
                    var nearby = Self.cpuTask("sibling", "sleep 60", units: 2)
                    nearby.dataLocation = "cluster.zhangjiakou"
                    nearby.maxRttMs = 50
                    let submitted = try await carol.submit(nearby)
                    #expect(submitted.id.hasPrefix("\(eastChild.prefix)-f"), "\(submitted.id)")
                    #expect(submitted.placement?.parts.map(\.resource.description) == [resource])
                    #expect(west.test.platform.taskCounts()[.scheduled] == 1)
                    // Again: west's engine refuses the claim (no free unit), and no resource of east could ever take it.
                    _ = await expectAPIError(422, "validation_failed") { _ = try await carol.submit(Self.cpuTask("again", "true", units: 2)) }
                    #expect(west.test.platform.taskCounts()[.scheduled] == 1, "the lost claim placed nothing")
                    let explanation = try await carol.explain(submitted.id)
                    #expect(!explanation.steps.isEmpty)
                    let cancelled = try await carol.cancel(submitted.id)
                    #expect(cancelled.state == .cancelled && cancelled.id == submitted.id)
                    #expect(west.test.platform.taskCounts()[.cancelled] == 1)
                    return submitted.id
                }
                // West is gone: east answers 503, and never places the task again elsewhere.
                _ = await expectAPIError(503, "unavailable") { _ = try await carol.task(id) }
                // The root's view still lists west's resource (its 5 s lease has not run out) once
                // east's ledger has forgotten the lost claim (2 s): a task only west could take is
                // placed nowhere, and east says so (503), not that no resource fits (422).
                try await Task.sleep(for: .milliseconds(2100))
                let unanswered = await expectAPIError(503, "unavailable") { _ = try await carol.submit(Self.cpuTask("orphan", "true", units: 2)) }
                #expect(unanswered.contains("did not answer"), "\(unanswered)")
            }
        }
    }

    /// The home weighs its own placement against the federation's by the task's cost model: a
    /// resource elsewhere that costs less wins over one free here; one that costs more does not.
    @Test func aCheaperResourceElsewhereWinsOverAFreeOneAtHome() async throws {
        try await Self.member(prefix: "86.1") { root, _ in
            let child = try await root.addChild("east")
            try await Self.member(prefix: child.prefix, parent: root.url, token: child.token) { east, _ in
                try await east.waitJoined()
                let remote = try await Self.core(on: east, "cheap", price: 100)
                let dear = try await Self.core(on: root, "dear", price: 5_000)
                try await Self.awaitMirrored([remote], at: root)
                let alice = root.test.client(try await root.operatorClient.registerConsumer(ConsumerRegistration(name: "alice")).token)
                let first = try await alice.submit(Self.cpuTask("cheaper-elsewhere", "true"))
                #expect(first.id.hasPrefix("86.1-f") && first.placement?.parts.map(\.resource.description) == [remote], "\(first)")
                // The remote core is taken now: the dear one here is the only place left.
                let second = try await alice.submit(Self.cpuTask("only-here", "true"))
                #expect(second.id.hasPrefix("t") && second.placement?.parts.map(\.resource.description) == [dear], "\(second)")
                // A resource here that costs less than any elsewhere keeps the task here.
                let cheapHere = try await Self.core(on: root, "cheapest", price: 10)
                _ = try await Self.core(on: east, "cheap-too", price: 100)
                let third = try await alice.submit(Self.cpuTask("cheaper-here", "true"))
                #expect(third.id.hasPrefix("t") && third.placement?.parts.map(\.resource.description) == [cheapHere], "\(third)")
                // scope=local never looks elsewhere.
                _ = try await alice.cancel(second.id)
                let body = #"{"name":"local","units":1,"scope":"local","accept":[{"kind":"cpu","run":{"command":["true"]}}]}"#
                let (status, answer) = try await rawRequest(root.url + "/v1/tasks", method: .POST, token: alice.token, body: Data(body.utf8))
                #expect(status == 201 && answer.contains(dear), "\(answer)")
            }
        }
    }

    /// A task whose owner went away: the home places it again elsewhere after twice the claim
    /// lease, under the same id; the owner, back, fences the claim its home no longer follows.
    @Test func aTaskWhoseOwnerWentAwayIsPlacedAgainAndFencedThere() async throws {
        try await Self.member(prefix: "86.1", claimLease: 1) { root, _ in
            let eastChild = try await root.addChild("east")
            let westChild = try await root.addChild("west")
            try await Self.member(prefix: westChild.prefix, parent: root.url, token: westChild.token, claimLease: 1) { west, _ in
                try await west.waitJoined()
                let fallback = try await Self.core(on: west, price: 500)
                let alice = root.test.client(try await root.operatorClient.registerConsumer(ConsumerRegistration(name: "alice")).token)
                let directory = TestPlatform.temporaryDirectory()
                let (id, remoteID, first) = try await Self.member(
                    prefix: eastChild.prefix, parent: root.url, token: eastChild.token, directory: directory, claimLease: 1
                ) { east, _ in
                    try await east.waitJoined()
                    let first = try await Self.core(on: east, price: 100)
                    try await Self.awaitMirrored([first, fallback], at: root)
                    let submitted = try await alice.submit(Self.cpuTask("moved", "sleep 60"))
                    #expect(submitted.placement?.parts.map(\.resource.description) == [first], "\(submitted)")
                    // Followed: the owner keeps hearing from the home, so it does not fence the claim.
                    try await Task.sleep(for: .seconds(1.5))
                    let claimed = try await east.operatorClient.tasks().items
                    #expect(claimed.count == 1 && claimed.first?.state == .scheduled, "\(claimed)")
                    return (submitted.id, claimed.first?.id ?? "", first)
                }
                // The owner is gone: after twice the lease the home places the task again, same id.
                #expect(try await eventually(30) { (try? await alice.task(id))?.placement?.parts.map(\.resource.description) == [fallback] })
                let task = try await alice.task(id)
                #expect(task.id == id && task.state == .scheduled, "\(task)")
                #expect(task.events.contains { $0.state == .lost && ($0.message ?? "").contains("has not answered") }, "\(task.events)")
                #expect(try await alice.tasks().items.map(\.id) == [id])
                #expect(try await west.operatorClient.tasks().items.count == 1)
                // The owner comes back: the home no longer follows that claim, so it is fenced.
                try await Self.member(prefix: eastChild.prefix, parent: root.url, token: eastChild.token, directory: directory, claimLease: 1) { east, _ in
                    #expect(try await eventually(30) { try await east.operatorClient.task(remoteID).state == .cancelled })
                    let fenced = try await east.operatorClient.task(remoteID)
                    #expect(fenced.events.last?.message?.contains("claim lease") == true, "\(fenced.events)")
                    #expect(fenced.placement == nil || fenced.placement?.parts.map(\.resource.description) == [first])
                }
                // Still where the home put it.
                #expect(try await alice.task(id).placement?.parts.map(\.resource.description) == [fallback])
            }
        }
    }

    /// A task whose owner lost its resource: the owner never retries a claimed task itself, so it
    /// fails there; the home places it again elsewhere, as its next attempt, under the same id.
    @Test func aTaskLostAtItsOwnerIsPlacedAgainByItsHome() async throws {
        try await Self.member(prefix: "86.1") { root, _ in
            let eastChild = try await root.addChild("east")
            let westChild = try await root.addChild("west")
            try await Self.member(prefix: westChild.prefix, parent: root.url, token: westChild.token) { west, _ in
                try await west.waitJoined()
                let fallback = try await Self.core(on: west, price: 500)
                try await Self.member(prefix: eastChild.prefix, parent: root.url, token: eastChild.token) { east, _ in
                    try await east.waitJoined()
                    let first = try await Self.core(on: east, price: 100)
                    try await Self.awaitMirrored([first, fallback], at: root)
                    let alice = root.test.client(try await root.operatorClient.registerConsumer(ConsumerRegistration(name: "alice")).token)
                    var spec = Self.cpuTask("lost-there", "sleep 60")
                    spec.maxRetries = 1
                    let submitted = try await alice.submit(spec)
                    #expect(submitted.placement?.parts.map(\.resource.description) == [first], "\(submitted)")
                    // The owner's resource stops reporting: its lease passes on the owner's clock.
                    east.test.clock.advance(3600)
                    #expect(try await eventually(30) { (try? await alice.task(submitted.id))?.placement?.parts.map(\.resource.description) == [fallback] })
                    let task = try await alice.task(submitted.id)
                    #expect(task.events.contains { $0.state == .lost && ($0.message ?? "").contains("lost attempt 1") }, "\(task.events)")
                    let owned = try await east.operatorClient.tasks().items
                    #expect(owned.count == 1 && owned.first?.state == .failed, "the owner did not retry it: \(owned)")
                    // Lost again there: no retry left, so it fails at home with the reason.
                    west.test.clock.advance(3600)
                    #expect(try await eventually(30) { (try? await alice.task(submitted.id))?.state == .failed })
                    let failed = try await alice.task(submitted.id)
                    #expect(failed.events.last?.message?.contains("retries spent") == true, "\(failed.events)")
                    // Both owners' statements are collected: the attempt given up on at east is owed too.
                    #expect(
                        try await eventually(30) {
                            Set(try await root.test.platform.loadRecords(StoredUsageStatement.self).map(\.homeTask))
                                == Set(["\(submitted.id)#1", submitted.id])
                        })
                    let (status, body) = try await rawRequest(
                        root.url + "/v1/federation/settlements?peer=\(eastChild.prefix)", token: TestPlatform.operatorToken)
                    let settlement = try SuanliJSON.decoder().decode(Settlement.self, from: Data(body.utf8))
                    #expect(status == 200 && settlement.disputed.isEmpty && settlement.pending.isEmpty, "\(body)")
                }
            }
        }
    }

    @Test func theHomeRemembersItsFederatedTasksAcrossARestart() async throws {
        try await Self.member(prefix: "86.1") { root, _ in
            let eastChild = try await root.addChild("east")
            let westChild = try await root.addChild("west")
            try await Self.member(prefix: westChild.prefix, parent: root.url, token: westChild.token) { west, _ in
                try await west.waitJoined()
                let (prefix, client) = try await west.test.provider()
                let resource = "\(prefix)/cores"
                _ = try await client.putResource(resource, gpuSpec(units: 1, kind: .cpu))
                let directory = TestPlatform.temporaryDirectory()
                let (id, token) = try await Self.member(prefix: eastChild.prefix, parent: root.url, token: eastChild.token, directory: directory) { east, _ in
                    try await east.waitJoined()
                    let token = try await east.operatorClient.registerConsumer(ConsumerRegistration(name: "dave")).token!
                    #expect(
                        try await eventually {
                            let (_, body) = try await rawRequest(east.url + "/v1/resources?scope=federation&kind=cpu")
                            return body.contains(resource)
                        })
                    let submitted = try await east.test.client(token).submit(Self.cpuTask("kept", "sleep 60"))
                    #expect(submitted.placement?.parts.map(\.resource.description) == [resource])
                    return (submitted.id, token)
                }
                try await Self.member(prefix: eastChild.prefix, parent: root.url, token: eastChild.token, directory: directory) { east, _ in
                    // Listed from what the home stored, before it asks the owner again.
                    #expect(try await east.test.client(token).tasks().items.map(\.id) == [id])
                    let task = try await east.test.client(token).task(id)
                    #expect(task.id == id && task.state == .scheduled, "\(task)")
                    #expect(task.placement?.parts.map(\.resource.description) == [resource])
                }
            }
        }
    }
    /// Tasks homed at the root run on the child's agent; both sides' settlements agree to the
    /// fen, and a stored statement that was changed, that names a task never placed there, or
    /// that counts a part twice is disputed and not counted.
    @Test func settlementsAgreeAcrossTwoPlatformsAndBadStatementsAreDisputed() async throws {
        try await Self.member(prefix: "86.1") { root, rootPlacement in
            let child = try await root.addChild("east")
            try await Self.member(prefix: child.prefix, parent: root.url, token: child.token) { east, _ in
                try await east.waitJoined()
                // 1 fen per unit-millisecond, so that short tasks cost something.
                let (agent, resource) = try await Self.coreAgent(on: east, suffix: "cores", units: 2, extra: #","price_fen_per_unit_hour":3600000"#)
                defer { agent.stop() }
                #expect(
                    try await eventually {
                        let (_, body) = try await rawRequest(root.url + "/v1/resources?scope=subtree&kind=cpu")
                        return body.contains(resource) && body.contains("\"available\":true")
                    })
                let alice = root.test.client(try await root.operatorClient.registerConsumer(ConsumerRegistration(name: "alice")).token)
                var ids: [String] = []
                for i in 0..<3 {
                    let submitted = try await alice.submit(Self.cpuTask("settled-\(i)", "sleep 2"))
                    #expect(submitted.placement?.parts.first?.resource.description == resource, "\(submitted)")
                    ids.append(submitted.id)
                    // The owner's clock is a manual one: it moves while the task runs, so the part has a length.
                    #expect(try await eventually(30) {
                        let state = try await alice.task(submitted.id).state
                        return state == .running || state.isFinal
                    })
                    east.test.clock.advance(Double(2 + i))
                    #expect(try await eventually(30) { try await alice.task(submitted.id).state.isFinal })
                }
                let month = BillingMonth(containing: root.test.clock.now).description
                func settlement(_ member: FederationMember, peer: String) async throws -> Settlement {
                    let (status, body) = try await rawRequest(
                        member.url + "/v1/federation/settlements?peer=\(peer)&month=\(month)", token: TestPlatform.operatorToken)
                    #expect(status == 200, "\(body)")
                    return try SuanliJSON.decoder().decode(Settlement.self, from: Data(body.utf8))
                }
                let home = try await settlement(root, peer: child.prefix)
                // The owner's side through the client library, as the CLI reads it.
                let owner = try await east.operatorClient.federationSettlement(peer: "86.1", month: BillingMonth(parsing: month))
                #expect(home.pending.isEmpty && home.disputed.isEmpty, "\(home)")
                #expect(home.payable.count == 3 && home.payableFen > 0, "\(home)")
                #expect(Set(home.payable.compactMap(\.homeTask)) == Set(ids))
                // Both sides agree to the fen, part by part.
                #expect(owner.receivableFen == home.payableFen)
                #expect(owner.receivable.map { [$0.task, "\($0.attempt)", $0.resource, "\($0.amountFen)"] }
                    == home.payable.map { [$0.task, "\($0.attempt)", $0.resource, "\($0.amountFen)"] })
                #expect(home.receivableFen == 0 && owner.payableFen == 0)
                #expect(home.netFen == -home.payableFen && owner.netFen == owner.receivableFen)
                // The home bills its consumer what the owner metered, part by part.
                #expect(try await eventually(30) { try await alice.bills(month: BillingMonth(parsing: month)).items.count == 3 })
                let bill = try await alice.bills(month: BillingMonth(parsing: month))
                #expect(bill.totals.amountFen == home.payableFen && Set(bill.items.map(\.task)) == Set(ids), "\(bill)")
                let listed = try await alice.tasks(limit: 2)
                #expect(listed.items.map(\.id) == Array(ids.prefix(2)) && listed.nextCursor != nil)
                #expect(try await alice.tasks(cursor: listed.nextCursor).items.map(\.id) == [ids[2]])
                print("settlement: \(home.payable.count) parts, \(home.payableFen) fen owed by 86.1 to \(child.prefix), agreed by both")
                // The CLI prints the same figures.
                let printed = try await ExternalTools.runDetached(
                    [try suanliExecutable(), "federation", "settlements", "--peer", child.prefix, "--month", month, "--server", root.url,
                     "--token", TestPlatform.operatorToken], environment: ["SUANLI_TOKEN": ""])
                #expect(printed.status == 0 && printed.stdout.contains("payable (we owe them)") && printed.stdout.contains(String(home.payableFen)),
                    "\(printed.stdout)\(printed.stderr)")
                let refused = try await ExternalTools.runDetached(
                    [try suanliExecutable(), "federation", "settlements", "--peer", "x", "--server", root.url], environment: ["SUANLI_TOKEN": ""])
                #expect(refused.status != 0 && refused.stderr.contains("--peer 'x' is not a prefix"), "\(refused.stderr)")

                // Disputes: a changed statement, one for a task never placed there, a part counted twice.
                var stored = try await root.test.platform.loadRecords(StoredUsageStatement.self).sorted { $0.homeTask < $1.homeTask }
                #expect(stored.count == 3)
                let line = home.payable.first { $0.homeTask == stored[0].homeTask }!
                stored[0].statement = stored[0].statement.replacingOccurrences(
                    of: "\"amount_fen\":\(line.amountFen)", with: "\"amount_fen\":\(line.amountFen - 1)")
                var unknown = stored[1]
                unknown.homeTask = "86.1-f999-00000000"
                var doubled = try SuanliJSON.decoder().decode(UsageStatement.self, from: Data(stored[2].statement.utf8))
                doubled.records += doubled.records
                let bytes = try SuanliJSON.encoder().encode(doubled)
                stored[2].statement = String(decoding: bytes, as: UTF8.self)
                stored[2].signature = east.module.identity.sign(bytes)  // the owner's own key: a statement it issued twice over
                try await root.test.platform.commitRecords([.put(stored[0]), .put(unknown), .put(stored[2])])
                let disputed = try await settlement(root, peer: child.prefix)
                let kinds = Dictionary(grouping: disputed.disputed, by: \.kind).mapValues { $0.map(\.homeTask) }
                #expect(kinds["tampered"] == [stored[0].homeTask], "\(disputed.disputed)")
                #expect(kinds["unknown"] == ["86.1-f999-00000000"], "\(disputed.disputed)")
                #expect(kinds["duplicated"]?.allSatisfy { $0 == stored[2].homeTask } == true, "\(disputed.disputed)")
                #expect(disputed.payableFen == home.payableFen - line.amountFen, "the changed statement is not counted; the doubled part once")
                _ = rootPlacement
                // Only the operator and auditors; a bad peer or month is a clear 400.
                let (forbidden, _) = try await rawRequest(root.url + "/v1/federation/settlements?peer=\(child.prefix)", token: alice.token)
                #expect(forbidden == 403)
                let (badPeer, badPeerBody) = try await rawRequest(root.url + "/v1/federation/settlements?peer=x", token: TestPlatform.operatorToken)
                #expect(badPeer == 400 && badPeerBody.contains("peer"), "\(badPeerBody)")
                let (badMonth, badMonthBody) = try await rawRequest(
                    root.url + "/v1/federation/settlements?peer=\(child.prefix)&month=2027-13", token: TestPlatform.operatorToken)
                #expect(badMonth == 400 && badMonthBody.contains("month"), "\(badMonthBody)")
            }
        }
    }
}
