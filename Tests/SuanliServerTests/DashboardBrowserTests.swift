import Foundation
import SuanliClient
import SuanliCore
import SuanliWeb
import Testing

/// The dashboard in a real browser: headless Chromium driven by selenium
/// (`scripts/dashboard-browser.py check`) against a seeded platform over loopback.
@Suite("Dashboard in a browser", .timeLimit(.minutes(2)))
struct DashboardBrowserTests {
    /// One cluster per national hub, where each seeded provider sits.
    static let clusters = [
        "cluster.zhangjiakou", "cluster.yangtze-demo-zone", "cluster.shaoguan", "cluster.tianfu",
        "cluster.horinger", "cluster.guian", "cluster.qingyang", "cluster.zhongwei",
    ]

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/dashboard-browser.py").path
    }

    @Test(
        "overview equals /v1/stats, the map shows 8 hubs, tasks arrive live and stay private, no console errors",
        ExternalTools.needs(
            "selenium + chromium", ExternalTools.pythonHas("selenium") && ExternalTools.executable("/usr/bin/chromedriver")))
    func dashboardInChromium() async throws {
        try await TestPlatform.with(modules: [Dashboard()]) { t in
            // Providers at every hub, GPU and CPU nodes with a share of their units busy.
            for (index, cluster) in Self.clusters.enumerated() {
                let (prefix, provider) = try await t.provider("Provider \(index + 1)", location: cluster, renewable: 0.2 + 0.1 * Double(index % 6))
                _ = try await provider.putResource("\(prefix)/a/gpu-1", gpuSpec(units: 8, location: cluster, price: Int64(600 + 40 * index)))
                _ = try await provider.putResource(
                    "\(prefix)/a/cpu-1",
                    ResourceSpec(
                        kind: .cpu, arch: "x86_64", model: "Hygon C86 7390", units: 64, memoryGiB: 4,
                        tflops: TFLOPS(fp64: 0.5, fp32: 1.0), location: cluster, priceFenPerUnitHour: 4))
                _ = try await provider.report([
                    TelemetryReport(id: "\(prefix)/a/gpu-1", freeUnits: 8 - index % 5, healthy: true, utilization: Double(index % 5) / 8)
                ])
            }
            let (_, first) = try await t.consumer("alice")
            let (_, second) = try await t.consumer("bob")
            let output = try await ExternalTools.runDetached([
                ExternalTools.python, Self.script, "check", t.url, try #require(first.token), try #require(second.token),
            ])
            #expect(output.status == 0, "\(output.stderr)\n\(output.stdout)")
            guard output.status == 0 else { return }
            let line = output.stdout.split(separator: "\n").last.map(String.init) ?? ""
            let summary = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(summary?["hubs_on_map"] as? Int == 8, "\(line)")
            #expect((summary?["figures_checked"] as? Int ?? 0) >= 10, "\(line)")
        }
    }
}
