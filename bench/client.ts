/** Setting up users, sessions and API keys over HTTP, as a client of the API would. */
import { randomBytes } from 'node:crypto';
import { CREATE_API_KEY_MUTATION, GRAPHQL_HEADERS, LOGIN_MUTATION, ME_QUERY, REGISTER_MUTATION, SESSIONS_QUERY, type HttpRequest } from './load';

export interface Credentials {
  email: string;
  password: string;
}
export interface NewUser extends Credentials {
  displayName: string;
}
export interface Tokens {
  userId?: string;
  accessToken: string;
  refreshToken: string;
}

interface AuthAnswer {
  __typename: string;
  accessToken?: string;
  refreshToken?: string | null;
  user?: { id?: string };
  code?: string;
  message?: string;
}

export async function gql(base: string, query: string, variables: Record<string, unknown> = {}, bearer?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { ...GRAPHQL_HEADERS, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
  if (!res.ok || json.errors?.length || !json.data) throw new Error(`GraphQL ${res.status}: ${JSON.stringify(json.errors ?? json).slice(0, 500)}`);
  return json.data;
}

async function authCall(base: string, field: 'register' | 'login', query: string, input: Record<string, unknown>): Promise<Tokens> {
  const answer = (await gql(base, query, { input }))[field] as AuthAnswer;
  if (answer.__typename !== 'AuthPayload' || !answer.accessToken || !answer.refreshToken) {
    throw new Error(`${field} failed: ${answer.__typename} ${answer.code ?? ''} ${answer.message ?? ''}`);
  }
  return { userId: answer.user?.id, accessToken: answer.accessToken, refreshToken: answer.refreshToken };
}

export const register = (base: string, user: NewUser) => authCall(base, 'register', REGISTER_MUTATION, { ...user });
export const login = (base: string, user: Credentials) => authCall(base, 'login', LOGIN_MUTATION, { email: user.email, password: user.password });

/** A fresh user; the password is random, as the policy refuses words of the user's own e-mail and name. */
export function userFactory(tag: string): (kind: string) => NewUser {
  let seq = 0;
  return (kind) => {
    const n = seq++;
    return { email: `bench-${tag}-${kind}-${n}@example.com`, password: randomBytes(12).toString('base64url'), displayName: `Bench ${kind} ${n}` };
  };
}

export async function createApiKey(base: string, accessToken: string, input: { name: string; scopes: string[]; rateLimitPerMinute?: number }) {
  const answer = (await gql(base, CREATE_API_KEY_MUTATION, { input }, accessToken)).createApiKey as {
    __typename: string;
    secret?: string;
    apiKey?: { id: string };
    code?: string;
  };
  if (answer.__typename !== 'CreateApiKeyPayload' || !answer.secret || !answer.apiKey) throw new Error(`createApiKey failed: ${answer.__typename} ${answer.code ?? ''}`);
  return { id: answer.apiKey.id, secret: answer.secret };
}

/** Our requests, as autocannon sends them. */
export const ours = {
  me: (bearer: string): HttpRequest => graphqlPost(ME_QUERY, {}, bearer),
  sessions: (bearer: string): HttpRequest => graphqlPost(SESSIONS_QUERY, {}, bearer),
  login: (user: Credentials): HttpRequest => graphqlPost(LOGIN_MUTATION, { input: { email: user.email, password: user.password } }),
};

function graphqlPost(query: string, variables: Record<string, unknown>, bearer?: string): HttpRequest {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { ...GRAPHQL_HEADERS, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(Object.keys(variables).length > 0 ? { query, variables } : { query }),
  };
}
