import Hummingbird

/// Sets the largest request body the platform decodes (``PlatformConfiguration/maxBodyBytes``).
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = SuanliRequestContext
    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = maxBytes
        return try await next(request, context)
    }
}
