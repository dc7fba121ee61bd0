import Hummingbird
import SuanliCore

/// Consumers' budgets and quotas: `GET`/`PUT /v1/consumers/{id}/budget` and `…/quotas`.
struct BudgetRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self)
            .get(Endpoints.consumerBudget.route, use: account)
            .put(Endpoints.consumerBudget.route, use: setBudget)
            .get(Endpoints.consumerQuotas.route, use: account)
            .put(Endpoints.consumerQuotas.route, use: setQuotas)
    }

    /// `GET /v1/consumers/{id}/budget` (and `…/quotas`): the account.
    @Sendable func account(_ request: Request, context: SuanliRequestContext) async throws -> ConsumerAccount {
        try platform.consumerAccount(context.parameter("id"), by: context.principal)
    }

    /// `PUT /v1/consumers/{id}/budget` `{"fen":N|null}`.
    @Sendable func setBudget(_ request: Request, context: SuanliRequestContext) async throws -> ConsumerAccount {
        let body = try await request.decode(as: BudgetUpdate.self, context: context)
        return try await platform.setBudget(context.parameter("id"), body, by: context.principal)
    }

    /// `PUT /v1/consumers/{id}/quotas` `{"gpu":N,…}`.
    @Sendable func setQuotas(_ request: Request, context: SuanliRequestContext) async throws -> ConsumerAccount {
        let json = try await request.decode(as: [String: Int].self, context: context)
        let update: QuotaUpdate
        do throws(ValidationError) { update = try QuotaUpdate(json: json) } catch { throw SuanliError.validation(error) }
        return try await platform.setQuotas(context.parameter("id"), update, by: context.principal)
    }
}

extension ConsumerAccount: ResponseEncodable {}
