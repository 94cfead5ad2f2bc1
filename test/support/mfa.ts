// Operations and helpers for MFA tests.
import { graphql } from '../gql';
import type { TestApp } from './app';
import { codeFor } from './totp';
import { signUp } from './users';

export const EnrollMfa = graphql(`
  mutation EnrollMfa {
    enrollMfa {
      __typename
      ... on MfaEnrollment { secret otpauthUri qrCodeSvg }
      ... on Error { code message }
    }
  }
`);

export const ConfirmMfa = graphql(`
  mutation ConfirmMfa($input: MfaCodeInput!) {
    confirmMfa(input: $input) {
      __typename
      ... on MfaEnabled { backupCodes }
      ... on Error { code message }
    }
  }
`);

export const VerifyMfaLogin = graphql(`
  mutation VerifyMfaLogin($input: VerifyMfaLoginInput!) {
    verifyMfaLogin(input: $input) {
      __typename
      ... on AuthPayload { accessToken refreshToken trustedDeviceToken session { id mfaVerified assuranceLevel authenticatedAt } user { id mfaEnabled } }
      ... on AccountLockedError { lockedUntil }
      ... on Error { code message }
    }
  }
`);

export const LoginMfa = graphql(`
  mutation LoginMfa($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on AuthPayload { accessToken refreshToken session { id mfaVerified } }
      ... on MfaChallenge { challengeToken methods expiresAt }
      ... on Error { code message }
    }
  }
`);

export const MfaStatus = graphql(`
  query MfaStatus {
    mfaStatus {
      enabled
      pendingEnrollment
      methods
      backupCodesRemaining
      trustedDevices { id createdAt lastUsedAt expiresAt ipAddress device { browser os type } }
    }
  }
`);

/** Signs a user up and switches MFA on; the clock moves one step so the next code is fresh. */
export async function signUpWithMfa(app: TestApp) {
  const user = await signUp(app);
  const enrolled = await app.gql(EnrollMfa, undefined, { token: user.accessToken });
  if (enrolled.data.enrollMfa.__typename !== 'MfaEnrollment') throw new Error(`enrol failed: ${JSON.stringify(enrolled)}`);
  const { secret } = enrolled.data.enrollMfa;
  const confirmed = await app.gql(ConfirmMfa, { input: { code: codeFor(secret, app.clock.now()) } }, { token: user.accessToken });
  if (confirmed.data.confirmMfa.__typename !== 'MfaEnabled') throw new Error(`confirm failed: ${JSON.stringify(confirmed)}`);
  app.clock.advance(30);
  return { ...user, secret, backupCodes: confirmed.data.confirmMfa.backupCodes };
}

/** Password, then the current TOTP code; moves the clock one step afterwards. */
export async function signInWithMfa(app: TestApp, email: string, password: string, secret: string, opts: { trustDevice?: boolean } = {}) {
  const login = await app.gql(LoginMfa, { input: { email, password } });
  if (login.data.login.__typename !== 'MfaChallenge') throw new Error(`expected a challenge: ${JSON.stringify(login)}`);
  const res = await app.gql(VerifyMfaLogin, {
    input: { challengeToken: login.data.login.challengeToken, code: codeFor(secret, app.clock.now()), trustDevice: opts.trustDevice ?? false },
  });
  if (res.data.verifyMfaLogin.__typename !== 'AuthPayload') throw new Error(`verify failed: ${JSON.stringify(res)}`);
  app.clock.advance(30);
  return res.data.verifyMfaLogin;
}
