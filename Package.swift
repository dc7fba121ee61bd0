// swift-tools-version: 6.1
import PackageDescription

/// Suanli (算力): an internet of computing — identifiers, registry, discovery and scheduling
/// for compute owned by many providers.
let package = Package(
    name: "Suanli",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "suanli", targets: ["suanli"]),
        .library(name: "SuanliCore", targets: ["SuanliCore"]),
        .library(name: "SuanliClient", targets: ["SuanliClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
    ],
    targets: [
        // SQLite from the system (Debian: libsqlite3-dev), used through its C API.
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Pure domain: identifiers, resources, providers, topology, wire models. No I/O.
        .target(name: "SuanliCore"),
        // Pure in-memory registry with discovery indexes (the hot path).
        .target(
            name: "SuanliRegistry",
            dependencies: ["SuanliCore", .product(name: "HeapModule", package: "swift-collections")]),
        // The scheduler engine: placement, queue, batch optimisation. Pure and deterministic.
        .target(
            name: "SuanliScheduler",
            dependencies: ["SuanliCore", .product(name: "HeapModule", package: "swift-collections")]),
        // Simulation and synthetic data: the synthetic national network and workload, the simulator.
        .target(
            name: "SuanliSimulation",
            dependencies: ["SuanliCore", "SuanliScheduler", .product(name: "HeapModule", package: "swift-collections")]),
        // The task lifecycle as a pure state machine (tasks, attempts, parts, assignments). No I/O.
        .target(name: "SuanliOrchestration", dependencies: ["SuanliCore", "SuanliScheduler"]),
        // The market's pure rules: quotes and their offers (holds live in the engine). No I/O.
        .target(name: "SuanliMarket", dependencies: ["SuanliCore", "SuanliScheduler"]),
        // Durable storage behind one protocol (SQLite now, PostgreSQL later).
        .target(name: "SuanliStore", dependencies: ["SuanliCore", "CSQLite"]),
        // The PostgreSQL store (`serve --database postgres://…`): the same records and migrations on postgres-nio.
        .target(
            name: "SuanliPostgres",
            dependencies: [
                "SuanliCore", "SuanliStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // The platform: state + store + HTTP API + auth.
        .target(
            name: "SuanliServer",
            dependencies: [
                "SuanliCore", "SuanliRegistry", "SuanliScheduler", "SuanliOrchestration", "SuanliStore", "SuanliMarket",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // Prometheus `GET /metrics`: the platform's swift-metrics instruments and gauges sampled at scrape time.
        .target(
            name: "SuanliMetrics",
            dependencies: [
                "SuanliCore", "SuanliRegistry", "SuanliServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Several instances of one platform on PostgreSQL: the leader lease, forwarding to the leader, instances.
        .target(
            name: "SuanliCluster",
            dependencies: [
                "SuanliCore", "SuanliServer",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Federation (docs/federation.md): key pair, delegated children and join, signed delegation
        // records, sync heartbeat, signed peer calls, resolve anywhere. A `PlatformModule`.
        .target(
            name: "SuanliFederation",
            dependencies: [
                "SuanliCore", "SuanliStore", "SuanliServer", "SuanliClient", "SuanliRegistry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Handle-compatible resolution (`GET /api/handles/{handle}`, the Handle.Net HTTP JSON REST API).
        .target(
            name: "SuanliHandle",
            dependencies: [
                "SuanliCore", "SuanliServer", "SuanliFederation",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // Typed HTTP client shared by the CLI, the agent and peer platforms.
        .target(
            name: "SuanliClient",
            dependencies: [
                "SuanliCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The provider agent's building blocks: host detection and executors (process, Slurm).
        .target(
            name: "SuanliAgent",
            dependencies: [
                "SuanliCore", "SuanliClient",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The demo network of `suanli up`: seeding a platform and running in-process agents.
        .target(
            name: "SuanliDemo",
            dependencies: [
                "SuanliCore", "SuanliSimulation", "SuanliServer", "SuanliClient", "SuanliAgent",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmarks behind `suanli bench` (registry, scheduler, end to end); not used by the platform.
        .target(
            name: "SuanliBenchmarks",
            dependencies: [
                "SuanliCore", "SuanliRegistry", "SuanliScheduler", "SuanliStore", "SuanliServer", "SuanliClient",
                "SuanliAgent", "SuanliSimulation", "SuanliDemo", "SuanliFederation",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The web dashboard at `/`: hand-written HTML, CSS and JavaScript compiled into the binary.
        .target(
            name: "SuanliWeb",
            dependencies: [
                "SuanliCore", "SuanliServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [
                .embedInCode("Assets/index.html"), .embedInCode("Assets/app.js"), .embedInCode("Assets/style.css"),
                .embedInCode("Assets/china.json"),
            ]
        ),
        // Task files (`suanli submit FILE`): the task spec as JSON or YAML, with line and field in errors.
        .target(
            name: "SuanliTaskFiles",
            dependencies: ["SuanliCore", .product(name: "Yams", package: "Yams")]),
        // The command tree (serve, up, resolve, find, bench, …).
        .target(
            name: "SuanliCLI",
            dependencies: [
                "SuanliCore", "SuanliRegistry", "SuanliScheduler", "SuanliStore", "SuanliServer", "SuanliClient",
                "SuanliAgent", "SuanliSimulation", "SuanliDemo", "SuanliBenchmarks", "SuanliWeb", "SuanliMetrics",
                "SuanliFederation", "SuanliMarket",
                "SuanliTaskFiles", "SuanliHandle", "SuanliPostgres", "SuanliCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "suanli",
            dependencies: ["SuanliCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // libFuzzer harnesses of the pure parsers (scripts/fuzz.sh, docs/testing.md). Built with
        // `-sanitize=fuzzer,address -DFUZZING` in .build-fuzz; a normal build makes a corpus replayer.
        .executableTarget(
            name: "suanli-fuzz",
            dependencies: [
                "SuanliCore", "SuanliRegistry", "SuanliScheduler", "SuanliOrchestration", "SuanliSimulation",
                "SuanliTaskFiles", "SuanliMarket",
            ],
            path: "Fuzz/SuanliFuzz"
        ),
        .testTarget(
            name: "SuanliCoreTests",
            dependencies: [
                "SuanliCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "SuanliRegistryTests", dependencies: ["SuanliCore", "SuanliRegistry"]),
        .testTarget(name: "SuanliSchedulerTests", dependencies: ["SuanliCore", "SuanliScheduler", "SuanliSimulation"]),
        .testTarget(name: "SuanliSimulationTests", dependencies: ["SuanliCore", "SuanliScheduler", "SuanliSimulation"]),
        .testTarget(
            name: "SuanliDemoTests",
            dependencies: [
                "SuanliCore", "SuanliSimulation", "SuanliDemo", "SuanliServer", "SuanliStore", "SuanliAgent",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "SuanliOrchestrationTests", dependencies: ["SuanliCore", "SuanliScheduler", "SuanliOrchestration"]),
        .testTarget(name: "SuanliMarketTests", dependencies: ["SuanliCore", "SuanliScheduler", "SuanliMarket"]),
        .testTarget(name: "SuanliStoreTests", dependencies: ["SuanliCore", "SuanliStore", "SuanliPostgres"]),
        // The command line: parsing, usage hints, task files and the examples.
        .testTarget(
            name: "SuanliCLITests",
            dependencies: [
                "SuanliCLI", "SuanliCore", "SuanliServer", "SuanliStore", "SuanliTaskFiles", "SuanliAgent", "SuanliBenchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "SuanliAgentTests", dependencies: ["SuanliCore", "SuanliAgent"]),
        .testTarget(
            name: "SuanliServerTests",
            dependencies: [
                "SuanliCore", "SuanliServer", "SuanliClient", "SuanliStore", "SuanliRegistry", "SuanliWeb", "SuanliMetrics",
                "SuanliFederation", "SuanliMarket",
                "SuanliPostgres", "SuanliHandle", "SuanliCluster", "SuanliAgent",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
