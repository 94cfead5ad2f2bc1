/**
 * Threat: one request that aliases a credential-checking mutation many times
 * (`a: login(...) b: login(...) ...`) multiplies password or MFA-code guesses past per-request
 * limits. This validation rule refuses such a document before any resolver runs.
 */
import { GraphQLError, Kind, type ASTVisitor, type FieldNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';

export const ONCE_PER_DOCUMENT_FIELDS = ['login', 'verifyMfaLogin', 'rotateRefresh', 'resetPassword', 'verifyEmail'] as const;

/** Each of `fields` may be selected at most once at the root of any one mutation operation. */
export function oncePerDocumentRule(fields: readonly string[]): ValidationRule {
  const limited = new Set(fields);
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      if (operation.operation !== 'mutation') return;
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
