// The operations the tests send, typed by codegen (test/gql). `npm run codegen` after edits.
import { graphql } from '../gql';

export const Register = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      __typename
      ... on AuthPayload {
        accessToken
        accessTokenExpiresAt
        refreshToken
        refreshTokenExpiresAt
        session { id current }
        user { id email displayName roles scopes emailVerified mfaEnabled }
      }
      ... on WeakPasswordError { reasons }
      ... on Error { code message }
    }
  }
`);

export const Login = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on AuthPayload {
        accessToken
        accessTokenExpiresAt
        refreshToken
        refreshTokenExpiresAt
        session { id current expiresAt mfaVerified device { browser os type } }
        user { id email }
      }
      ... on Error { code message }
    }
  }
`);

export const Rotate = graphql(`
  mutation Rotate($input: RotateRefreshInput) {
    rotateRefresh(input: $input) {
      __typename
      ... on AuthPayload {
        accessToken
        refreshToken
        refreshTokenExpiresAt
        session { id current lastActiveAt expiresAt }
      }
      ... on Error { code message }
    }
  }
`);

export const Me = graphql(`
  query Me {
    me { id email displayName roles scopes emailVerified createdAt }
  }
`);

export const Sessions = graphql(`
  query Sessions {
    sessions { id createdAt lastActiveAt expiresAt ipAddress userAgent current mfaVerified device { browser os type } }
  }
`);

export const RevokeSession = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id) {
      __typename
      ... on RevokeSessionSuccess { sessionId }
      ... on Error { code message }
    }
  }
`);

export const RevokeOthers = graphql(`
  mutation RevokeOthers {
    revokeOtherSessions
  }
`);

export const RevokeAll = graphql(`
  mutation RevokeAll {
    revokeAllSessions
  }
`);

export const Logout = graphql(`
  mutation Logout {
    logout
  }
`);
