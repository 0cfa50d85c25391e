/**
 * The download API is a REST API (WAF attaches to it; see docs/security.md), whose Lambda proxy
 * events are payload format 1.0; the handlers read the HTTP API's 2.0 shape, which the local
 * server and the tests send too. This gives any event in the 2.0 shape.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

/** A REST API (1.0) or HTTP API (2.0) proxy event, in the 2.0 shape. */
export function asHttpApiEvent(
  event: APIGatewayProxyEvent | APIGatewayProxyEventV2,
): APIGatewayProxyEventV2 {
  if (!('httpMethod' in event)) return event;
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).flatMap(([name, value]) =>
      value === undefined ? [] : [[name.toLowerCase(), value]],
    ),
  );
  const query = new URLSearchParams();
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {}))
    for (const value of values ?? []) query.append(name, value);
  const context = event.requestContext;
  return {
    version: '2.0',
    routeKey: `${event.httpMethod} ${event.resource}`,
    rawPath: event.path,
    rawQueryString: query.toString(),
    headers,
    ...(event.body !== null && event.body !== undefined ? { body: event.body } : {}),
    isBase64Encoded: event.isBase64Encoded,
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      domainName: context.domainName ?? '',
      domainPrefix: context.domainPrefix ?? '',
      http: {
        method: event.httpMethod,
        path: event.path,
        protocol: context.protocol,
        sourceIp: context.identity.sourceIp,
        userAgent: context.identity.userAgent ?? '',
      },
      requestId: context.requestId,
      routeKey: `${event.httpMethod} ${event.resource}`,
      stage: context.stage,
      time: context.requestTime ?? '',
      timeEpoch: context.requestTimeEpoch,
    },
  };
}
