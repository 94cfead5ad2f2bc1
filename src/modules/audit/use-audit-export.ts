/**
 * GET /audit/export?format=jsonl|csv&userId=&actions=A,B&success=&from=&to=&ipAddress=
 * Streams the matching entries oldest first, in batches, so a year of events never sits in
 * memory. Needs an access token with audit:read:all. CSV cells that a spreadsheet would run as
 * a formula are prefixed with a quote (CSV injection).
 */
import type { Plugin } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import { authenticate } from '../../context';
import { hasScope } from '../authz/scopes';
import type { Services } from '../../services';
import { AUDIT_ACTIONS, checkAuditFilter, type AuditFilter, type AuditLogRow } from './audit.service';
import { BadInputError } from '../../lib/bad-input';
import type { Logger } from '../../logger';

const COLUMNS = ['id', 'occurredAt', 'action', 'success', 'actorUserId', 'userId', 'ipAddress', 'userAgent', 'sessionId', 'apiKeyId', 'details', 'hash'] as const;

function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const asRecord = (row: AuditLogRow) => ({
  id: row.id,
  occurredAt: row.occurredAt.toISOString(),
  action: row.action,
  success: row.success,
  actorUserId: row.actorUserId,
  userId: row.userId,
  ipAddress: row.ipAddress,
  userAgent: row.userAgent,
  sessionId: row.sessionId,
  apiKeyId: row.apiKeyId,
  details: row.details,
  hash: row.hash,
});

function parseFilter(params: URLSearchParams): AuditFilter | string {
  const date = (name: string) => {
    const raw = params.get(name);
    if (!raw) return null;
    const d = new Date(raw);
    return Number.isNaN(d.getTime()) ? undefined : d;
  };
  const actions = params.get('actions')?.split(',').filter(Boolean) ?? null;
  if (actions?.some((a) => !(AUDIT_ACTIONS as string[]).includes(a))) return 'actions: unknown action';
  const success = params.get('success');
  if (success !== null && success !== 'true' && success !== 'false') return 'success: expected true or false';
  const from = date('from');
  const to = date('to');
  if (from === undefined || to === undefined) return 'from/to: expected ISO 8601 dates';
  try {
    return checkAuditFilter({ userId: params.get('userId'), actions, success: success === null ? null : success === 'true', from, to, ipAddress: params.get('ipAddress') });
  } catch (error) {
    if (error instanceof BadInputError) return error.message;
    throw error;
  }
}

export function useAuditExport(services: Services, logger: Logger): Plugin {
  const problem = (status: number, code: string, message: string) =>
    new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), { status, headers: { 'content-type': 'application/json' } });
  return {
    async onRequest({ url, request, endResponse }) {
      if (url.pathname !== '/audit/export') return;
      if (request.method !== 'GET') return endResponse(problem(405, 'METHOD_NOT_ALLOWED', 'Use GET.'));
      let viewer;
      try {
        viewer = await authenticate(services, request.headers.get('authorization'));
      } catch (error) {
        return endResponse(problem(401, 'UNAUTHENTICATED', error instanceof GraphQLError ? error.message : 'Unauthenticated.'));
      }
      if (!viewer) return endResponse(problem(401, 'UNAUTHENTICATED', 'Send an access token with audit:read:all.'));
      if (!hasScope(viewer.scopes, 'audit:read:all')) return endResponse(problem(403, 'FORBIDDEN', 'This needs the scope audit:read:all.'));
      const format = url.searchParams.get('format') ?? 'jsonl';
      if (format !== 'jsonl' && format !== 'csv') return endResponse(problem(400, 'BAD_USER_INPUT', 'format: expected jsonl or csv'));
      const filter = parseFilter(url.searchParams);
      if (typeof filter === 'string') return endResponse(problem(400, 'BAD_USER_INPUT', filter));

      const rows = services.audit.scan(filter);
      const encoder = new TextEncoder();
      let headerSent = format !== 'csv';
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (!headerSent) {
            headerSent = true;
            controller.enqueue(encoder.encode(COLUMNS.join(',') + '\r\n'));
            return;
          }
          let next: IteratorResult<AuditLogRow>;
          try {
            next = await rows.next();
          } catch (error) {
            // Headers are gone already: end the stream as failed (the client sees a cut-off body).
            logger.error({ err: error }, 'audit export failed mid-stream');
            return controller.error(error);
          }
          if (next.done) return controller.close();
          const record = asRecord(next.value);
          controller.enqueue(
            encoder.encode(format === 'csv' ? COLUMNS.map((c) => csvCell(record[c])).join(',') + '\r\n' : JSON.stringify(record) + '\n'),
          );
        },
        async cancel() {
          await rows.return(undefined);
        },
      });
      endResponse(
        new Response(body, {
          status: 200,
          headers: {
            'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
            'content-disposition': `attachment; filename="audit-export.${format}"`,
            'cache-control': 'no-store',
          },
        }),
      );
    },
  };
}
