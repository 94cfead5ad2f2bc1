/**
 * Threat: text that is not valid Unicode. JSON lets a client send a lone UTF-16 surrogate
 * (`"\ud800"`); JavaScript strings hold it, but PostgreSQL and most encoders do not: one became a
 * 500 (an API key name), another a silently rewritten value (U+FFFD in an e-mail address).
 *
 * Checked once for every operation rather than field by field, so a new field cannot forget it:
 * every string in the variables (keys too: the JSON scalar takes objects) and every string literal
 * in the document, before anything runs. The answer is BAD_USER_INPUT naming the input field.
 * The walk is iterative: a deeply nested variable cannot overflow the stack.
 */
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** With the `u` flag, \p{Cs} matches only unpaired surrogates (a pair is one astral code point). */
const LONE_SURROGATE = /\p{Cs}/u;
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The name of the innermost input field holding invalid text, '' when unnamed; undefined when all is valid. */
export function invalidTextIn(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [current, name] = stack.pop()!;
    if (typeof current === 'string') {
      if (LONE_SURROGATE.test(current)) return name;
    } else if (Array.isArray(current)) {
      for (const item of current) stack.push([item, name]);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (LONE_SURROGATE.test(key)) return name;
        stack.push([item, NAME.test(key) ? key : '']);
      }
    }
  }
  return undefined;
}

/**
 * Per document, not per request: yoga's parse cache hands every request with the same text the
 * same DocumentNode, so a repeated query walks its literals once (a walk per request cost ~1% of
 * an authenticated request's CPU). null: no invalid literal.
 */
const literalVerdicts = new WeakMap<DocumentNode, string | null>();

function invalidLiteralIn(document: DocumentNode): string | undefined {
  let verdict = literalVerdicts.get(document);
  if (verdict === undefined) {
    verdict = scanLiterals(document) ?? null;
    literalVerdicts.set(document, verdict);
  }
  return verdict ?? undefined;
}

function scanLiterals(document: DocumentNode): string | undefined {
  let found: string | undefined;
  visit(document, {
    ObjectField: (node) => {
      if (found === undefined && node.value.kind === 'StringValue' && LONE_SURROGATE.test(node.value.value)) found = node.name.value;
    },
    Argument: (node) => {
      if (found === undefined && node.value.kind === 'StringValue' && LONE_SURROGATE.test(node.value.value)) found = node.name.value;
    },
    StringValue: (node) => {
      if (found === undefined && LONE_SURROGATE.test(node.value)) found = '';
    },
  });
  return found;
}

const invalidText = (field: string) =>
  new GraphQLError('Text inputs must be valid Unicode: this one contains an unpaired surrogate.', {
    extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) },
  });

export function useValidUnicode(): Plugin {
  const check = (args: { document: DocumentNode; variableValues?: unknown }) => {
    const field = invalidTextIn(args.variableValues ?? null) ?? invalidLiteralIn(args.document);
    return field === undefined ? undefined : { errors: [invalidText(field)] };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = check(args);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = check(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
