/**
 * Threat: one small request that costs the server far more than it costs the sender: selections
 * nested or aliased many times over, thousands of tokens for the parser, piles of directives, a
 * page size multiplied down a tree; and, with introspection off, "Did you mean …?" hints that
 * spell the schema out field by field.
 *
 * graphql-armor measures every document before anything runs (tokens while parsing, the rest as
 * validation rules). A refusal is one QUERY_TOO_COMPLEX error with a generic message: the limits
 * are configuration, not contract, and naming them ("depth 9 > 8") would only help a client
 * probe for the largest query that still passes.
 *
 * Choices, measured against every document the test-suite sends (test/gql) and an admin
 * dashboard that selects every field of every Query root field at once (cost 522):
 * - Fragments do not count as depth or cost levels (`flattenFragments`): depth is how deep the
 *   response nests, so clients that compose queries from fragments pay nothing extra. A fragment
 *   is still measured where it is spread, so fragments cannot hide depth either.
 * - Cost is objects × 2 + leaves × 1, times a literal `first`, with no extra weight per level
 *   (`depthCostFactor: 1`; depth has its own limit). armor's default of 1.5 per level puts one
 *   full page of audit entries (`auditLogs(first: 100)`, every field) over 5,000; with 1 it costs
 *   2,400. No test document costs over 29, nests deeper than 4 or has over 70 tokens.
 * - `__schema` is not measured (`ignoreIntrospection`): the introspection query codegen and
 *   GraphiQL send nests 15 levels deep. What guards it instead is graphql-js's own
 *   MaxIntrospectionDepthRule (part of specifiedRules in graphql 16.9+), which refuses the exponential
 *   `types { fields { type { fields … } } }` shapes; the token and alias limits still apply.
 *   `__type` is measured like any field.
 */
import { GraphQLError, type ExecutionResult, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLLimits } from '../config';

export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';
const TOO_COMPLEX_MESSAGE = 'The query is too large or too complex.';

const queryTooComplex = () => new GraphQLError(TOO_COMPLEX_MESSAGE, { extensions: { code: QUERY_TOO_COMPLEX } });

export function armorPlugins(opts: { limits: GraphQLLimits; fieldSuggestions: boolean }): Plugin[] {
  const { limits } = opts;
  // One error per document however many limits it breaks. A validation rule reports (so yoga
  // answers it as a validation error, 400, and caches the verdict); the token limit runs inside
  // the parser, which has no context to report to, so it throws (yoga answers 400 as for a
  // syntax error). armor's own error, which would carry the numbers, is never sent.
  const reported = new WeakSet<ValidationContext>();
  const refuse = (context: ValidationContext | null) => {
    if (!context) throw queryTooComplex();
    if (reported.has(context)) return;
    reported.add(context);
    context.reportError(queryTooComplex());
  };
  const quiet = { exposeLimits: false, errorMessage: TOO_COMPLEX_MESSAGE, propagateOnRejection: false, onReject: [refuse] };

  return [
    maxTokensPlugin({ n: limits.maxTokens, ...quiet }),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, ...quiet }),
    maxAliasesPlugin({ n: limits.maxAliases, ...quiet }),
    maxDirectivesPlugin({ n: limits.maxDirectives, ...quiet }),
    costLimitPlugin({
      maxCost: limits.maxCost,
      objectCost: 2,
      scalarCost: 1,
      depthCostFactor: 1,
      flattenFragments: true,
      ignoreIntrospection: true,
      ...quiet,
    }),
    ...(opts.fieldSuggestions ? [] : [blockFieldSuggestionsPlugin({ mask: '' }), useNoSuggestions()]),
  ] as Plugin[];
}

// graphql-js phrases every hint through one helper: ` Did you mean "a", "b", or "c"?`, sometimes
// with words in between (`the enum value "X"`). Names cannot contain `?`, so this stops at the hint's end.
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * What armor's block-field-suggestions leaves: its pattern misses the enum-value wording of
 * validation, and it sees only validation, while variables are checked when execution starts
 * (`Field "emial" is not defined by type "RegisterInput". Did you mean "email"?`).
 */
function useNoSuggestions(): Plugin {
  const strip = (errors: readonly Error[] | undefined) => {
    for (const error of errors ?? []) {
      const message = error.message.replace(SUGGESTION, '');
      if (message !== error.message) error.message = message;
    }
  };
  const stripResult = (result: unknown) => strip((result as ExecutionResult | undefined)?.errors);
  return {
    onValidate: () => ({ result }) => strip(result),
    onExecute: () => ({ onExecuteDone: ({ result }) => stripResult(result) }),
    onSubscribe: () => ({ onSubscribeResult: ({ result }) => stripResult(result) }),
  };
}
