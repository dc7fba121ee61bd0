import SuanliCore

/// A reproducible synthetic national compute network: providers spread over every hub,
/// a realistic hardware mix, western sites cheaper and greener, eastern sites closer to demand.
///
/// Resources are generated on demand from `(seed, index)`, so a million of them cost no memory
/// until used. `suanli up` seeds its demo from this; benchmarks and simulations use it too.
public struct SyntheticNetwork: Sendable {
    /// One provider of the network.
    public struct Provider: Sendable, Hashable {
        public var registration: ProviderRegistration
        /// Short site tag used in suffixes, e.g. `zjk-a`.
        public var site: String
        /// Indexes into ``HardwareModel/catalog`` this provider offers.
        public var offerings: [Int]
        /// Price multiplier relative to the eastern base price.
        public var priceFactor: Double
    }

    /// One generated resource.
    public struct Resource: Sendable, Hashable {
        /// Index into ``SyntheticNetwork/providers``.
        public var provider: Int
        /// The identifier suffix (unique within the provider).
        public var suffix: String
        public var spec: ResourceSpec
    }

    public let seed: UInt64
    public let providers: [Provider]
    /// The number of resources the network has.
    public let resourceCount: Int

    static let siteTags: [String: String] = [
        "cluster.zhangjiakou": "zjk", "cluster.yangtze-demo-zone": "ydz", "cluster.wuhu": "wuhu",
        "cluster.shaoguan": "sg", "cluster.tianfu": "tf", "cluster.chongqing": "cq", "cluster.horinger": "hlg",
        "cluster.guian": "ga", "cluster.qingyang": "qy", "cluster.zhongwei": "zw",
    ]

    static let styles = ["Green Compute", "AI Computing Center", "Cloud Data Park", "Intelligent Computing",
                         "Supercomputing Center", "Edge Cloud", "Digital Valley", "Compute Exchange"]

    /// Generates a network with `providers` providers and `resources` resources.
    public init(providers providerCount: Int = 36, resources: Int = 1000, seed: UInt64 = 2025, topology: Topology = .national) {
        self.seed = seed
        self.resourceCount = resources
        var rng = SplitMix64(seed: seed)
        let clusters = topology.locations.filter { $0.kind == .cluster }
        let cities = topology.locations.filter { $0.kind == .city }
        let catalog = HardwareModel.catalog
        let edgeModels = catalog.indices.filter { catalog[$0].labels["class"] == "edge" }
        let hpcModels = catalog.indices.filter { catalog[$0].labels["class"] == "supercomputing" }
        let mainModels = catalog.indices.filter { catalog[$0].labels["class"] == nil }
        var list: [Provider] = []
        var clusterSites = 0
        for i in 0..<max(1, providerCount) {
            // Four in five providers run a cluster site (round robin over all ten clusters);
            // the rest are edge or HPC sites in cities.
            let isCluster = i % 5 != 4
            let site = isCluster ? clusters[clusterSites % clusters.count] : cities[(i / 5) % cities.count]
            if isCluster { clusterSites += 1 }
            let west = site.region.isCentralOrWestern
            let renewable = west ? Double.random(in: 0.45...0.85, using: &rng) : Double.random(in: 0.15...0.45, using: &rng)
            let pue = west ? Double.random(in: 1.12...1.25, using: &rng) : Double.random(in: 1.22...1.40, using: &rng)
            var offerings: [Int]
            if isCluster {
                offerings = Array(mainModels.shuffled(using: &rng).prefix(Int.random(in: 3...6, using: &rng)))
            } else if i % 10 == 9 {
                offerings = hpcModels
            } else {
                offerings = edgeModels
            }
            offerings.sort()
            let tagBase = Self.siteTags[site.code] ?? String(site.code.split(separator: ".").last ?? "site")
            let round = isCluster ? (clusterSites - 1) / clusters.count : i / 5 / cities.count
            let tag = "\(tagBase)-\(Character(UnicodeScalar(UInt8(97 + round % 26))))"
            let placeName = site.name.split(separator: " ").first.map(String.init) ?? site.code
            let style = isCluster ? Self.styles[i % 4] : (i % 10 == 9 ? "Supercomputing Center" : "Edge Cloud")
            let name = "\(placeName) \(style) \(i + 1)"
            list.append(
                Provider(
                    registration: ProviderRegistration(
                        name: name, contact: "ops+\(i + 1)@\(tagBase).demo.suanli", location: site.code,
                        renewable: (renewable * 100).rounded() / 100, pue: (pue * 100).rounded() / 100),
                    site: tag, offerings: offerings,
                    priceFactor: west ? Double.random(in: 0.65...0.85, using: &rng) : Double.random(in: 0.95...1.15, using: &rng)))
        }
        self.providers = list
    }

    /// The resource with number `index` (0 ..< resourceCount).
    public func resource(_ index: Int) -> Resource {
        let p = index % providers.count
        let provider = providers[p]
        var rng = SplitMix64(seed: SplitMix64.mix(seed, UInt64(index)))
        let model = HardwareModel.catalog[provider.offerings[Int(rng.next() % UInt64(provider.offerings.count))]]
        let price = max(1, Int64((Double(model.basePriceFen) * provider.priceFactor * Double.random(in: 0.9...1.1, using: &rng)).rounded()))
        var labels = model.labels
        labels["rack"] = "r\(index / providers.count / 32 + 1)"
        let spec = ResourceSpec(
            kind: model.kind, arch: model.arch, model: model.model, units: model.unitsPerNode,
            memoryGiB: model.memoryGiB, tflops: model.tflops, location: provider.registration.location,
            priceFenPerUnitHour: price, labels: labels)
        let suffix = "\(provider.site)/\(model.kind.rawValue)-node-\(index / providers.count + 1)"
        return Resource(provider: p, suffix: suffix, spec: spec)
    }
}
