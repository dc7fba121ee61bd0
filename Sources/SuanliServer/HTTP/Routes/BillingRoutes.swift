import Foundation
import Hummingbird
import NIOCore
import SuanliCore
import SuanliMarket

/// Monthly bills and payouts: `GET /v1/bills` and `GET /v1/payouts`, as JSON or (`Accept: text/csv`) CSV.
struct BillingRoutes {
    let platform: Platform

    /// The routes, for ``APIRouter``.
    var collection: RouteCollection<SuanliRequestContext> {
        RouteCollection(context: SuanliRequestContext.self)
            .get(Endpoints.bills.route, use: bills)
            .get(Endpoints.payouts.route, use: payouts)
    }

    /// `GET /v1/bills?consumer=&month=YYYY-MM`.
    @Sendable func bills(_ request: Request, context: SuanliRequestContext) async throws -> Response {
        let (who, month) = try Self.parameters(request, party: "consumer")
        return try Self.respond(try platform.bill(consumer: who, month: month, by: context.principal), request: request)
    }

    /// `GET /v1/payouts?provider=&month=YYYY-MM`.
    @Sendable func payouts(_ request: Request, context: SuanliRequestContext) async throws -> Response {
        let (who, month) = try Self.parameters(request, party: "provider")
        return try Self.respond(try platform.payout(provider: who, month: month, by: context.principal), request: request)
    }

    /// The party (`consumer` or `provider`) and `month` parameters; no others.
    static func parameters(_ request: Request, party: String) throws(SuanliError) -> (String?, BillingMonth?) {
        var who: String? = nil
        var month: BillingMonth? = nil
        for (key, value) in request.uri.queryParameters {
            switch key {
            case party: who = value.isEmpty ? nil : String(value)
            case "month":
                if value.isEmpty { continue }
                guard let parsed = BillingMonth(parsing: value) else {
                    throw SuanliError(
                        .badRequest, "month must be YYYY-MM (e.g. 2026-11), got '\(Validation.excerpt(value))'", field: "month")
                }
                month = parsed
            default: throw QueryParameters.unknown(key, known: "\(party), month")
            }
        }
        return (who, month)
    }

    /// JSON, or CSV when the request's `Accept` names `text/csv`.
    static func respond(_ statement: Statement, request: Request) throws -> Response {
        if let accept = request.headers[.accept], accept.lowercased().contains("text/csv") {
            return Response(
                status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: statement.csv)))
        }
        let data = try SuanliJSON.encoder().encode(statement)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
