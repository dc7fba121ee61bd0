import ArgumentParser
import Foundation
import ServiceLifecycle
import SuanliCore
import SuanliServer

/// `suanli serve`: runs a platform.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a Suanli platform (HTTP API on --host:--port).")

    @OptionGroup var options: ServeOptions
    @OptionGroup(title: "Federation") var federation: FederationOptions

    func run() async throws {
        if let database = options.database {
            return try await ClusterServe.run(options: options, databaseURL: database) { [options, federation] platform, url in
                let module = await federation.open(platform, publicURL: options.publicURL, logger: options.logger)
                module.listening(at: url)
                return try await federationModules(module)
            }
        }
        let platform = try await options.openPlatform()
        let federationModule = await federation.open(platform, publicURL: options.publicURL, logger: options.logger)
        let server = PlatformServer(
            platform: platform, host: options.host, port: options.port, modules: platformModules(for: platform) + (try await federationModules(federationModule)),
            logger: options.logger
        ) { [options] port in
            federationModule.listening(at: "http://\(options.host):\(port)")
            print("Suanli platform \(options.prefix) listening on http://\(options.host):\(port) (data: \(options.data))")
            announceOperatorToken(platform, data: options.data)
        }
        let group = ServiceGroup(
            configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: options.logger))
        do {
            try await group.run()
        } catch let error as SuanliError {
            await platform.close()
            fail(error.message)
        }
        await platform.close()
    }
}

/// Prints the operator token the first time it is generated.
func announceOperatorToken(_ platform: Platform, data: String, always: Bool = false) {
    if platform.operatorTokenIsNew {
        print("Operator token (shown once; also saved in \(data)/operator-token): \(platform.operatorToken)")
    } else if always {
        print("Operator token: \(platform.operatorToken)")
    }
    fflush(nil)
}
