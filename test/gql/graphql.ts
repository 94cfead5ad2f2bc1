/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AlertSeverity =
  | 'CRITICAL'
  | 'HIGH'
  | 'LOW'
  | 'MEDIUM';

/** What happened, in the past tense. */
export type AuditAction =
  | 'ACCOUNT_LOCKED'
  | 'ACCOUNT_UNLOCKED'
  | 'API_KEY_CREATED'
  | 'API_KEY_REVOKED'
  | 'API_KEY_ROTATED'
  | 'API_KEY_USE_DENIED'
  | 'BACKUP_CODES_REGENERATED'
  | 'BACKUP_CODE_USED'
  | 'EMAIL_CHANGED'
  | 'EMAIL_CHANGE_REQUESTED'
  | 'EMAIL_VERIFIED'
  | 'LOGIN_FAILED'
  | 'LOGIN_SUCCEEDED'
  | 'MFA_CODE_FAILED'
  | 'MFA_DISABLED'
  | 'MFA_ENABLED'
  | 'MFA_ENROLLMENT_STARTED'
  | 'PASSWORD_CHANGED'
  | 'PASSWORD_RESET'
  | 'PASSWORD_RESET_REQUESTED'
  | 'PROFILE_UPDATED'
  | 'REAUTHENTICATED'
  | 'REFRESH_TOKEN_REUSED'
  | 'ROLES_CHANGED'
  | 'SESSION_REVOKED'
  | 'SIGNING_KEY_ROTATED'
  | 'TRUSTED_DEVICE_ADDED'
  | 'TRUSTED_DEVICE_REVOKED'
  | 'USER_REGISTERED'
  | 'WEBHOOK_CREATED'
  | 'WEBHOOK_DELETED';

export type AuditChainProblem =
  /** The entry’s content no longer matches its hash. */
  | 'ALTERED'
  /** An entry was removed. */
  | 'MISSING'
  /** Entries were reordered or replaced. */
  | 'OUT_OF_ORDER';

export type AuditLogFilter = {
  /** Only these actions. */
  actions?: Array<AuditAction> | null | undefined;
  /** Only events at or after this time. */
  from?: string | null | undefined;
  /** Only events from this exact client address. */
  ipAddress?: string | null | undefined;
  /** Only successes (true) or only failures (false). */
  success?: boolean | null | undefined;
  /** Only events at or before this time. */
  to?: string | null | undefined;
  /** Someone else’s id needs audit:read:all. */
  userId?: string | number | null | undefined;
};

export type ChangeEmailInput = {
  newEmail: string;
};

export type ChangePasswordInput = {
  currentPassword: string;
  newPassword: string;
};

export type CreateApiKeyInput = {
  /** IPv4/IPv6 addresses or CIDR ranges. */
  allowedIps?: Array<string> | null | undefined;
  /** After this the key stops working (API_KEY_EXPIRED). Absent: it never expires. */
  expiresAt?: string | null | undefined;
  /** Yours to recognise it by: 1 to 100 characters, trimmed, no control characters. */
  name: string;
  /** Requests a minute the key may make (1 to 1,000,000); over it: RATE_LIMITED. Absent: no per-key limit. */
  rateLimitPerMinute?: number | null | undefined;
  /** A subset of your own scopes. Admin scopes need a recent sign-in. */
  scopes: Array<string>;
};

export type CreateWebhookInput = {
  /** At most 200 characters. */
  description?: string | null | undefined;
  /** https:// to a public address. The host is resolved again at every delivery and a non-public address is refused then too. Redirects are not followed. (Loopback and private receivers, and http:// to them, only with WEBHOOK_ALLOW_PRIVATE=1, for development.) */
  url: string;
};

export type DisableMfaInput = {
  code: string;
  password: string;
};

/** Stable, machine-readable codes of expected failures. Branch on these, not on messages. */
export type ErrorCode =
  | 'ACCOUNT_LOCKED'
  | 'EMAIL_TAKEN'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_MFA_CODE'
  | 'INVALID_REFRESH_TOKEN'
  | 'INVALID_SCOPE'
  | 'INVALID_TOKEN'
  | 'INVALID_WEBHOOK_URL'
  | 'MFA_ALREADY_ENABLED'
  | 'MFA_CHALLENGE_EXPIRED'
  | 'MFA_NOT_ENABLED'
  | 'NOT_FOUND'
  | 'REAUTH_REQUIRED'
  | 'REFRESH_TOKEN_REUSED'
  | 'WEAK_PASSWORD';

export type LoginInput = {
  email: string;
  password: string;
  /** From an earlier verifyMfaLogin(trustDevice: true). */
  trustedDeviceToken?: string | null | undefined;
  /** Put the refresh token in an HttpOnly cookie instead of the body. */
  useCookies?: boolean | null | undefined;
};

export type MfaCodeInput = {
  /** A current TOTP code (or a backup code where accepted). */
  code: string;
};

export type MfaMethod =
  | 'BACKUP_CODE'
  | 'TOTP';

export type ReauthenticateInput = {
  /** Required when MFA is on: a TOTP or backup code. */
  code?: string | null | undefined;
  password: string;
  useCookies?: boolean | null | undefined;
};

export type RegisterInput = {
  displayName?: string | null | undefined;
  email: string;
  /** Any characters; at least the policy minimum, at most 1,024. */
  password: string;
  /** Put the refresh token in an HttpOnly cookie instead of the body. */
  useCookies?: boolean | null | undefined;
};

export type RequestPasswordResetInput = {
  email: string;
};

export type ResetPasswordInput = {
  /** Checked against the password policy, including the last passwords of the account. */
  newPassword: string;
  /** The `token` parameter of the link in the mail. */
  token: string;
};

export type Role =
  /** Manages users and reads everything security-related. */
  | 'ADMIN'
  /** A signed-up person. */
  | 'USER';

export type RotateApiKeyInput = {
  /** How long the old secret keeps working (default 0, at most 7 days). */
  gracePeriodSeconds?: number | null | undefined;
  /** The key to rotate. */
  id: string | number;
};

export type RotateRefreshInput = {
  /** Omit in cookie mode (then the `x-graphql-csrf` header is required). */
  refreshToken?: string | null | undefined;
  /** Answer in cookie mode (the new refresh token in the cookie, null in the body). Defaults to true when the token comes from the cookie; `false` with a token from the cookie is refused (BAD_USER_INPUT, nothing spent): a token read from the cookie is never returned in a body. */
  useCookies?: boolean | null | undefined;
};

export type SecurityAlertFilter = {
  /** Only this severity and above. */
  minSeverity?: AlertSeverity | null | undefined;
  types?: Array<SecurityAlertType> | null | undefined;
};

export type SecurityAlertType =
  | 'ACCOUNT_LOCKED'
  | 'ACCOUNT_UNLOCKED'
  | 'ADMIN_ROLE_GRANTED'
  | 'API_KEY_IP_DENIED'
  | 'AUDIT_CHAIN_BROKEN'
  | 'BACKUP_CODE_USED'
  | 'EMAIL_CHANGED'
  | 'FAILED_LOGIN_BURST'
  | 'MFA_DISABLED'
  | 'NEW_DEVICE_LOGIN'
  | 'PRIVILEGED_API_KEY_CREATED'
  | 'REFRESH_TOKEN_REUSE';

export type SetUserRolesInput = {
  /** USER is always kept. Removing the last ADMIN is refused. */
  roles: Array<Role>;
  userId: string | number;
};

export type UpdateProfileInput = {
  /** Trimmed; blank clears it. At most 100 characters, without control or text-direction characters (else BAD_USER_INPUT). */
  displayName: string;
};

export type VerifyEmailInput = {
  /** The `token` parameter of the link in the mail. */
  token: string;
};

export type VerifyMfaLoginInput = {
  challengeToken: string;
  /** A TOTP code or a backup code. */
  code: string;
  /** Return a trustedDeviceToken that skips this step at later logins. */
  trustDevice?: boolean | null | undefined;
  useCookies?: boolean | null | undefined;
};

export type WebhookDeliveryStatus =
  /** The receiver answered 2xx. */
  | 'DELIVERED'
  /** Out of attempts, or the webhook was deleted. */
  | 'FAILED'
  /** Waiting for its next attempt (nextAttemptAt). */
  | 'PENDING';

export type KeysCreateMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type KeysCreateMutation = { createApiKey:
    | { __typename: 'CreateApiKeyPayload', secret: string, apiKey: { id: string, name: string, prefix: string, lastFour: string, scopes: Array<string>, allowedIps: Array<string>, rateLimitPerMinute: number | null, createdAt: string, expiresAt: string | null, lastUsedAt: string | null, lastUsedIp: string | null, useCount: number, revokedAt: string | null } }
    | { __typename: 'InvalidScopeError', invalidScopes: Array<string>, code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type KeysListQueryVariables = Exact<{ [key: string]: never; }>;


export type KeysListQuery = { apiKeys: Array<{ id: string, name: string, prefix: string, lastFour: string, scopes: Array<string>, allowedIps: Array<string>, rateLimitPerMinute: number | null, createdAt: string, expiresAt: string | null, lastUsedAt: string | null, lastUsedIp: string | null, useCount: number, revokedAt: string | null }> };

export type KeysRotateMutationVariables = Exact<{
  input: RotateApiKeyInput;
}>;


export type KeysRotateMutation = { rotateApiKey:
    | { __typename: 'CreateApiKeyPayload', secret: string, apiKey: { id: string, prefix: string, lastFour: string, scopes: Array<string>, revokedAt: string | null } }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
   };

export type KeysRevokeMutationVariables = Exact<{
  id: string | number;
}>;


export type KeysRevokeMutation = { revokeApiKey:
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RevokeApiKeySuccess', apiKey: { id: string, revokedAt: string | null } }
   };

export type KeysMeQueryVariables = Exact<{ [key: string]: never; }>;


export type KeysMeQuery = { me: { id: string, email: string, roles: Array<Role>, scopes: Array<string> } | null };

export type KeysAuditLogsQueryVariables = Exact<{
  filter?: AuditLogFilter | null | undefined;
  first?: number | null | undefined;
}>;


export type KeysAuditLogsQuery = { auditLogs: { edges: Array<{ node: { action: AuditAction, success: boolean, userId: string | null, actorUserId: string | null, apiKeyId: string | null, sessionId: string | null, ipAddress: string | null, details: unknown } }> } };

export type KeysOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type KeysOverviewQuery = { securityOverview: { activeSessions: number } };

export type KeysSetRolesMutationVariables = Exact<{
  input: SetUserRolesInput;
}>;


export type KeysSetRolesMutation = { setUserRoles:
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'SetUserRolesSuccess', user: { id: string, roles: Array<Role> } }
   };

export type KeysSessionsQueryVariables = Exact<{ [key: string]: never; }>;


export type KeysSessionsQuery = { sessions: Array<{ id: string, current: boolean }> };

export type KeysRevokeAllMutationVariables = Exact<{ [key: string]: never; }>;


export type KeysRevokeAllMutation = { revokeAllSessions: number };

export type KeysChangePasswordMutationVariables = Exact<{
  input: ChangePasswordInput;
}>;


export type KeysChangePasswordMutation = { changePassword:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'ChangePasswordSuccess' }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
    | { __typename: 'WeakPasswordError', code: ErrorCode, message: string }
   };

export type KeysEnrollMfaMutationVariables = Exact<{ [key: string]: never; }>;


export type KeysEnrollMfaMutation = { enrollMfa:
    | { __typename: 'MfaAlreadyEnabledError', code: ErrorCode, message: string }
    | { __typename: 'MfaEnrollment', secret: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type KeysLogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type KeysLogoutMutation = { logout: boolean };

export type KeysAlertsSubscriptionVariables = Exact<{
  filter?: SecurityAlertFilter | null | undefined;
}>;


export type KeysAlertsSubscription = { securityAlerts: { id: string, type: SecurityAlertType, severity: AlertSeverity, userId: string | null, ipAddress: string | null, details: unknown } };

export type AuditPageQueryVariables = Exact<{
  filter?: AuditLogFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AuditPageQuery = { auditLogs: { edges: Array<{ cursor: string, node: { id: string, occurredAt: string, action: AuditAction, success: boolean, actorUserId: string | null, userId: string | null, ipAddress: string | null, userAgent: string | null, sessionId: string | null, apiKeyId: string | null, details: unknown } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type AuditVerifyChainQueryVariables = Exact<{ [key: string]: never; }>;


export type AuditVerifyChainQuery = { verifyAuditChain: { valid: boolean, entriesChecked: number, firstBrokenPosition: string | null, firstBrokenId: string | null, problem: AuditChainProblem | null, checkedAt: string } };

export type AuditSecurityOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type AuditSecurityOverviewQuery = { securityOverview: { failedLoginsLastHour: number, failedLoginsLastDay: number, activeLockouts: number, activeSessions: number, users: number, mfaAdoptionRate: number } };

export type AuditReauthenticateMutationVariables = Exact<{
  input: ReauthenticateInput;
}>;


export type AuditReauthenticateMutation = { reauthenticate:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'AuthPayload', accessToken: string, refreshToken: string | null, session: { id: string } }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
   };

export type AuditChangePasswordMutationVariables = Exact<{
  input: ChangePasswordInput;
}>;


export type AuditChangePasswordMutation = { changePassword:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'ChangePasswordSuccess', sessionsEnded: number, trustedDevicesRevoked: number }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
    | { __typename: 'WeakPasswordError', code: ErrorCode, message: string }
   };

export type AuditDisableMfaMutationVariables = Exact<{
  input: DisableMfaInput;
}>;


export type AuditDisableMfaMutation = { disableMfa:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
    | { __typename: 'MfaDisabled', trustedDevicesRevoked: number }
    | { __typename: 'MfaNotEnabledError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type AuditRegenerateBackupCodesMutationVariables = Exact<{
  input: MfaCodeInput;
}>;


export type AuditRegenerateBackupCodesMutation = { regenerateBackupCodes:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'BackupCodesRegenerated', backupCodes: Array<string> }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
    | { __typename: 'MfaNotEnabledError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type AuditRevokeTrustedDeviceMutationVariables = Exact<{
  id: string | number;
}>;


export type AuditRevokeTrustedDeviceMutation = { revokeTrustedDevice:
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RevokeTrustedDeviceSuccess', trustedDeviceId: string }
   };

export type AliasedGuessesMutationVariables = Exact<{
  t: string;
}>;


export type AliasedGuessesMutation = { a:
    | { __typename: 'AccountLockedError' }
    | { __typename: 'AuthPayload' }
    | { __typename: 'InvalidMfaCodeError' }
    | { __typename: 'MfaChallengeExpiredError' }
  , b:
    | { __typename: 'AccountLockedError' }
    | { __typename: 'AuthPayload' }
    | { __typename: 'InvalidMfaCodeError' }
    | { __typename: 'MfaChallengeExpiredError' }
  , c:
    | { __typename: 'AccountLockedError' }
    | { __typename: 'AuthPayload' }
    | { __typename: 'InvalidMfaCodeError' }
    | { __typename: 'MfaChallengeExpiredError' }
   };

export type MgmtMeQueryVariables = Exact<{ [key: string]: never; }>;


export type MgmtMeQuery = { me: { id: string, email: string, roles: Array<Role>, scopes: Array<string>, mfaEnabled: boolean } | null };

export type MgmtRevokeTrustedDeviceMutationVariables = Exact<{
  id: string | number;
}>;


export type MgmtRevokeTrustedDeviceMutation = { revokeTrustedDevice:
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RevokeTrustedDeviceSuccess', trustedDeviceId: string }
   };

export type MgmtChangePasswordMutationVariables = Exact<{
  input: ChangePasswordInput;
}>;


export type MgmtChangePasswordMutation = { changePassword:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'ChangePasswordSuccess', sessionsEnded: number, trustedDevicesRevoked: number }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
    | { __typename: 'WeakPasswordError', reasons: Array<string>, code: ErrorCode, message: string }
   };

export type MgmtDisableMfaMutationVariables = Exact<{
  input: DisableMfaInput;
}>;


export type MgmtDisableMfaMutation = { disableMfa:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
    | { __typename: 'MfaDisabled', trustedDevicesRevoked: number }
    | { __typename: 'MfaNotEnabledError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type MgmtRegenerateBackupCodesMutationVariables = Exact<{
  input: MfaCodeInput;
}>;


export type MgmtRegenerateBackupCodesMutation = { regenerateBackupCodes:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'BackupCodesRegenerated', backupCodes: Array<string> }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
    | { __typename: 'MfaNotEnabledError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type MgmtReauthenticateMutationVariables = Exact<{
  input: ReauthenticateInput;
}>;


export type MgmtReauthenticateMutation = { reauthenticate:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'AuthPayload', accessToken: string, refreshToken: string | null, session: { id: string, mfaVerified: boolean, authenticatedAt: string, current: boolean }, user: { id: string } }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
   };

export type PolicyChangePasswordMutationVariables = Exact<{
  input: ChangePasswordInput;
}>;


export type PolicyChangePasswordMutation = { changePassword:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'ChangePasswordSuccess' }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
    | { __typename: 'WeakPasswordError', reasons: Array<string>, code: ErrorCode, message: string }
   };

export type PolicyRulesQueryVariables = Exact<{ [key: string]: never; }>;


export type PolicyRulesQuery = { passwordPolicy: { minLength: number, minLengthWithMfa: number, maxLength: number, historySize: number, breachCheck: boolean, rules: Array<string> } };

export type UpdateProfileMutationVariables = Exact<{
  input: UpdateProfileInput;
}>;


export type UpdateProfileMutation = { updateProfile: { __typename: 'UpdateProfileSuccess', user: { id: string, displayName: string | null } } };

export type ProfileKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type ProfileKeyMutation = { createApiKey:
    | { __typename: 'CreateApiKeyPayload', secret: string }
    | { __typename: 'InvalidScopeError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type ProfileMeQueryVariables = Exact<{ [key: string]: never; }>;


export type ProfileMeQuery = { me: { id: string, displayName: string | null } | null };

export type RequestPasswordResetMutationVariables = Exact<{
  input: RequestPasswordResetInput;
}>;


export type RequestPasswordResetMutation = { requestPasswordReset: boolean };

export type ResetPasswordMutationVariables = Exact<{
  input: ResetPasswordInput;
}>;


export type ResetPasswordMutation = { resetPassword:
    | { __typename: 'InvalidTokenError', code: ErrorCode, message: string }
    | { __typename: 'ResetPasswordSuccess', sessionsEnded: number, trustedDevicesRevoked: number }
    | { __typename: 'WeakPasswordError', reasons: Array<string>, code: ErrorCode, message: string }
   };

export type RequestEmailVerificationMutationVariables = Exact<{ [key: string]: never; }>;


export type RequestEmailVerificationMutation = { requestEmailVerification: boolean };

export type VerifyEmailMutationVariables = Exact<{
  input: VerifyEmailInput;
}>;


export type VerifyEmailMutation = { verifyEmail:
    | { __typename: 'EmailTakenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidTokenError', code: ErrorCode, message: string }
    | { __typename: 'VerifyEmailSuccess', emailChanged: boolean, sessionsEnded: number, user: { id: string, email: string, emailVerified: boolean } }
   };

export type ChangeEmailMutationVariables = Exact<{
  input: ChangeEmailInput;
}>;


export type ChangeEmailMutation = { changeEmail:
    | { __typename: 'ChangeEmailRequested', newEmail: string, expiresAt: string }
    | { __typename: 'EmailTakenError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type LockedLoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type LockedLoginMutation = { login:
    | { __typename: 'AccountLockedError', lockedUntil: string | null, code: ErrorCode, message: string }
    | { __typename: 'AuthPayload' }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallenge' }
   };

export type RecoveryChangePasswordMutationVariables = Exact<{
  input: ChangePasswordInput;
}>;


export type RecoveryChangePasswordMutation = { changePassword:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'ChangePasswordSuccess' }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
    | { __typename: 'WeakPasswordError', code: ErrorCode, message: string }
   };

export type RolesSetMutationVariables = Exact<{
  input: SetUserRolesInput;
}>;


export type RolesSetMutation = { setUserRoles:
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'SetUserRolesSuccess', user: { id: string, roles: Array<Role> } }
   };

export type RolesOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type RolesOverviewQuery = { securityOverview: { users: number } };

export type WebhookCreateMutationVariables = Exact<{
  input: CreateWebhookInput;
}>;


export type WebhookCreateMutation = { createWebhook:
    | { __typename: 'CreateWebhookPayload', secret: string, webhook: { id: string, url: string, description: string | null, createdAt: string, createdBy: string | null } }
    | { __typename: 'InvalidWebhookUrlError', code: ErrorCode, message: string }
   };

export type WebhookDeleteMutationVariables = Exact<{
  id: string | number;
}>;


export type WebhookDeleteMutation = { deleteWebhook:
    | { __typename: 'DeleteWebhookSuccess', webhookId: string }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
   };

export type WebhookListQueryVariables = Exact<{ [key: string]: never; }>;


export type WebhookListQuery = { webhooks: Array<{ id: string, url: string, description: string | null, createdAt: string, createdBy: string | null }> };

export type WebhookDeliveryLogQueryVariables = Exact<{
  webhookId?: string | number | null | undefined;
  first?: number | null | undefined;
}>;


export type WebhookDeliveryLogQuery = { webhookDeliveries: Array<{ id: string, webhookId: string, alertId: string, status: WebhookDeliveryStatus, attempts: number, lastAttemptAt: string | null, lastStatusCode: number | null, lastError: string | null, nextAttemptAt: string | null, deliveredAt: string | null, createdAt: string, attemptLog: Array<{ attempt: number, attemptedAt: string, statusCode: number | null, error: string | null }> }> };

export type AdminKeyCreateMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type AdminKeyCreateMutation = { createApiKey:
    | { __typename: 'CreateApiKeyPayload', secret: string, apiKey: { scopes: Array<string> } }
    | { __typename: 'InvalidScopeError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type AdminKeyDisableMfaMutationVariables = Exact<{
  input: DisableMfaInput;
}>;


export type AdminKeyDisableMfaMutation = { disableMfa:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
    | { __typename: 'MfaDisabled' }
    | { __typename: 'MfaNotEnabledError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type RecoveryKeyCreateMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type RecoveryKeyCreateMutation = { createApiKey:
    | { __typename: 'CreateApiKeyPayload', secret: string, apiKey: { id: string } }
    | { __typename: 'InvalidScopeError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type RecoveryKeyMeQueryVariables = Exact<{ [key: string]: never; }>;


export type RecoveryKeyMeQuery = { me: { id: string } | null };

export type RecoveryRequestResetMutationVariables = Exact<{
  input: RequestPasswordResetInput;
}>;


export type RecoveryRequestResetMutation = { requestPasswordReset: boolean };

export type RecoveryResetMutationVariables = Exact<{
  input: ResetPasswordInput;
}>;


export type RecoveryResetMutation = { resetPassword:
    | { __typename: 'InvalidTokenError', code: ErrorCode, message: string }
    | { __typename: 'ResetPasswordSuccess', sessionsEnded: number, trustedDevicesRevoked: number, apiKeysRevoked: number }
    | { __typename: 'WeakPasswordError', code: ErrorCode, message: string }
   };

export type RaceLoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type RaceLoginMutation = { login:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'AuthPayload', trustedDeviceToken: string | null }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallenge', challengeToken: string }
   };

export type RaceChangePasswordMutationVariables = Exact<{
  input: ChangePasswordInput;
}>;


export type RaceChangePasswordMutation = { changePassword:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'ChangePasswordSuccess' }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
    | { __typename: 'WeakPasswordError', code: ErrorCode, message: string }
   };

export type RaceDisableMfaMutationVariables = Exact<{
  input: DisableMfaInput;
}>;


export type RaceDisableMfaMutation = { disableMfa:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
    | { __typename: 'MfaDisabled' }
    | { __typename: 'MfaNotEnabledError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type RaceRegenerateMutationVariables = Exact<{
  input: MfaCodeInput;
}>;


export type RaceRegenerateMutation = { regenerateBackupCodes:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'BackupCodesRegenerated' }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
    | { __typename: 'MfaNotEnabledError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type RaceReauthenticateMutationVariables = Exact<{
  input: ReauthenticateInput;
}>;


export type RaceReauthenticateMutation = { reauthenticate:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'AuthPayload', accessToken: string }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
   };

export type RaceRequestResetMutationVariables = Exact<{
  input: RequestPasswordResetInput;
}>;


export type RaceRequestResetMutation = { requestPasswordReset: boolean };

export type RaceVerifyEmailMutationVariables = Exact<{
  input: VerifyEmailInput;
}>;


export type RaceVerifyEmailMutation = { verifyEmail:
    | { __typename: 'EmailTakenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidTokenError', code: ErrorCode, message: string }
    | { __typename: 'VerifyEmailSuccess' }
   };

export type RaceResetPasswordMutationVariables = Exact<{
  input: ResetPasswordInput;
}>;


export type RaceResetPasswordMutation = { resetPassword:
    | { __typename: 'InvalidTokenError', code: ErrorCode, message: string }
    | { __typename: 'ResetPasswordSuccess' }
    | { __typename: 'WeakPasswordError', code: ErrorCode, message: string }
   };

export type RaceUnlockMutationVariables = Exact<{
  id: string | number;
}>;


export type RaceUnlockMutation = { unlockUser:
    | { __typename: 'NotFoundError' }
    | { __typename: 'UnlockUserSuccess' }
   };

export type TamperVerifyChainQueryVariables = Exact<{ [key: string]: never; }>;


export type TamperVerifyChainQuery = { verifyAuditChain: { valid: boolean, entriesChecked: number, firstBrokenPosition: string | null, firstBrokenId: string | null, problem: AuditChainProblem | null } };

export type BadInputRegisterMutationVariables = Exact<{
  input: RegisterInput;
}>;


export type BadInputRegisterMutation = { register:
    | { __typename: 'AuthPayload', user: { id: string, email: string, displayName: string | null } }
    | { __typename: 'EmailTakenError', code: ErrorCode, message: string }
    | { __typename: 'WeakPasswordError', code: ErrorCode, message: string }
   };

export type DisabledKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type DisabledKeyMutation = { createApiKey:
    | { __typename: 'CreateApiKeyPayload', secret: string }
    | { __typename: 'InvalidScopeError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type DisabledResetRequestMutationVariables = Exact<{
  input: RequestPasswordResetInput;
}>;


export type DisabledResetRequestMutation = { requestPasswordReset: boolean };

export type DisabledResetMutationVariables = Exact<{
  input: ResetPasswordInput;
}>;


export type DisabledResetMutation = { resetPassword:
    | { __typename: 'InvalidTokenError', code: ErrorCode, message: string }
    | { __typename: 'ResetPasswordSuccess' }
    | { __typename: 'WeakPasswordError', code: ErrorCode, message: string }
   };

export type LockLoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type LockLoginMutation = { login:
    | { __typename: 'AccountLockedError', lockedUntil: string | null, code: ErrorCode, message: string }
    | { __typename: 'AuthPayload', accessToken: string, user: { id: string } }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallenge', challengeToken: string }
   };

export type UnlockUserMutationVariables = Exact<{
  id: string | number;
}>;


export type UnlockUserMutation = { unlockUser:
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'UnlockUserSuccess', wasLocked: boolean, user: { id: string, email: string } }
   };

export type LockReauthenticateMutationVariables = Exact<{
  input: ReauthenticateInput;
}>;


export type LockReauthenticateMutation = { reauthenticate:
    | { __typename: 'AccountLockedError', lockedUntil: string | null, code: ErrorCode, message: string }
    | { __typename: 'AuthPayload' }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
   };

export type LimitedLoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type LimitedLoginMutation = { login:
    | { __typename: 'AccountLockedError', lockedUntil: string | null, code: ErrorCode, message: string }
    | { __typename: 'AuthPayload' }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallenge' }
   };

export type LimitedReauthenticateMutationVariables = Exact<{
  input: ReauthenticateInput;
}>;


export type LimitedReauthenticateMutation = { reauthenticate:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'AuthPayload' }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
   };

export type DownMeQueryVariables = Exact<{ [key: string]: never; }>;


export type DownMeQuery = { me: { id: string } | null };

export type DurableSetRolesMutationVariables = Exact<{
  input: SetUserRolesInput;
}>;


export type DurableSetRolesMutation = { setUserRoles:
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'SetUserRolesSuccess' }
   };

export type DurableOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type DurableOverviewQuery = { securityOverview: { users: number } };

export type DurableCreateKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type DurableCreateKeyMutation = { createApiKey:
    | { __typename: 'CreateApiKeyPayload', secret: string, apiKey: { id: string } }
    | { __typename: 'InvalidScopeError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type DurableRevokeKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type DurableRevokeKeyMutation = { revokeApiKey:
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RevokeApiKeySuccess' }
   };

export type RollbackChangeEmailMutationVariables = Exact<{
  input: ChangeEmailInput;
}>;


export type RollbackChangeEmailMutation = { changeEmail:
    | { __typename: 'ChangeEmailRequested', newEmail: string }
    | { __typename: 'EmailTakenError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type RollbackVerifyEmailMutationVariables = Exact<{
  input: VerifyEmailInput;
}>;


export type RollbackVerifyEmailMutation = { verifyEmail:
    | { __typename: 'EmailTakenError', code: ErrorCode, message: string }
    | { __typename: 'InvalidTokenError', code: ErrorCode, message: string }
    | { __typename: 'VerifyEmailSuccess', emailChanged: boolean, user: { email: string } }
   };

export type RollbackWebhookMutationVariables = Exact<{
  input: CreateWebhookInput;
}>;


export type RollbackWebhookMutation = { createWebhook:
    | { __typename: 'CreateWebhookPayload', webhook: { id: string } }
    | { __typename: 'InvalidWebhookUrlError', code: ErrorCode, message: string }
   };

export type RollbackChainQueryVariables = Exact<{ [key: string]: never; }>;


export type RollbackChainQuery = { verifyAuditChain: { valid: boolean } };

export type StreamSetRolesMutationVariables = Exact<{
  input: SetUserRolesInput;
}>;


export type StreamSetRolesMutation = { setUserRoles:
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'SetUserRolesSuccess' }
   };

export type UnicodeRegisterMutationVariables = Exact<{
  input: RegisterInput;
}>;


export type UnicodeRegisterMutation = { register:
    | { __typename: 'AuthPayload', accessToken: string, user: { email: string } }
    | { __typename: 'EmailTakenError', code: ErrorCode, message: string }
    | { __typename: 'WeakPasswordError', code: ErrorCode, message: string }
   };

export type UnicodeLoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type UnicodeLoginMutation = { login:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'AuthPayload' }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallenge' }
   };

export type UnicodeKeyCreateMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type UnicodeKeyCreateMutation = { createApiKey:
    | { __typename: 'CreateApiKeyPayload' }
    | { __typename: 'InvalidScopeError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type UnicodeKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type UnicodeKeysQuery = { apiKeys: Array<{ id: string, name: string }> };

export type UnicodeKeyByNameMutationVariables = Exact<{
  name: string;
}>;


export type UnicodeKeyByNameMutation = { createApiKey:
    | { __typename: 'CreateApiKeyPayload' }
    | { __typename: 'InvalidScopeError' }
    | { __typename: 'ReauthRequiredError' }
   };

export type CacheRolesSetMutationVariables = Exact<{
  input: SetUserRolesInput;
}>;


export type CacheRolesSetMutation = { setUserRoles:
    | { __typename: 'NotFoundError' }
    | { __typename: 'SetUserRolesSuccess' }
   };

export type CacheOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type CacheOverviewQuery = { securityOverview: { users: number } };

export type SsrfWebhookCreateMutationVariables = Exact<{
  input: CreateWebhookInput;
}>;


export type SsrfWebhookCreateMutation = { createWebhook:
    | { __typename: 'CreateWebhookPayload', webhook: { id: string, url: string } }
    | { __typename: 'InvalidWebhookUrlError', code: ErrorCode, message: string }
   };

export type EnrollMfaMutationVariables = Exact<{ [key: string]: never; }>;


export type EnrollMfaMutation = { enrollMfa:
    | { __typename: 'MfaAlreadyEnabledError', code: ErrorCode, message: string }
    | { __typename: 'MfaEnrollment', secret: string, otpauthUri: string, qrCodeSvg: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type ConfirmMfaMutationVariables = Exact<{
  input: MfaCodeInput;
}>;


export type ConfirmMfaMutation = { confirmMfa:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
    | { __typename: 'MfaAlreadyEnabledError', code: ErrorCode, message: string }
    | { __typename: 'MfaEnabled', backupCodes: Array<string> }
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'ReauthRequiredError', code: ErrorCode, message: string }
   };

export type VerifyMfaLoginMutationVariables = Exact<{
  input: VerifyMfaLoginInput;
}>;


export type VerifyMfaLoginMutation = { verifyMfaLogin:
    | { __typename: 'AccountLockedError', lockedUntil: string | null, code: ErrorCode, message: string }
    | { __typename: 'AuthPayload', accessToken: string, refreshToken: string | null, trustedDeviceToken: string | null, session: { id: string, mfaVerified: boolean, assuranceLevel: number, authenticatedAt: string }, user: { id: string, mfaEnabled: boolean } }
    | { __typename: 'InvalidMfaCodeError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallengeExpiredError', code: ErrorCode, message: string }
   };

export type LoginMfaMutationVariables = Exact<{
  input: LoginInput;
}>;


export type LoginMfaMutation = { login:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'AuthPayload', accessToken: string, refreshToken: string | null, session: { id: string, mfaVerified: boolean } }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallenge', challengeToken: string, methods: Array<MfaMethod>, expiresAt: string }
   };

export type MfaStatusQueryVariables = Exact<{ [key: string]: never; }>;


export type MfaStatusQuery = { mfaStatus: { enabled: boolean, pendingEnrollment: boolean, methods: Array<MfaMethod>, backupCodesRemaining: number, trustedDevices: Array<{ id: string, createdAt: string, lastUsedAt: string | null, expiresAt: string, ipAddress: string | null, device: { browser: string | null, os: string | null, type: string } }> } };

export type RegisterMutationVariables = Exact<{
  input: RegisterInput;
}>;


export type RegisterMutation = { register:
    | { __typename: 'AuthPayload', accessToken: string, accessTokenExpiresAt: string, refreshToken: string | null, refreshTokenExpiresAt: string, session: { id: string, current: boolean }, user: { id: string, email: string, displayName: string | null, roles: Array<Role>, scopes: Array<string>, emailVerified: boolean, mfaEnabled: boolean } }
    | { __typename: 'EmailTakenError', code: ErrorCode, message: string }
    | { __typename: 'WeakPasswordError', reasons: Array<string>, code: ErrorCode, message: string }
   };

export type LoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type LoginMutation = { login:
    | { __typename: 'AccountLockedError', code: ErrorCode, message: string }
    | { __typename: 'AuthPayload', accessToken: string, accessTokenExpiresAt: string, refreshToken: string | null, refreshTokenExpiresAt: string, session: { id: string, current: boolean, expiresAt: string, mfaVerified: boolean, device: { browser: string | null, os: string | null, type: string } }, user: { id: string, email: string } }
    | { __typename: 'InvalidCredentialsError', code: ErrorCode, message: string }
    | { __typename: 'MfaChallenge' }
   };

export type RotateMutationVariables = Exact<{
  input?: RotateRefreshInput | null | undefined;
}>;


export type RotateMutation = { rotateRefresh:
    | { __typename: 'AuthPayload', accessToken: string, refreshToken: string | null, refreshTokenExpiresAt: string, session: { id: string, current: boolean, lastActiveAt: string, expiresAt: string } }
    | { __typename: 'InvalidRefreshTokenError', code: ErrorCode, message: string }
    | { __typename: 'RefreshTokenReusedError', code: ErrorCode, message: string }
   };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, email: string, displayName: string | null, roles: Array<Role>, scopes: Array<string>, emailVerified: boolean, createdAt: string } | null };

export type SessionsQueryVariables = Exact<{ [key: string]: never; }>;


export type SessionsQuery = { sessions: Array<{ id: string, createdAt: string, lastActiveAt: string, expiresAt: string, ipAddress: string | null, userAgent: string | null, current: boolean, mfaVerified: boolean, device: { browser: string | null, os: string | null, type: string } }> };

export type RevokeSessionMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeSessionMutation = { revokeSession:
    | { __typename: 'NotFoundError', code: ErrorCode, message: string }
    | { __typename: 'RevokeSessionSuccess', sessionId: string }
   };

export type RevokeOthersMutationVariables = Exact<{ [key: string]: never; }>;


export type RevokeOthersMutation = { revokeOtherSessions: number };

export type RevokeAllMutationVariables = Exact<{ [key: string]: never; }>;


export type RevokeAllMutation = { revokeAllSessions: number };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { logout: boolean };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const KeysCreateDocument = new TypedDocumentString(`
    mutation KeysCreate($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on CreateApiKeyPayload {
      secret
      apiKey {
        id
        name
        prefix
        lastFour
        scopes
        allowedIps
        rateLimitPerMinute
        createdAt
        expiresAt
        lastUsedAt
        lastUsedIp
        useCount
        revokedAt
      }
    }
    ... on InvalidScopeError {
      invalidScopes
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<KeysCreateMutation, KeysCreateMutationVariables>;
export const KeysListDocument = new TypedDocumentString(`
    query KeysList {
  apiKeys {
    id
    name
    prefix
    lastFour
    scopes
    allowedIps
    rateLimitPerMinute
    createdAt
    expiresAt
    lastUsedAt
    lastUsedIp
    useCount
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<KeysListQuery, KeysListQueryVariables>;
export const KeysRotateDocument = new TypedDocumentString(`
    mutation KeysRotate($input: RotateApiKeyInput!) {
  rotateApiKey(input: $input) {
    __typename
    ... on CreateApiKeyPayload {
      secret
      apiKey {
        id
        prefix
        lastFour
        scopes
        revokedAt
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<KeysRotateMutation, KeysRotateMutationVariables>;
export const KeysRevokeDocument = new TypedDocumentString(`
    mutation KeysRevoke($id: ID!) {
  revokeApiKey(id: $id) {
    __typename
    ... on RevokeApiKeySuccess {
      apiKey {
        id
        revokedAt
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<KeysRevokeMutation, KeysRevokeMutationVariables>;
export const KeysMeDocument = new TypedDocumentString(`
    query KeysMe {
  me {
    id
    email
    roles
    scopes
  }
}
    `) as unknown as TypedDocumentString<KeysMeQuery, KeysMeQueryVariables>;
export const KeysAuditLogsDocument = new TypedDocumentString(`
    query KeysAuditLogs($filter: AuditLogFilter, $first: Int) {
  auditLogs(filter: $filter, first: $first) {
    edges {
      node {
        action
        success
        userId
        actorUserId
        apiKeyId
        sessionId
        ipAddress
        details
      }
    }
  }
}
    `) as unknown as TypedDocumentString<KeysAuditLogsQuery, KeysAuditLogsQueryVariables>;
export const KeysOverviewDocument = new TypedDocumentString(`
    query KeysOverview {
  securityOverview {
    activeSessions
  }
}
    `) as unknown as TypedDocumentString<KeysOverviewQuery, KeysOverviewQueryVariables>;
export const KeysSetRolesDocument = new TypedDocumentString(`
    mutation KeysSetRoles($input: SetUserRolesInput!) {
  setUserRoles(input: $input) {
    __typename
    ... on SetUserRolesSuccess {
      user {
        id
        roles
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<KeysSetRolesMutation, KeysSetRolesMutationVariables>;
export const KeysSessionsDocument = new TypedDocumentString(`
    query KeysSessions {
  sessions {
    id
    current
  }
}
    `) as unknown as TypedDocumentString<KeysSessionsQuery, KeysSessionsQueryVariables>;
export const KeysRevokeAllDocument = new TypedDocumentString(`
    mutation KeysRevokeAll {
  revokeAllSessions
}
    `) as unknown as TypedDocumentString<KeysRevokeAllMutation, KeysRevokeAllMutationVariables>;
export const KeysChangePasswordDocument = new TypedDocumentString(`
    mutation KeysChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<KeysChangePasswordMutation, KeysChangePasswordMutationVariables>;
export const KeysEnrollMfaDocument = new TypedDocumentString(`
    mutation KeysEnrollMfa {
  enrollMfa {
    __typename
    ... on MfaEnrollment {
      secret
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<KeysEnrollMfaMutation, KeysEnrollMfaMutationVariables>;
export const KeysLogoutDocument = new TypedDocumentString(`
    mutation KeysLogout {
  logout
}
    `) as unknown as TypedDocumentString<KeysLogoutMutation, KeysLogoutMutationVariables>;
export const KeysAlertsDocument = new TypedDocumentString(`
    subscription KeysAlerts($filter: SecurityAlertFilter) {
  securityAlerts(filter: $filter) {
    id
    type
    severity
    userId
    ipAddress
    details
  }
}
    `) as unknown as TypedDocumentString<KeysAlertsSubscription, KeysAlertsSubscriptionVariables>;
export const AuditPageDocument = new TypedDocumentString(`
    query AuditPage($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLogs(filter: $filter, first: $first, after: $after) {
    edges {
      cursor
      node {
        id
        occurredAt
        action
        success
        actorUserId
        userId
        ipAddress
        userAgent
        sessionId
        apiKeyId
        details
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<AuditPageQuery, AuditPageQueryVariables>;
export const AuditVerifyChainDocument = new TypedDocumentString(`
    query AuditVerifyChain {
  verifyAuditChain {
    valid
    entriesChecked
    firstBrokenPosition
    firstBrokenId
    problem
    checkedAt
  }
}
    `) as unknown as TypedDocumentString<AuditVerifyChainQuery, AuditVerifyChainQueryVariables>;
export const AuditSecurityOverviewDocument = new TypedDocumentString(`
    query AuditSecurityOverview {
  securityOverview {
    failedLoginsLastHour
    failedLoginsLastDay
    activeLockouts
    activeSessions
    users
    mfaAdoptionRate
  }
}
    `) as unknown as TypedDocumentString<AuditSecurityOverviewQuery, AuditSecurityOverviewQueryVariables>;
export const AuditReauthenticateDocument = new TypedDocumentString(`
    mutation AuditReauthenticate($input: ReauthenticateInput!) {
  reauthenticate(input: $input) {
    __typename
    ... on AuthPayload {
      accessToken
      refreshToken
      session {
        id
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<AuditReauthenticateMutation, AuditReauthenticateMutationVariables>;
export const AuditChangePasswordDocument = new TypedDocumentString(`
    mutation AuditChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    __typename
    ... on ChangePasswordSuccess {
      sessionsEnded
      trustedDevicesRevoked
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<AuditChangePasswordMutation, AuditChangePasswordMutationVariables>;
export const AuditDisableMfaDocument = new TypedDocumentString(`
    mutation AuditDisableMfa($input: DisableMfaInput!) {
  disableMfa(input: $input) {
    __typename
    ... on MfaDisabled {
      trustedDevicesRevoked
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<AuditDisableMfaMutation, AuditDisableMfaMutationVariables>;
export const AuditRegenerateBackupCodesDocument = new TypedDocumentString(`
    mutation AuditRegenerateBackupCodes($input: MfaCodeInput!) {
  regenerateBackupCodes(input: $input) {
    __typename
    ... on BackupCodesRegenerated {
      backupCodes
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<AuditRegenerateBackupCodesMutation, AuditRegenerateBackupCodesMutationVariables>;
export const AuditRevokeTrustedDeviceDocument = new TypedDocumentString(`
    mutation AuditRevokeTrustedDevice($id: ID!) {
  revokeTrustedDevice(id: $id) {
    __typename
    ... on RevokeTrustedDeviceSuccess {
      trustedDeviceId
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<AuditRevokeTrustedDeviceMutation, AuditRevokeTrustedDeviceMutationVariables>;
export const AliasedGuessesDocument = new TypedDocumentString(`
    mutation AliasedGuesses($t: String!) {
  a: verifyMfaLogin(input: {challengeToken: $t, code: "000000"}) {
    __typename
  }
  b: verifyMfaLogin(input: {challengeToken: $t, code: "000001"}) {
    __typename
  }
  c: verifyMfaLogin(input: {challengeToken: $t, code: "000002"}) {
    __typename
  }
}
    `) as unknown as TypedDocumentString<AliasedGuessesMutation, AliasedGuessesMutationVariables>;
export const MgmtMeDocument = new TypedDocumentString(`
    query MgmtMe {
  me {
    id
    email
    roles
    scopes
    mfaEnabled
  }
}
    `) as unknown as TypedDocumentString<MgmtMeQuery, MgmtMeQueryVariables>;
export const MgmtRevokeTrustedDeviceDocument = new TypedDocumentString(`
    mutation MgmtRevokeTrustedDevice($id: ID!) {
  revokeTrustedDevice(id: $id) {
    __typename
    ... on RevokeTrustedDeviceSuccess {
      trustedDeviceId
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<MgmtRevokeTrustedDeviceMutation, MgmtRevokeTrustedDeviceMutationVariables>;
export const MgmtChangePasswordDocument = new TypedDocumentString(`
    mutation MgmtChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    __typename
    ... on ChangePasswordSuccess {
      sessionsEnded
      trustedDevicesRevoked
    }
    ... on WeakPasswordError {
      reasons
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<MgmtChangePasswordMutation, MgmtChangePasswordMutationVariables>;
export const MgmtDisableMfaDocument = new TypedDocumentString(`
    mutation MgmtDisableMfa($input: DisableMfaInput!) {
  disableMfa(input: $input) {
    __typename
    ... on MfaDisabled {
      trustedDevicesRevoked
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<MgmtDisableMfaMutation, MgmtDisableMfaMutationVariables>;
export const MgmtRegenerateBackupCodesDocument = new TypedDocumentString(`
    mutation MgmtRegenerateBackupCodes($input: MfaCodeInput!) {
  regenerateBackupCodes(input: $input) {
    __typename
    ... on BackupCodesRegenerated {
      backupCodes
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<MgmtRegenerateBackupCodesMutation, MgmtRegenerateBackupCodesMutationVariables>;
export const MgmtReauthenticateDocument = new TypedDocumentString(`
    mutation MgmtReauthenticate($input: ReauthenticateInput!) {
  reauthenticate(input: $input) {
    __typename
    ... on AuthPayload {
      accessToken
      refreshToken
      session {
        id
        mfaVerified
        authenticatedAt
        current
      }
      user {
        id
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<MgmtReauthenticateMutation, MgmtReauthenticateMutationVariables>;
export const PolicyChangePasswordDocument = new TypedDocumentString(`
    mutation PolicyChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    __typename
    ... on WeakPasswordError {
      reasons
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<PolicyChangePasswordMutation, PolicyChangePasswordMutationVariables>;
export const PolicyRulesDocument = new TypedDocumentString(`
    query PolicyRules {
  passwordPolicy {
    minLength
    minLengthWithMfa
    maxLength
    historySize
    breachCheck
    rules
  }
}
    `) as unknown as TypedDocumentString<PolicyRulesQuery, PolicyRulesQueryVariables>;
export const UpdateProfileDocument = new TypedDocumentString(`
    mutation UpdateProfile($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    __typename
    ... on UpdateProfileSuccess {
      user {
        id
        displayName
      }
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateProfileMutation, UpdateProfileMutationVariables>;
export const ProfileKeyDocument = new TypedDocumentString(`
    mutation ProfileKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on CreateApiKeyPayload {
      secret
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ProfileKeyMutation, ProfileKeyMutationVariables>;
export const ProfileMeDocument = new TypedDocumentString(`
    query ProfileMe {
  me {
    id
    displayName
  }
}
    `) as unknown as TypedDocumentString<ProfileMeQuery, ProfileMeQueryVariables>;
export const RequestPasswordResetDocument = new TypedDocumentString(`
    mutation RequestPasswordReset($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input)
}
    `) as unknown as TypedDocumentString<RequestPasswordResetMutation, RequestPasswordResetMutationVariables>;
export const ResetPasswordDocument = new TypedDocumentString(`
    mutation ResetPassword($input: ResetPasswordInput!) {
  resetPassword(input: $input) {
    __typename
    ... on ResetPasswordSuccess {
      sessionsEnded
      trustedDevicesRevoked
    }
    ... on WeakPasswordError {
      reasons
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ResetPasswordMutation, ResetPasswordMutationVariables>;
export const RequestEmailVerificationDocument = new TypedDocumentString(`
    mutation RequestEmailVerification {
  requestEmailVerification
}
    `) as unknown as TypedDocumentString<RequestEmailVerificationMutation, RequestEmailVerificationMutationVariables>;
export const VerifyEmailDocument = new TypedDocumentString(`
    mutation VerifyEmail($input: VerifyEmailInput!) {
  verifyEmail(input: $input) {
    __typename
    ... on VerifyEmailSuccess {
      emailChanged
      sessionsEnded
      user {
        id
        email
        emailVerified
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<VerifyEmailMutation, VerifyEmailMutationVariables>;
export const ChangeEmailDocument = new TypedDocumentString(`
    mutation ChangeEmail($input: ChangeEmailInput!) {
  changeEmail(input: $input) {
    __typename
    ... on ChangeEmailRequested {
      newEmail
      expiresAt
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ChangeEmailMutation, ChangeEmailMutationVariables>;
export const LockedLoginDocument = new TypedDocumentString(`
    mutation LockedLogin($input: LoginInput!) {
  login(input: $input) {
    __typename
    ... on AccountLockedError {
      lockedUntil
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LockedLoginMutation, LockedLoginMutationVariables>;
export const RecoveryChangePasswordDocument = new TypedDocumentString(`
    mutation RecoveryChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RecoveryChangePasswordMutation, RecoveryChangePasswordMutationVariables>;
export const RolesSetDocument = new TypedDocumentString(`
    mutation RolesSet($input: SetUserRolesInput!) {
  setUserRoles(input: $input) {
    __typename
    ... on SetUserRolesSuccess {
      user {
        id
        roles
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RolesSetMutation, RolesSetMutationVariables>;
export const RolesOverviewDocument = new TypedDocumentString(`
    query RolesOverview {
  securityOverview {
    users
  }
}
    `) as unknown as TypedDocumentString<RolesOverviewQuery, RolesOverviewQueryVariables>;
export const WebhookCreateDocument = new TypedDocumentString(`
    mutation WebhookCreate($input: CreateWebhookInput!) {
  createWebhook(input: $input) {
    __typename
    ... on CreateWebhookPayload {
      secret
      webhook {
        id
        url
        description
        createdAt
        createdBy
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<WebhookCreateMutation, WebhookCreateMutationVariables>;
export const WebhookDeleteDocument = new TypedDocumentString(`
    mutation WebhookDelete($id: ID!) {
  deleteWebhook(id: $id) {
    __typename
    ... on DeleteWebhookSuccess {
      webhookId
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<WebhookDeleteMutation, WebhookDeleteMutationVariables>;
export const WebhookListDocument = new TypedDocumentString(`
    query WebhookList {
  webhooks {
    id
    url
    description
    createdAt
    createdBy
  }
}
    `) as unknown as TypedDocumentString<WebhookListQuery, WebhookListQueryVariables>;
export const WebhookDeliveryLogDocument = new TypedDocumentString(`
    query WebhookDeliveryLog($webhookId: ID, $first: Int) {
  webhookDeliveries(webhookId: $webhookId, first: $first) {
    id
    webhookId
    alertId
    status
    attempts
    lastAttemptAt
    lastStatusCode
    lastError
    nextAttemptAt
    deliveredAt
    createdAt
    attemptLog {
      attempt
      attemptedAt
      statusCode
      error
    }
  }
}
    `) as unknown as TypedDocumentString<WebhookDeliveryLogQuery, WebhookDeliveryLogQueryVariables>;
export const AdminKeyCreateDocument = new TypedDocumentString(`
    mutation AdminKeyCreate($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on CreateApiKeyPayload {
      secret
      apiKey {
        scopes
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<AdminKeyCreateMutation, AdminKeyCreateMutationVariables>;
export const AdminKeyDisableMfaDocument = new TypedDocumentString(`
    mutation AdminKeyDisableMfa($input: DisableMfaInput!) {
  disableMfa(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<AdminKeyDisableMfaMutation, AdminKeyDisableMfaMutationVariables>;
export const RecoveryKeyCreateDocument = new TypedDocumentString(`
    mutation RecoveryKeyCreate($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on CreateApiKeyPayload {
      secret
      apiKey {
        id
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RecoveryKeyCreateMutation, RecoveryKeyCreateMutationVariables>;
export const RecoveryKeyMeDocument = new TypedDocumentString(`
    query RecoveryKeyMe {
  me {
    id
  }
}
    `) as unknown as TypedDocumentString<RecoveryKeyMeQuery, RecoveryKeyMeQueryVariables>;
export const RecoveryRequestResetDocument = new TypedDocumentString(`
    mutation RecoveryRequestReset($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input)
}
    `) as unknown as TypedDocumentString<RecoveryRequestResetMutation, RecoveryRequestResetMutationVariables>;
export const RecoveryResetDocument = new TypedDocumentString(`
    mutation RecoveryReset($input: ResetPasswordInput!) {
  resetPassword(input: $input) {
    __typename
    ... on ResetPasswordSuccess {
      sessionsEnded
      trustedDevicesRevoked
      apiKeysRevoked
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RecoveryResetMutation, RecoveryResetMutationVariables>;
export const RaceLoginDocument = new TypedDocumentString(`
    mutation RaceLogin($input: LoginInput!) {
  login(input: $input) {
    __typename
    ... on MfaChallenge {
      challengeToken
    }
    ... on AuthPayload {
      trustedDeviceToken
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RaceLoginMutation, RaceLoginMutationVariables>;
export const RaceChangePasswordDocument = new TypedDocumentString(`
    mutation RaceChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RaceChangePasswordMutation, RaceChangePasswordMutationVariables>;
export const RaceDisableMfaDocument = new TypedDocumentString(`
    mutation RaceDisableMfa($input: DisableMfaInput!) {
  disableMfa(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RaceDisableMfaMutation, RaceDisableMfaMutationVariables>;
export const RaceRegenerateDocument = new TypedDocumentString(`
    mutation RaceRegenerate($input: MfaCodeInput!) {
  regenerateBackupCodes(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RaceRegenerateMutation, RaceRegenerateMutationVariables>;
export const RaceReauthenticateDocument = new TypedDocumentString(`
    mutation RaceReauthenticate($input: ReauthenticateInput!) {
  reauthenticate(input: $input) {
    __typename
    ... on AuthPayload {
      accessToken
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RaceReauthenticateMutation, RaceReauthenticateMutationVariables>;
export const RaceRequestResetDocument = new TypedDocumentString(`
    mutation RaceRequestReset($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input)
}
    `) as unknown as TypedDocumentString<RaceRequestResetMutation, RaceRequestResetMutationVariables>;
export const RaceVerifyEmailDocument = new TypedDocumentString(`
    mutation RaceVerifyEmail($input: VerifyEmailInput!) {
  verifyEmail(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RaceVerifyEmailMutation, RaceVerifyEmailMutationVariables>;
export const RaceResetPasswordDocument = new TypedDocumentString(`
    mutation RaceResetPassword($input: ResetPasswordInput!) {
  resetPassword(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RaceResetPasswordMutation, RaceResetPasswordMutationVariables>;
export const RaceUnlockDocument = new TypedDocumentString(`
    mutation RaceUnlock($id: ID!) {
  unlockUser(id: $id) {
    __typename
  }
}
    `) as unknown as TypedDocumentString<RaceUnlockMutation, RaceUnlockMutationVariables>;
export const TamperVerifyChainDocument = new TypedDocumentString(`
    query TamperVerifyChain {
  verifyAuditChain {
    valid
    entriesChecked
    firstBrokenPosition
    firstBrokenId
    problem
  }
}
    `) as unknown as TypedDocumentString<TamperVerifyChainQuery, TamperVerifyChainQueryVariables>;
export const BadInputRegisterDocument = new TypedDocumentString(`
    mutation BadInputRegister($input: RegisterInput!) {
  register(input: $input) {
    __typename
    ... on AuthPayload {
      user {
        id
        email
        displayName
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<BadInputRegisterMutation, BadInputRegisterMutationVariables>;
export const DisabledKeyDocument = new TypedDocumentString(`
    mutation DisabledKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on CreateApiKeyPayload {
      secret
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DisabledKeyMutation, DisabledKeyMutationVariables>;
export const DisabledResetRequestDocument = new TypedDocumentString(`
    mutation DisabledResetRequest($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input)
}
    `) as unknown as TypedDocumentString<DisabledResetRequestMutation, DisabledResetRequestMutationVariables>;
export const DisabledResetDocument = new TypedDocumentString(`
    mutation DisabledReset($input: ResetPasswordInput!) {
  resetPassword(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DisabledResetMutation, DisabledResetMutationVariables>;
export const LockLoginDocument = new TypedDocumentString(`
    mutation LockLogin($input: LoginInput!) {
  login(input: $input) {
    __typename
    ... on AuthPayload {
      accessToken
      user {
        id
      }
    }
    ... on MfaChallenge {
      challengeToken
    }
    ... on AccountLockedError {
      lockedUntil
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LockLoginMutation, LockLoginMutationVariables>;
export const UnlockUserDocument = new TypedDocumentString(`
    mutation UnlockUser($id: ID!) {
  unlockUser(id: $id) {
    __typename
    ... on UnlockUserSuccess {
      wasLocked
      user {
        id
        email
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<UnlockUserMutation, UnlockUserMutationVariables>;
export const LockReauthenticateDocument = new TypedDocumentString(`
    mutation LockReauthenticate($input: ReauthenticateInput!) {
  reauthenticate(input: $input) {
    __typename
    ... on AccountLockedError {
      lockedUntil
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LockReauthenticateMutation, LockReauthenticateMutationVariables>;
export const LimitedLoginDocument = new TypedDocumentString(`
    mutation LimitedLogin($input: LoginInput!) {
  login(input: $input) {
    __typename
    ... on AccountLockedError {
      lockedUntil
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LimitedLoginMutation, LimitedLoginMutationVariables>;
export const LimitedReauthenticateDocument = new TypedDocumentString(`
    mutation LimitedReauthenticate($input: ReauthenticateInput!) {
  reauthenticate(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LimitedReauthenticateMutation, LimitedReauthenticateMutationVariables>;
export const DownMeDocument = new TypedDocumentString(`
    query DownMe {
  me {
    id
  }
}
    `) as unknown as TypedDocumentString<DownMeQuery, DownMeQueryVariables>;
export const DurableSetRolesDocument = new TypedDocumentString(`
    mutation DurableSetRoles($input: SetUserRolesInput!) {
  setUserRoles(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DurableSetRolesMutation, DurableSetRolesMutationVariables>;
export const DurableOverviewDocument = new TypedDocumentString(`
    query DurableOverview {
  securityOverview {
    users
  }
}
    `) as unknown as TypedDocumentString<DurableOverviewQuery, DurableOverviewQueryVariables>;
export const DurableCreateKeyDocument = new TypedDocumentString(`
    mutation DurableCreateKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on CreateApiKeyPayload {
      secret
      apiKey {
        id
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DurableCreateKeyMutation, DurableCreateKeyMutationVariables>;
export const DurableRevokeKeyDocument = new TypedDocumentString(`
    mutation DurableRevokeKey($id: ID!) {
  revokeApiKey(id: $id) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DurableRevokeKeyMutation, DurableRevokeKeyMutationVariables>;
export const RollbackChangeEmailDocument = new TypedDocumentString(`
    mutation RollbackChangeEmail($input: ChangeEmailInput!) {
  changeEmail(input: $input) {
    __typename
    ... on ChangeEmailRequested {
      newEmail
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RollbackChangeEmailMutation, RollbackChangeEmailMutationVariables>;
export const RollbackVerifyEmailDocument = new TypedDocumentString(`
    mutation RollbackVerifyEmail($input: VerifyEmailInput!) {
  verifyEmail(input: $input) {
    __typename
    ... on VerifyEmailSuccess {
      emailChanged
      user {
        email
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RollbackVerifyEmailMutation, RollbackVerifyEmailMutationVariables>;
export const RollbackWebhookDocument = new TypedDocumentString(`
    mutation RollbackWebhook($input: CreateWebhookInput!) {
  createWebhook(input: $input) {
    __typename
    ... on CreateWebhookPayload {
      webhook {
        id
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RollbackWebhookMutation, RollbackWebhookMutationVariables>;
export const RollbackChainDocument = new TypedDocumentString(`
    query RollbackChain {
  verifyAuditChain {
    valid
  }
}
    `) as unknown as TypedDocumentString<RollbackChainQuery, RollbackChainQueryVariables>;
export const StreamSetRolesDocument = new TypedDocumentString(`
    mutation StreamSetRoles($input: SetUserRolesInput!) {
  setUserRoles(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<StreamSetRolesMutation, StreamSetRolesMutationVariables>;
export const UnicodeRegisterDocument = new TypedDocumentString(`
    mutation UnicodeRegister($input: RegisterInput!) {
  register(input: $input) {
    __typename
    ... on AuthPayload {
      accessToken
      user {
        email
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<UnicodeRegisterMutation, UnicodeRegisterMutationVariables>;
export const UnicodeLoginDocument = new TypedDocumentString(`
    mutation UnicodeLogin($input: LoginInput!) {
  login(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<UnicodeLoginMutation, UnicodeLoginMutationVariables>;
export const UnicodeKeyCreateDocument = new TypedDocumentString(`
    mutation UnicodeKeyCreate($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<UnicodeKeyCreateMutation, UnicodeKeyCreateMutationVariables>;
export const UnicodeKeysDocument = new TypedDocumentString(`
    query UnicodeKeys {
  apiKeys {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<UnicodeKeysQuery, UnicodeKeysQueryVariables>;
export const UnicodeKeyByNameDocument = new TypedDocumentString(`
    mutation UnicodeKeyByName($name: String!) {
  createApiKey(input: {name: $name, scopes: ["profile:read"]}) {
    __typename
  }
}
    `) as unknown as TypedDocumentString<UnicodeKeyByNameMutation, UnicodeKeyByNameMutationVariables>;
export const CacheRolesSetDocument = new TypedDocumentString(`
    mutation CacheRolesSet($input: SetUserRolesInput!) {
  setUserRoles(input: $input) {
    __typename
  }
}
    `) as unknown as TypedDocumentString<CacheRolesSetMutation, CacheRolesSetMutationVariables>;
export const CacheOverviewDocument = new TypedDocumentString(`
    query CacheOverview {
  securityOverview {
    users
  }
}
    `) as unknown as TypedDocumentString<CacheOverviewQuery, CacheOverviewQueryVariables>;
export const SsrfWebhookCreateDocument = new TypedDocumentString(`
    mutation SsrfWebhookCreate($input: CreateWebhookInput!) {
  createWebhook(input: $input) {
    __typename
    ... on CreateWebhookPayload {
      webhook {
        id
        url
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<SsrfWebhookCreateMutation, SsrfWebhookCreateMutationVariables>;
export const EnrollMfaDocument = new TypedDocumentString(`
    mutation EnrollMfa {
  enrollMfa {
    __typename
    ... on MfaEnrollment {
      secret
      otpauthUri
      qrCodeSvg
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<EnrollMfaMutation, EnrollMfaMutationVariables>;
export const ConfirmMfaDocument = new TypedDocumentString(`
    mutation ConfirmMfa($input: MfaCodeInput!) {
  confirmMfa(input: $input) {
    __typename
    ... on MfaEnabled {
      backupCodes
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ConfirmMfaMutation, ConfirmMfaMutationVariables>;
export const VerifyMfaLoginDocument = new TypedDocumentString(`
    mutation VerifyMfaLogin($input: VerifyMfaLoginInput!) {
  verifyMfaLogin(input: $input) {
    __typename
    ... on AuthPayload {
      accessToken
      refreshToken
      trustedDeviceToken
      session {
        id
        mfaVerified
        assuranceLevel
        authenticatedAt
      }
      user {
        id
        mfaEnabled
      }
    }
    ... on AccountLockedError {
      lockedUntil
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<VerifyMfaLoginMutation, VerifyMfaLoginMutationVariables>;
export const LoginMfaDocument = new TypedDocumentString(`
    mutation LoginMfa($input: LoginInput!) {
  login(input: $input) {
    __typename
    ... on AuthPayload {
      accessToken
      refreshToken
      session {
        id
        mfaVerified
      }
    }
    ... on MfaChallenge {
      challengeToken
      methods
      expiresAt
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LoginMfaMutation, LoginMfaMutationVariables>;
export const MfaStatusDocument = new TypedDocumentString(`
    query MfaStatus {
  mfaStatus {
    enabled
    pendingEnrollment
    methods
    backupCodesRemaining
    trustedDevices {
      id
      createdAt
      lastUsedAt
      expiresAt
      ipAddress
      device {
        browser
        os
        type
      }
    }
  }
}
    `) as unknown as TypedDocumentString<MfaStatusQuery, MfaStatusQueryVariables>;
export const RegisterDocument = new TypedDocumentString(`
    mutation Register($input: RegisterInput!) {
  register(input: $input) {
    __typename
    ... on AuthPayload {
      accessToken
      accessTokenExpiresAt
      refreshToken
      refreshTokenExpiresAt
      session {
        id
        current
      }
      user {
        id
        email
        displayName
        roles
        scopes
        emailVerified
        mfaEnabled
      }
    }
    ... on WeakPasswordError {
      reasons
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RegisterMutation, RegisterMutationVariables>;
export const LoginDocument = new TypedDocumentString(`
    mutation Login($input: LoginInput!) {
  login(input: $input) {
    __typename
    ... on AuthPayload {
      accessToken
      accessTokenExpiresAt
      refreshToken
      refreshTokenExpiresAt
      session {
        id
        current
        expiresAt
        mfaVerified
        device {
          browser
          os
          type
        }
      }
      user {
        id
        email
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LoginMutation, LoginMutationVariables>;
export const RotateDocument = new TypedDocumentString(`
    mutation Rotate($input: RotateRefreshInput) {
  rotateRefresh(input: $input) {
    __typename
    ... on AuthPayload {
      accessToken
      refreshToken
      refreshTokenExpiresAt
      session {
        id
        current
        lastActiveAt
        expiresAt
      }
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RotateMutation, RotateMutationVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    id
    email
    displayName
    roles
    scopes
    emailVerified
    createdAt
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const SessionsDocument = new TypedDocumentString(`
    query Sessions {
  sessions {
    id
    createdAt
    lastActiveAt
    expiresAt
    ipAddress
    userAgent
    current
    mfaVerified
    device {
      browser
      os
      type
    }
  }
}
    `) as unknown as TypedDocumentString<SessionsQuery, SessionsQueryVariables>;
export const RevokeSessionDocument = new TypedDocumentString(`
    mutation RevokeSession($id: ID!) {
  revokeSession(id: $id) {
    __typename
    ... on RevokeSessionSuccess {
      sessionId
    }
    ... on Error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RevokeSessionMutation, RevokeSessionMutationVariables>;
export const RevokeOthersDocument = new TypedDocumentString(`
    mutation RevokeOthers {
  revokeOtherSessions
}
    `) as unknown as TypedDocumentString<RevokeOthersMutation, RevokeOthersMutationVariables>;
export const RevokeAllDocument = new TypedDocumentString(`
    mutation RevokeAll {
  revokeAllSessions
}
    `) as unknown as TypedDocumentString<RevokeAllMutation, RevokeAllMutationVariables>;
export const LogoutDocument = new TypedDocumentString(`
    mutation Logout {
  logout
}
    `) as unknown as TypedDocumentString<LogoutMutation, LogoutMutationVariables>;