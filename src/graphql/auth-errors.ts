import { GraphQLError } from 'graphql';

/** 401 with a reason a client can act on (TOKEN_EXPIRED: refresh; others: sign in again). */
export function unauthenticated(message: string, reason?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      ...(reason ? { reason } : {}),
      http: { status: 401, headers: { 'WWW-Authenticate': `Bearer realm="graphql"${reason ? `, error="invalid_token"` : ''}` } },
    },
  });
}
