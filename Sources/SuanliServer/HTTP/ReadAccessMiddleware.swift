import Hummingbird

/// Lets a request through only if its caller may read (``PlatformConfiguration/readAccess``).
struct ReadAccessMiddleware<Context: PrincipalRequestContext>: RouterMiddleware {
    let platform: Platform

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try platform.authorizeRead(context.principal)
        return try await next(request, context)
    }
}
