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
 * - A `first` given in a variable counts as its value too. A validation rule cannot see variables
 *   (the verdict is cached per document), so once the variables are known, at execution, the
 *   same cost rule measures the operation again with them written in (`useVariableCost`): the
 *   literal and the variable form of one query cost the same.
 * - `__schema` is not measured (`ignoreIntrospection`): the introspection query codegen and
 *   GraphiQL send nests 15 levels deep. What guards it instead is graphql-js's own
 *   MaxIntrospectionDepthRule (part of specifiedRules in graphql 16.9+), which refuses the exponential
 *   `types { fields { type { fields … } } }` shapes; the token and alias limits still apply.
 *   `__type` is measured like any field.
 */
import {
  GraphQLError,
  Kind,
  validate,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type ExecutionResult,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { costLimitPlugin, costLimitRule, type CostLimitOptions } from '@escape.tech/graphql-armor-cost-limit';
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
  const cost: CostLimitOptions = {
    maxCost: limits.maxCost,
    objectCost: 2,
    scalarCost: 1,
    depthCostFactor: 1,
    flattenFragments: true,
    ignoreIntrospection: true,
  };

  return [
    maxTokensPlugin({ n: limits.maxTokens, ...quiet }),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, ...quiet }),
    maxAliasesPlugin({ n: limits.maxAliases, ...quiet }),
    maxDirectivesPlugin({ n: limits.maxDirectives, ...quiet }),
    costLimitPlugin({ ...cost, ...quiet }),
    useVariableCost(cost),
    ...(opts.fieldSuggestions ? [] : [blockFieldSuggestionsPlugin({ mask: '' }), useNoSuggestions()]),
  ] as Plugin[];
}

/** The arguments armor's cost rule multiplies by (a page size). */
const LIST_SIZE_ARGS = new Set(['first', 'last']);
/** GraphQL Int's largest value: anything above is refused by coercion anyway, and must not slip through as 1. */
const MAX_INT = 2 ** 31 - 1;

/**
 * Whether any list-size argument of the document takes a variable. Known per document (yoga's
 * parse cache hands repeated requests the same DocumentNode), so the common query without one
 * costs a WeakMap lookup instead of a walk of the whole document on every request.
 */
const listSizeVariables = new WeakMap<DocumentNode, boolean>();
function usesListSizeVariables(document: DocumentNode): boolean {
  let uses = listSizeVariables.get(document);
  if (uses === undefined) {
    uses = false;
    visit(document, {
      Argument(node: ArgumentNode) {
        if (LIST_SIZE_ARGS.has(node.name.value) && node.value.kind === Kind.VARIABLE) uses = true;
      },
    });
    listSizeVariables.set(document, uses);
  }
  return uses;
}

/**
 * The executed operation (with the fragments) where every list-size argument given by a variable
 * holds the variable's value (or its default) as a literal; undefined when none is a variable.
 */
export function withListSizesInlined(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined): DocumentNode | undefined {
  if (!usesListSizeVariables(document)) return undefined;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return undefined;
  const defaults = new Map((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, v.defaultValue]));
  const valueOf = (name: string): ValueNode | undefined => {
    const given = variables?.[name];
    if (typeof given === 'number' && Number.isFinite(given)) return { kind: Kind.INT, value: String(Math.min(Math.trunc(given), MAX_INT)) };
    if (given === undefined && defaults.get(name)?.kind === Kind.INT) return defaults.get(name);
    return undefined;
  };
  let changed = false;
  const single: DocumentNode = { ...document, definitions: document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation) };
  const inlined = visit(single, {
    Argument(node: ArgumentNode) {
      if (!LIST_SIZE_ARGS.has(node.name.value) || node.value.kind !== Kind.VARIABLE) return undefined;
      const value = valueOf(node.value.name.value);
      if (!value) return undefined;
      changed = true;
      return { ...node, value };
    },
  });
  return changed ? inlined : undefined;
}

/**
 * The cost limit again at execution, with list sizes from variables: `auditLogs(first: $n)` fifteen
 * times over must cost what `auditLogs(first: 100)` fifteen times costs. Same rule, same answer.
 */
function useVariableCost(cost: CostLimitOptions): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const document = withListSizesInlined(args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined);
      if (!document) return;
      let over = false;
      validate(args.schema, document, [costLimitRule({ ...cost, exposeLimits: false, propagateOnRejection: false, onReject: [() => (over = true)] })]);
      if (over) {
        // 400 like the same refusal in validation; yoga keeps `http` out of the response body.
        setResultAndStopExecution({ errors: [new GraphQLError(TOO_COMPLEX_MESSAGE, { extensions: { code: QUERY_TOO_COMPLEX, http: { status: 400 } } })] });
      }
    },
  };
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
