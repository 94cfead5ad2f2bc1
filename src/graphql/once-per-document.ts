/**
 * Threat: one request that aliases a credential-checking or argon2-running mutation many times
 * (`a: login(...) b: login(...) ...`, fifteen `changePassword`s) multiplies password or MFA-code
 * guesses past per-request limits, and argon2 work past what one request should cost. This
 * validation rule refuses such a document before any resolver runs.
 *
 * Which fields: each declares it where it is defined (`...oncePerDocument()` beside its guard and
 * rate limit), and the rule reads the declarations from the schema, so a field cannot be added to
 * the schema and forgotten in a list kept somewhere else. Every field that hashes or verifies a
 * password, checks an MFA or backup code, or spends a token must declare it.
 */
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  type ASTVisitor,
  type FieldNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

const EXTENSION = 'oncePerDocument';

/** Spread into a field's options: the field may appear at most once per operation. */
export const oncePerDocument = () => ({ extensions: { [EXTENSION]: true } }) as const;

const NONE: ReadonlySet<string> = new Set();
const declared = new WeakMap<GraphQLSchema, Map<OperationTypeNode, ReadonlySet<string>>>();

/** The root fields of `operation` (mutations by default) that declared oncePerDocument, sorted. */
export function oncePerDocumentFields(schema: GraphQLSchema, operation: OperationTypeNode = OperationTypeNode.MUTATION): string[] {
  const fields = schema.getRootType(operation)?.getFields() ?? {};
  return Object.values(fields)
    .filter((field) => field.extensions?.[EXTENSION] === true)
    .map((field) => field.name)
    .sort();
}

function declaredIn(schema: GraphQLSchema, operation: OperationTypeNode): ReadonlySet<string> {
  let byOperation = declared.get(schema);
  if (!byOperation) declared.set(schema, (byOperation = new Map()));
  let names = byOperation.get(operation);
  if (!names) byOperation.set(operation, (names = new Set(oncePerDocumentFields(schema, operation))));
  return names;
}

/**
 * Each limited field may be selected at most once at the root of any one operation: by default
 * the fields the schema declares, or the mutations named in `fields`.
 */
export function oncePerDocumentRule(fields?: readonly string[]): ValidationRule {
  const given = fields ? new Set(fields) : undefined;
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      // A list given by the caller names mutations; declarations are per root type.
      const limited = given ? (operation.operation === OperationTypeNode.MUTATION ? given : NONE) : declaredIn(context.getSchema(), operation.operation);
      const occurrences = new Map<string, FieldNode[]>();
      // A fragment spread twice executes once (graphql-js collects each fragment once); this also stops cycles.
      const visitedFragments = new Set<string>();
      const collect = (selectionSet: SelectionSetNode) => {
        for (const selection of selectionSet.selections) {
          if (selection.kind === Kind.FIELD) {
            const name = selection.name.value;
            if (limited.has(name)) occurrences.set(name, [...(occurrences.get(name) ?? []), selection]);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            collect(selection.selectionSet);
          } else {
            const name = selection.name.value;
            if (visitedFragments.has(name)) continue;
            visitedFragments.add(name);
            const fragment = context.getFragment(name);
            if (fragment) collect(fragment.selectionSet);
          }
        }
      };
      collect(operation.selectionSet);
      for (const [name, nodes] of occurrences) {
        if (nodes.length < 2) continue;
        context.reportError(
          new GraphQLError(`"${name}" may appear at most once per request.`, { nodes, extensions: { code: 'BAD_USER_INPUT' } }),
        );
      }
    },
  });
}
