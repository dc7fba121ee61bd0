import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SuanliClient
import SuanliCore
import SuanliServer
import Testing

/// The audit log: every write, allowed or refused, with who, what, when, from where and the
/// result; filters, paging, retention by the manual clock, and survival across a restart.
@Suite("Audit log")
struct AuditLogTests {
    @Test func recordsWritesAllowedAndRefusedWithWhoWhatWhereAndResult() async throws {
        try await TestPlatform.with { test in
            let (prefix, provider) = try await test.provider()
            let consumerRecord = try await test.operatorClient.registerConsumer(ConsumerRegistration(name: "lab"))
            let consumer = test.client(consumerRecord.token)
            let consumerToken = try #require(try await consumer.tokens().first)
            _ = try await provider.putResource("\(prefix)/rack-1/gpu-1", gpuSpec())
            let submitted = try await consumer.submit(taskSpec())
            _ = try await consumer.cancel(submitted.id)
            // Refused: another prefix (403), no token (401), an auditor's write (403).
            await expectAPIError(403, "forbidden") { _ = try await provider.putResource("86.1.99/x/y", gpuSpec()) }
            await expectAPIError(401, "unauthorized") {
                _ = try await test.anonymous.registerConsumer(ConsumerRegistration(name: "x"))
            }
            let auditor = try await test.operatorClient.registerAuditor(AuditorRegistration(name: "NAO"))
            await expectAPIError(403, "forbidden") { _ = try await test.client(auditor.token).cancel(submitted.id) }
            // Reads are not audited, nor batch resolution, nor an agent's successful poll.
            _ = try await consumer.tasks()
            _ = try await test.anonymous.resolve(batch: ["\(prefix)/rack-1/gpu-1"])
            _ = try await provider.work(running: [], waitS: 0)
            // A refused agent call is.
            await expectAPIError(403, "forbidden") { _ = try await consumer.work(running: [], waitS: 0) }

            let page = try await test.client(auditor.token).audit(limit: 1000)
            let actions = page.items.map { "\($0.action) \($0.status)" }
            #expect(
                actions == [
                    "POST /v1/agent/work 403", "DELETE /v1/tasks/{id} 403", "POST /v1/auditors 201", "POST /v1/consumers 401",
                    "PUT /v1/resources/{id...} 403", "DELETE /v1/tasks/{id} 200", "POST /v1/tasks 201",
                    "PUT /v1/resources/{id...} 201", "POST /v1/consumers 201", "POST /v1/providers 201",
                ])
            #expect(page.items.map(\.id) == page.items.map(\.id).sorted(by: >))  // newest first
            let submit = try #require(page.items.first { $0.action == "POST /v1/tasks" })
            #expect(submit.role == "consumer" && submit.owner == consumerRecord.id && submit.token == consumerToken.id)
            #expect(submit.from == "127.0.0.1")
            #expect(submit.at == test.clock.now)
            #expect(submit.error == nil)
            let cancel = try #require(page.items.first { $0.action == "DELETE /v1/tasks/{id}" && $0.status == 200 })
            #expect(cancel.target == ["id": submitted.id])
            let outside = try #require(page.items.first { $0.status == 403 && $0.action.hasPrefix("PUT") })
            #expect(outside.target == ["id": "86.1.99/x/y"] && outside.owner == prefix && outside.error == "forbidden")
            let anonymous = try #require(page.items.first { $0.status == 401 })
            #expect(anonymous.role == "anonymous" && anonymous.owner == nil && anonymous.token == nil)
            let byAuditor = try #require(page.items.first { $0.role == "auditor" })
            #expect(byAuditor.owner == auditor.id && byAuditor.target == ["id": submitted.id])
        }
    }

    /// An entry is written in its write's batch with the status the action answered last time;
    /// when the answer differs (a replace after a create) it is corrected before the response.
    @Test func theRecordedStatusIsTheAnswersEvenWhenItDiffersFromTheLastOne() async throws {
        try await TestPlatform.with { test in
            let (prefix, provider) = try await test.provider()
            let id = "\(prefix)/rack-1/gpu-1"
            #expect(try await provider.putResource(id, gpuSpec()).created)
            #expect(try await !provider.putResource(id, gpuSpec(price: 1)).created)
            #expect(try await provider.putResource("\(prefix)/rack-1/gpu-2", gpuSpec()).created)
            try await provider.deleteResource(id)
            let entries = try await test.operatorClient.audit(actor: prefix).items
            #expect(entries.map(\.status) == [204, 201, 200, 201])
            #expect(entries.map(\.target["id"]) == [id, "\(prefix)/rack-1/gpu-2", id, id])
        }
    }

    @Test func refusedTokensAreAuditedWithTheirIdAndXForwardedForIsNotTrustedByDefault() async throws {
        try await TestPlatform.with(configure: { $0.trustedProxies = [] }) { test in
            let consumerRecord = try await test.operatorClient.registerConsumer(ConsumerRegistration(name: "lab"))
            let consumer = test.client(consumerRecord.token)
            let spare = try await consumer.createToken(TokenRequest(name: "spare"))
            try await consumer.revokeToken(spare.id)
            var request = HTTPClientRequest(url: test.url + "/v1/tasks")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(spare.token!)")
            request.headers.add(name: "X-Forwarded-For", value: "203.0.113.9")
            request.body = .bytes(.init(string: "{}"))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .unauthorized)
            let entry = try #require(try await test.operatorClient.audit(limit: 1).items.first)
            #expect(entry.action == "POST /v1/tasks" && entry.status == 401 && entry.error == "token_revoked")
            #expect(entry.token == spare.id && entry.role == "consumer" && entry.owner == consumerRecord.id)
            #expect(entry.from == "127.0.0.1")
        }
        // Behind a trusted proxy the forwarded client is recorded, with the proxy.
        try await TestPlatform.with(configure: { $0.trustedProxies = ["127.0.0.1"] }) { test in
            var request = HTTPClientRequest(url: test.url + "/v1/consumers")
            request.method = .POST
            request.headers.add(name: "X-Forwarded-For", value: "198.51.100.7, 203.0.113.9")
            request.body = .bytes(.init(string: #"{"name":"x"}"#))
            _ = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let entry = try #require(try await test.operatorClient.audit(limit: 1).items.first)
            #expect(entry.from == "203.0.113.9 (via 127.0.0.1)")
        }
    }

    @Test func filtersAndPaging() async throws {
        try await TestPlatform.with { test in
            let start = test.clock.now
            var consumers: [ConsumerRecord] = []
            for i in 0..<5 {
                consumers.append(try await test.operatorClient.registerConsumer(ConsumerRegistration(name: "c\(i)")))
                test.clock.advance(60)
            }
            let lab = test.client(consumers[0].token)
            let labToken = try #require(try await lab.tokens().first)
            _ = try await lab.createToken(TokenRequest(name: "extra"))
            let op = test.operatorClient
            // Paging: newest first, the cursor continues after the last item, no repeats.
            var seen: [Int64] = []
            var cursor: String? = nil
            repeat {
                let page = try await op.audit(limit: 2, cursor: cursor)
                #expect(page.items.count <= 2)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 6 && seen == seen.sorted(by: >) && Set(seen).count == 6)
            // actor: a token id, an owner or a role; action; since/until by the platform's clock.
            #expect(try await op.audit(actor: labToken.id).items.map(\.action) == ["POST /v1/tokens"])
            #expect(try await op.audit(actor: consumers[0].id).items.count == 1)
            #expect(try await op.audit(actor: "operator").items.count == 5)
            #expect(try await op.audit(action: "POST /v1/consumers").items.count == 5)
            #expect(try await op.audit(action: "POST /v1/tokens").items.count == 1)
            let window = try await op.audit(since: start.addingTimeInterval(60), until: start.addingTimeInterval(180), action: "POST /v1/consumers")
            #expect(window.items.map(\.at) == [start.addingTimeInterval(120), start.addingTimeInterval(60)])
            // Only the operator and auditors read it; bad parameters are 400.
            await expectAPIError(403, "forbidden") { _ = try await lab.audit() }
            await expectAPIError(401, "unauthorized") { _ = try await test.anonymous.audit() }
            for bad in ["limit=0", "limit=1001", "since=yesterday", "cursor=abc", "colour=red", "actor=a&actor=b"] {
                let (status, body) = try await rawRequest(test.url + "/v1/audit?" + bad, token: TestPlatform.operatorToken)
                #expect(status == 400, "\(bad): \(body)")
            }
        }
    }

    @Test func retentionPrunesByThePlatformsClock() async throws {
        try await TestPlatform.with(configure: { $0.auditRetentionDays = 90 }) { test in
            for i in 0..<3 { _ = try await test.operatorClient.registerConsumer(ConsumerRegistration(name: "old\(i)")) }
            test.clock.advance(60 * 86_400)
            _ = try await test.operatorClient.registerConsumer(ConsumerRegistration(name: "recent"))
            try await test.platform.pruneAudit()
            #expect(try await test.operatorClient.audit().items.count == 4)
            test.clock.advance(30 * 86_400 + 1)  // the first three are now 90 days and 1 s old
            try await test.platform.pruneAudit(slice: 2)
            let left = try await test.operatorClient.audit().items
            #expect(left.count == 1 && left[0].at == test.clock.now.addingTimeInterval(-(30 * 86_400 + 1)))
        }
        // 0 keeps everything.
        try await TestPlatform.with(configure: { $0.auditRetentionDays = 0 }) { test in
            _ = try await test.operatorClient.registerConsumer(ConsumerRegistration(name: "kept"))
            test.clock.advance(10 * 365 * 86_400)
            try await test.platform.pruneAudit()
            #expect(try await test.operatorClient.audit().items.count == 1)
        }
    }

    @Test func entriesSurviveARestartAndNumberingContinues() async throws {
        let directory = TestPlatform.temporaryDirectory()
        let before = try await TestPlatform.with(directory: directory) { test in
            _ = try await test.operatorClient.registerConsumer(ConsumerRegistration(name: "a"))
            _ = try await test.operatorClient.registerConsumer(ConsumerRegistration(name: "b"))
            return try await test.operatorClient.audit().items
        }
        try await TestPlatform.with(directory: directory) { test in
            #expect(try await test.operatorClient.audit().items == before)
            _ = try await test.operatorClient.registerConsumer(ConsumerRegistration(name: "c"))
            let after = try await test.operatorClient.audit().items
            #expect(after.count == 3 && after[0].id == before[0].id + 1)
        }
    }
}
