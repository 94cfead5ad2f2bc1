/**
 * createApp(deps) → the yoga instance. Importing this file does no I/O, so tests can build an
 * app against their own database and Redis without opening a port.
 */
import type { IncomingMessage } from 'node:http';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { createYoga, maskError as yogaMaskError, type YogaServerInstance } from 'graphql-yoga';
import { useCookies } from '@whatwg-node/server-plugin-cookies';
import type { Config } from './config';
import { createContext, type Context } from './context';
import { schema } from './graphql/schema';
import { armorPlugins } from './graphql/armor';
import { useBodyLimit } from './http/use-body-limit';
import { useCors } from './http/use-cors';
import { useJsonRequests } from './http/use-json-requests';
import { useMetrics } from './http/use-metrics';
import { requestIdOf, useRequestLog } from './http/use-request-id';
import { useRoutes } from './http/use-routes';
import { useOncePerDocument } from './graphql/use-once-per-document';
import { useValidUnicode } from './graphql/use-valid-unicode';
import { useEndOnDispose } from './graphql/use-end-on-dispose';
import { useAuditExport } from './modules/audit/use-audit-export';
import { BadInputError } from './lib/bad-input';
import { isDatabaseUnavailable } from './db/client';
import { protectionUnavailable } from './modules/ratelimit/rate-limit.service';
import { DomainError } from './lib/errors';
import { clientIp } from './lib/ip';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { Services } from './services';

export interface AppDeps {
  config: Config;
  services: Services;
  logger: Logger;
  metrics: Metrics;
  readiness: Record<string, () => Promise<void>>;
}

/** What the node adapter (HTTP) or our WebSocket server hands yoga as the initial context. */
export interface ServerContext {
  req?: IncomingMessage;
  connectionParams?: Record<string, unknown>;
}

export type App = YogaServerInstance<ServerContext, Context>;

export function createApp({ config, services, logger, metrics, readiness }: AppDeps): App {
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: config.nodeEnv === 'development',
    batching: false,
    // Our own limit (src/http/use-body-limit.ts) refuses a declared length up front and counts only
    // bodies without one; yoga's pipes every body through a TransformStream (4% of `me`'s CPU).
    maxRequestBodySize: false,
    // Our own allow-list (src/http/use-cors.ts) instead of yoga's reflect-every-origin default.
    cors: false,
    // No file uploads, and a multipart body is a "simple" request any page can send.
    multipart: false,
    // Yoga logs every error maskError replaced, as String(error): for a GraphQLError that prints
    // the document around it (an inline password included). maskError below has already logged
    // each one as it should be, so yoga's copy is dropped; its own messages pass as text.
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => {
        if (!args.some((a) => a instanceof Error)) logger.error(args.map(String).join(' '));
      },
    },
    maskedErrors: {
      maskError(error, message, isDev) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        // An expected error that escaped a field with no union (a scalar result, bad input)
        // keeps its message and code: it is meant for the client.
        if (original instanceof DomainError) {
          logger.debug({ errorCode: original.code }, 'graphql error answered');
          return new GraphQLError(original.message, {
            nodes: (error as GraphQLError).nodes,
            path: (error as GraphQLError).path,
            extensions: { code: original.code, ...(original instanceof BadInputError && original.field ? { field: original.field } : {}) },
          });
        }
        // The database is restarting or unreachable: the client may retry, as during a Redis outage.
        if (isDatabaseUnavailable(original)) {
          logger.warn({ err: original, path: (error as GraphQLError).path }, 'database unavailable: answering SERVICE_UNAVAILABLE');
          return protectionUnavailable('The service is briefly unavailable. Please try again in a few seconds.');
        }
        // A client's mistake (syntax, validation, a variable of the wrong type) is not a server
        // error: a debug line with its code only, since its message can quote the document or a
        // variable's value. Only the unexpected is an error, logged without document or variables.
        if (original instanceof GraphQLError || !(original instanceof Error)) {
          const answered = original instanceof GraphQLError ? original : (error as GraphQLError);
          logger.debug({ errorCode: answered.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED' }, 'graphql error answered');
        } else {
          logger.error({ err: original, path: (error as GraphQLError).path }, 'unexpected error (masked)');
        }
        return yogaMaskError(error, message, isDev && config.nodeEnv !== 'production');
      },
    },
    context: ({ request, req, connectionParams }) => {
      const authorization = connectionParams
        ? typeof connectionParams.authorization === 'string'
          ? connectionParams.authorization
          : undefined
        : request.headers.get('authorization');
      return createContext({
        services,
        config,
        logger,
        request,
        authorization,
        info: {
          ip: clientIp(req?.socket.remoteAddress, request.headers.get('x-forwarded-for'), config.trustProxy),
          userAgent: request.headers.get('user-agent'),
          requestId: requestIdOf(request),
        },
      });
    },
    plugins: [
      useRequestLog(logger),
      useMetrics({ metrics, schema, token: config.metricsToken, production: config.nodeEnv === 'production' }),
      useCors(config.corsOrigins),
      useCookies(),
      useRoutes({ jwks: () => services.keys.jwks(), readiness, issuer: config.publicUrl }),
      useJsonRequests(),
      useBodyLimit(config.limits.maxBodyBytes),
      ...armorPlugins({ limits: config.limits, fieldSuggestions: config.fieldSuggestions }),
      useOncePerDocument(),
      useValidUnicode(),
      useEndOnDispose(),
      useAuditExport(services, logger),
      ...(config.introspection ? [] : [disableIntrospection()]),
    ],
  });
}

/** NODE_ENV=production: no introspection (and yoga's masking already hides suggestions' details). */
function disableIntrospection() {
  return {
    onValidate({ addValidationRule }: { addValidationRule: (rule: unknown) => void }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
