/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation KeysCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload {\n        secret\n        apiKey { id name prefix lastFour scopes allowedIps rateLimitPerMinute createdAt expiresAt lastUsedAt lastUsedIp useCount revokedAt }\n      }\n      ... on InvalidScopeError { invalidScopes }\n      ... on Error { code message }\n    }\n  }\n": typeof types.KeysCreateDocument,
    "\n  query KeysList {\n    apiKeys { id name prefix lastFour scopes allowedIps rateLimitPerMinute createdAt expiresAt lastUsedAt lastUsedIp useCount revokedAt }\n  }\n": typeof types.KeysListDocument,
    "\n  mutation KeysRotate($input: RotateApiKeyInput!) {\n    rotateApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id prefix lastFour scopes revokedAt } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.KeysRotateDocument,
    "\n  mutation KeysRevoke($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeySuccess { apiKey { id revokedAt } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.KeysRevokeDocument,
    "\n  query KeysMe {\n    me { id email roles scopes }\n  }\n": typeof types.KeysMeDocument,
    "\n  query KeysAuditLogs($filter: AuditLogFilter, $first: Int) {\n    auditLogs(filter: $filter, first: $first) {\n      edges { node { action success userId actorUserId apiKeyId sessionId ipAddress details } }\n    }\n  }\n": typeof types.KeysAuditLogsDocument,
    "\n  query KeysOverview {\n    securityOverview { activeSessions }\n  }\n": typeof types.KeysOverviewDocument,
    "\n  mutation KeysSetRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on SetUserRolesSuccess { user { id roles } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.KeysSetRolesDocument,
    "\n  query KeysSessions {\n    sessions { id current }\n  }\n": typeof types.KeysSessionsDocument,
    "\n  mutation KeysRevokeAll {\n    revokeAllSessions\n  }\n": typeof types.KeysRevokeAllDocument,
    "\n  mutation KeysChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": typeof types.KeysChangePasswordDocument,
    "\n  mutation KeysEnrollMfa {\n    enrollMfa {\n      __typename\n      ... on MfaEnrollment { secret }\n      ... on Error { code message }\n    }\n  }\n": typeof types.KeysEnrollMfaDocument,
    "\n  mutation KeysLogout {\n    logout\n  }\n": typeof types.KeysLogoutDocument,
    "\n  subscription KeysAlerts($filter: SecurityAlertFilter) {\n    securityAlerts(filter: $filter) { id type severity userId ipAddress details }\n  }\n": typeof types.KeysAlertsDocument,
    "\n  query AuditPage($filter: AuditLogFilter, $first: Int, $after: String) {\n    auditLogs(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node { id occurredAt action success actorUserId userId ipAddress userAgent sessionId apiKeyId details }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.AuditPageDocument,
    "\n  query AuditVerifyChain {\n    verifyAuditChain { valid entriesChecked firstBrokenPosition firstBrokenId problem checkedAt }\n  }\n": typeof types.AuditVerifyChainDocument,
    "\n  query AuditSecurityOverview {\n    securityOverview { failedLoginsLastHour failedLoginsLastDay activeLockouts activeSessions users mfaAdoptionRate }\n  }\n": typeof types.AuditSecurityOverviewDocument,
    "\n  mutation AuditReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken session { id } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.AuditReauthenticateDocument,
    "\n  mutation AuditChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on ChangePasswordSuccess { sessionsEnded trustedDevicesRevoked }\n      ... on Error { code message }\n    }\n  }\n": typeof types.AuditChangePasswordDocument,
    "\n  mutation AuditDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) {\n      __typename\n      ... on MfaDisabled { trustedDevicesRevoked }\n      ... on Error { code message }\n    }\n  }\n": typeof types.AuditDisableMfaDocument,
    "\n  mutation AuditRegenerateBackupCodes($input: MfaCodeInput!) {\n    regenerateBackupCodes(input: $input) {\n      __typename\n      ... on BackupCodesRegenerated { backupCodes }\n      ... on Error { code message }\n    }\n  }\n": typeof types.AuditRegenerateBackupCodesDocument,
    "\n  mutation AuditRevokeTrustedDevice($id: ID!) {\n    revokeTrustedDevice(id: $id) {\n      __typename\n      ... on RevokeTrustedDeviceSuccess { trustedDeviceId }\n      ... on Error { code message }\n    }\n  }\n": typeof types.AuditRevokeTrustedDeviceDocument,
    "\n        mutation AliasedGuesses($t: String!) {\n          a: verifyMfaLogin(input: { challengeToken: $t, code: \"000000\" }) { __typename }\n          b: verifyMfaLogin(input: { challengeToken: $t, code: \"000001\" }) { __typename }\n          c: verifyMfaLogin(input: { challengeToken: $t, code: \"000002\" }) { __typename }\n        }\n      ": typeof types.AliasedGuessesDocument,
    "\n  query MgmtMe {\n    me { id email roles scopes mfaEnabled }\n  }\n": typeof types.MgmtMeDocument,
    "\n  mutation MgmtRevokeTrustedDevice($id: ID!) {\n    revokeTrustedDevice(id: $id) {\n      __typename\n      ... on RevokeTrustedDeviceSuccess { trustedDeviceId }\n      ... on Error { code message }\n    }\n  }\n": typeof types.MgmtRevokeTrustedDeviceDocument,
    "\n  mutation MgmtChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on ChangePasswordSuccess { sessionsEnded trustedDevicesRevoked }\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n": typeof types.MgmtChangePasswordDocument,
    "\n  mutation MgmtDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) {\n      __typename\n      ... on MfaDisabled { trustedDevicesRevoked }\n      ... on Error { code message }\n    }\n  }\n": typeof types.MgmtDisableMfaDocument,
    "\n  mutation MgmtRegenerateBackupCodes($input: MfaCodeInput!) {\n    regenerateBackupCodes(input: $input) {\n      __typename\n      ... on BackupCodesRegenerated { backupCodes }\n      ... on Error { code message }\n    }\n  }\n": typeof types.MgmtRegenerateBackupCodesDocument,
    "\n  mutation MgmtReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken session { id mfaVerified authenticatedAt current } user { id } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.MgmtReauthenticateDocument,
    "\n  mutation PolicyChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n": typeof types.PolicyChangePasswordDocument,
    "\n  query PolicyRules {\n    passwordPolicy { minLength minLengthWithMfa maxLength historySize breachCheck rules }\n  }\n": typeof types.PolicyRulesDocument,
    "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      __typename\n      ... on UpdateProfileSuccess { user { id displayName } }\n    }\n  }\n": typeof types.UpdateProfileDocument,
    "\n  mutation ProfileKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret }\n      ... on Error { code message }\n    }\n  }\n": typeof types.ProfileKeyDocument,
    "\n  query ProfileMe {\n    me { id displayName }\n  }\n": typeof types.ProfileMeDocument,
    "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on ResetPasswordSuccess { sessionsEnded trustedDevicesRevoked }\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n": typeof types.ResetPasswordDocument,
    "\n  mutation RequestEmailVerification {\n    requestEmailVerification\n  }\n": typeof types.RequestEmailVerificationDocument,
    "\n  mutation VerifyEmail($input: VerifyEmailInput!) {\n    verifyEmail(input: $input) {\n      __typename\n      ... on VerifyEmailSuccess { emailChanged sessionsEnded user { id email emailVerified } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.VerifyEmailDocument,
    "\n  mutation ChangeEmail($input: ChangeEmailInput!) {\n    changeEmail(input: $input) {\n      __typename\n      ... on ChangeEmailRequested { newEmail expiresAt }\n      ... on Error { code message }\n    }\n  }\n": typeof types.ChangeEmailDocument,
    "\n  mutation LockedLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n": typeof types.LockedLoginDocument,
    "\n  mutation RecoveryChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": typeof types.RecoveryChangePasswordDocument,
    "\n  mutation RolesSet($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on SetUserRolesSuccess { user { id roles } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.RolesSetDocument,
    "\n  query RolesOverview {\n    securityOverview { users }\n  }\n": typeof types.RolesOverviewDocument,
    "\n  mutation WebhookCreate($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookPayload { secret webhook { id url description createdAt createdBy } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.WebhookCreateDocument,
    "\n  mutation WebhookDelete($id: ID!) {\n    deleteWebhook(id: $id) {\n      __typename\n      ... on DeleteWebhookSuccess { webhookId }\n      ... on Error { code message }\n    }\n  }\n": typeof types.WebhookDeleteDocument,
    "\n  query WebhookList {\n    webhooks { id url description createdAt createdBy }\n  }\n": typeof types.WebhookListDocument,
    "\n  query WebhookDeliveryLog($webhookId: ID, $first: Int) {\n    webhookDeliveries(webhookId: $webhookId, first: $first) {\n      id webhookId alertId status attempts lastAttemptAt lastStatusCode lastError nextAttemptAt deliveredAt createdAt\n      attemptLog { attempt attemptedAt statusCode error }\n    }\n  }\n": typeof types.WebhookDeliveryLogDocument,
    "\n  mutation AdminKeyCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { scopes } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.AdminKeyCreateDocument,
    "\n  mutation AdminKeyDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": typeof types.AdminKeyDisableMfaDocument,
    "\n  mutation RecoveryKeyCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.RecoveryKeyCreateDocument,
    "\n  query RecoveryKeyMe {\n    me { id }\n  }\n": typeof types.RecoveryKeyMeDocument,
    "\n  mutation RecoveryRequestReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n": typeof types.RecoveryRequestResetDocument,
    "\n  mutation RecoveryReset($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on ResetPasswordSuccess { sessionsEnded trustedDevicesRevoked apiKeysRevoked }\n      ... on Error { code message }\n    }\n  }\n": typeof types.RecoveryResetDocument,
    "\n  mutation RaceLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on MfaChallenge { challengeToken }\n      ... on AuthPayload { trustedDeviceToken }\n      ... on Error { code message }\n    }\n  }\n": typeof types.RaceLoginDocument,
    "\n  mutation RaceChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) { __typename ... on Error { code message } }\n  }\n": typeof types.RaceChangePasswordDocument,
    "\n  mutation RaceDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) { __typename ... on Error { code message } }\n  }\n": typeof types.RaceDisableMfaDocument,
    "\n  mutation RaceRegenerate($input: MfaCodeInput!) {\n    regenerateBackupCodes(input: $input) { __typename ... on Error { code message } }\n  }\n": typeof types.RaceRegenerateDocument,
    "\n  mutation RaceReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) { __typename ... on AuthPayload { accessToken } ... on Error { code message } }\n  }\n": typeof types.RaceReauthenticateDocument,
    "\n  mutation RaceRequestReset($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }\n": typeof types.RaceRequestResetDocument,
    "\n  mutation RaceVerifyEmail($input: VerifyEmailInput!) {\n    verifyEmail(input: $input) { __typename ... on Error { code message } }\n  }\n": typeof types.RaceVerifyEmailDocument,
    "\n  mutation RaceResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) { __typename ... on Error { code message } }\n  }\n": typeof types.RaceResetPasswordDocument,
    "\n  mutation RaceUnlock($id: ID!) { unlockUser(id: $id) { __typename } }\n": typeof types.RaceUnlockDocument,
    "\n  query TamperVerifyChain {\n    verifyAuditChain { valid entriesChecked firstBrokenPosition firstBrokenId problem }\n  }\n": typeof types.TamperVerifyChainDocument,
    "\n  mutation BadInputRegister($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthPayload { user { id email displayName } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.BadInputRegisterDocument,
    "\n  mutation DisabledKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret }\n      ... on Error { code message }\n    }\n  }\n": typeof types.DisabledKeyDocument,
    "\n  mutation DisabledResetRequest($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n": typeof types.DisabledResetRequestDocument,
    "\n  mutation DisabledReset($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": typeof types.DisabledResetDocument,
    "\n  mutation LockLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken user { id } }\n      ... on MfaChallenge { challengeToken }\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n": typeof types.LockLoginDocument,
    "\n  mutation UnlockUser($id: ID!) {\n    unlockUser(id: $id) {\n      __typename\n      ... on UnlockUserSuccess { wasLocked user { id email } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.UnlockUserDocument,
    "\n  mutation LockReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n": typeof types.LockReauthenticateDocument,
    "\n  mutation LimitedLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n": typeof types.LimitedLoginDocument,
    "\n  mutation LimitedReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": typeof types.LimitedReauthenticateDocument,
    "query DownMe { me { id } }": typeof types.DownMeDocument,
    "\n  mutation DurableSetRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": typeof types.DurableSetRolesDocument,
    "\n  query DurableOverview {\n    securityOverview { users }\n  }\n": typeof types.DurableOverviewDocument,
    "\n  mutation DurableCreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.DurableCreateKeyDocument,
    "\n  mutation DurableRevokeKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": typeof types.DurableRevokeKeyDocument,
    "\n  mutation RollbackChangeEmail($input: ChangeEmailInput!) {\n    changeEmail(input: $input) {\n      __typename\n      ... on ChangeEmailRequested { newEmail }\n      ... on Error { code message }\n    }\n  }\n": typeof types.RollbackChangeEmailDocument,
    "\n  mutation RollbackVerifyEmail($input: VerifyEmailInput!) {\n    verifyEmail(input: $input) {\n      __typename\n      ... on VerifyEmailSuccess { emailChanged user { email } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.RollbackVerifyEmailDocument,
    "\n  mutation RollbackWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookPayload { webhook { id } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.RollbackWebhookDocument,
    "\n  query RollbackChain {\n    verifyAuditChain { valid }\n  }\n": typeof types.RollbackChainDocument,
    "\n  mutation StreamSetRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": typeof types.StreamSetRolesDocument,
    "\n  mutation UnicodeRegister($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken user { email } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.UnicodeRegisterDocument,
    "\n  mutation UnicodeLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": typeof types.UnicodeLoginDocument,
    "\n  mutation UnicodeKeyCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": typeof types.UnicodeKeyCreateDocument,
    "\n  query UnicodeKeys {\n    apiKeys { id name }\n  }\n": typeof types.UnicodeKeysDocument,
    "\n  mutation UnicodeKeyByName($name: String!) {\n    createApiKey(input: { name: $name, scopes: [\"profile:read\"] }) {\n      __typename\n    }\n  }\n": typeof types.UnicodeKeyByNameDocument,
    "\n  mutation CacheRolesSet($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n    }\n  }\n": typeof types.CacheRolesSetDocument,
    "\n  query CacheOverview {\n    securityOverview { users }\n  }\n": typeof types.CacheOverviewDocument,
    "\n  mutation SsrfWebhookCreate($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookPayload { webhook { id url } }\n      ... on Error { code message }\n    }\n  }\n": typeof types.SsrfWebhookCreateDocument,
    "\n  mutation EnrollMfa {\n    enrollMfa {\n      __typename\n      ... on MfaEnrollment { secret otpauthUri qrCodeSvg }\n      ... on Error { code message }\n    }\n  }\n": typeof types.EnrollMfaDocument,
    "\n  mutation ConfirmMfa($input: MfaCodeInput!) {\n    confirmMfa(input: $input) {\n      __typename\n      ... on MfaEnabled { backupCodes }\n      ... on Error { code message }\n    }\n  }\n": typeof types.ConfirmMfaDocument,
    "\n  mutation VerifyMfaLogin($input: VerifyMfaLoginInput!) {\n    verifyMfaLogin(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken trustedDeviceToken session { id mfaVerified assuranceLevel authenticatedAt } user { id mfaEnabled } }\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n": typeof types.VerifyMfaLoginDocument,
    "\n  mutation LoginMfa($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken session { id mfaVerified } }\n      ... on MfaChallenge { challengeToken methods expiresAt }\n      ... on Error { code message }\n    }\n  }\n": typeof types.LoginMfaDocument,
    "\n  query MfaStatus {\n    mfaStatus {\n      enabled\n      pendingEnrollment\n      methods\n      backupCodesRemaining\n      trustedDevices { id createdAt lastUsedAt expiresAt ipAddress device { browser os type } }\n    }\n  }\n": typeof types.MfaStatusDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthPayload {\n        accessToken\n        accessTokenExpiresAt\n        refreshToken\n        refreshTokenExpiresAt\n        session { id current }\n        user { id email displayName roles scopes emailVerified mfaEnabled }\n      }\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AuthPayload {\n        accessToken\n        accessTokenExpiresAt\n        refreshToken\n        refreshTokenExpiresAt\n        session { id current expiresAt mfaVerified device { browser os type } }\n        user { id email }\n      }\n      ... on Error { code message }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Rotate($input: RotateRefreshInput) {\n    rotateRefresh(input: $input) {\n      __typename\n      ... on AuthPayload {\n        accessToken\n        refreshToken\n        refreshTokenExpiresAt\n        session { id current lastActiveAt expiresAt }\n      }\n      ... on Error { code message }\n    }\n  }\n": typeof types.RotateDocument,
    "\n  query Me {\n    me { id email displayName roles scopes emailVerified createdAt }\n  }\n": typeof types.MeDocument,
    "\n  query Sessions {\n    sessions { id createdAt lastActiveAt expiresAt ipAddress userAgent current mfaVerified device { browser os type } }\n  }\n": typeof types.SessionsDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      __typename\n      ... on RevokeSessionSuccess { sessionId }\n      ... on Error { code message }\n    }\n  }\n": typeof types.RevokeSessionDocument,
    "\n  mutation RevokeOthers {\n    revokeOtherSessions\n  }\n": typeof types.RevokeOthersDocument,
    "\n  mutation RevokeAll {\n    revokeAllSessions\n  }\n": typeof types.RevokeAllDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
};
const documents: Documents = {
    "\n  mutation KeysCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload {\n        secret\n        apiKey { id name prefix lastFour scopes allowedIps rateLimitPerMinute createdAt expiresAt lastUsedAt lastUsedIp useCount revokedAt }\n      }\n      ... on InvalidScopeError { invalidScopes }\n      ... on Error { code message }\n    }\n  }\n": types.KeysCreateDocument,
    "\n  query KeysList {\n    apiKeys { id name prefix lastFour scopes allowedIps rateLimitPerMinute createdAt expiresAt lastUsedAt lastUsedIp useCount revokedAt }\n  }\n": types.KeysListDocument,
    "\n  mutation KeysRotate($input: RotateApiKeyInput!) {\n    rotateApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id prefix lastFour scopes revokedAt } }\n      ... on Error { code message }\n    }\n  }\n": types.KeysRotateDocument,
    "\n  mutation KeysRevoke($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeySuccess { apiKey { id revokedAt } }\n      ... on Error { code message }\n    }\n  }\n": types.KeysRevokeDocument,
    "\n  query KeysMe {\n    me { id email roles scopes }\n  }\n": types.KeysMeDocument,
    "\n  query KeysAuditLogs($filter: AuditLogFilter, $first: Int) {\n    auditLogs(filter: $filter, first: $first) {\n      edges { node { action success userId actorUserId apiKeyId sessionId ipAddress details } }\n    }\n  }\n": types.KeysAuditLogsDocument,
    "\n  query KeysOverview {\n    securityOverview { activeSessions }\n  }\n": types.KeysOverviewDocument,
    "\n  mutation KeysSetRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on SetUserRolesSuccess { user { id roles } }\n      ... on Error { code message }\n    }\n  }\n": types.KeysSetRolesDocument,
    "\n  query KeysSessions {\n    sessions { id current }\n  }\n": types.KeysSessionsDocument,
    "\n  mutation KeysRevokeAll {\n    revokeAllSessions\n  }\n": types.KeysRevokeAllDocument,
    "\n  mutation KeysChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": types.KeysChangePasswordDocument,
    "\n  mutation KeysEnrollMfa {\n    enrollMfa {\n      __typename\n      ... on MfaEnrollment { secret }\n      ... on Error { code message }\n    }\n  }\n": types.KeysEnrollMfaDocument,
    "\n  mutation KeysLogout {\n    logout\n  }\n": types.KeysLogoutDocument,
    "\n  subscription KeysAlerts($filter: SecurityAlertFilter) {\n    securityAlerts(filter: $filter) { id type severity userId ipAddress details }\n  }\n": types.KeysAlertsDocument,
    "\n  query AuditPage($filter: AuditLogFilter, $first: Int, $after: String) {\n    auditLogs(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node { id occurredAt action success actorUserId userId ipAddress userAgent sessionId apiKeyId details }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.AuditPageDocument,
    "\n  query AuditVerifyChain {\n    verifyAuditChain { valid entriesChecked firstBrokenPosition firstBrokenId problem checkedAt }\n  }\n": types.AuditVerifyChainDocument,
    "\n  query AuditSecurityOverview {\n    securityOverview { failedLoginsLastHour failedLoginsLastDay activeLockouts activeSessions users mfaAdoptionRate }\n  }\n": types.AuditSecurityOverviewDocument,
    "\n  mutation AuditReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken session { id } }\n      ... on Error { code message }\n    }\n  }\n": types.AuditReauthenticateDocument,
    "\n  mutation AuditChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on ChangePasswordSuccess { sessionsEnded trustedDevicesRevoked }\n      ... on Error { code message }\n    }\n  }\n": types.AuditChangePasswordDocument,
    "\n  mutation AuditDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) {\n      __typename\n      ... on MfaDisabled { trustedDevicesRevoked }\n      ... on Error { code message }\n    }\n  }\n": types.AuditDisableMfaDocument,
    "\n  mutation AuditRegenerateBackupCodes($input: MfaCodeInput!) {\n    regenerateBackupCodes(input: $input) {\n      __typename\n      ... on BackupCodesRegenerated { backupCodes }\n      ... on Error { code message }\n    }\n  }\n": types.AuditRegenerateBackupCodesDocument,
    "\n  mutation AuditRevokeTrustedDevice($id: ID!) {\n    revokeTrustedDevice(id: $id) {\n      __typename\n      ... on RevokeTrustedDeviceSuccess { trustedDeviceId }\n      ... on Error { code message }\n    }\n  }\n": types.AuditRevokeTrustedDeviceDocument,
    "\n        mutation AliasedGuesses($t: String!) {\n          a: verifyMfaLogin(input: { challengeToken: $t, code: \"000000\" }) { __typename }\n          b: verifyMfaLogin(input: { challengeToken: $t, code: \"000001\" }) { __typename }\n          c: verifyMfaLogin(input: { challengeToken: $t, code: \"000002\" }) { __typename }\n        }\n      ": types.AliasedGuessesDocument,
    "\n  query MgmtMe {\n    me { id email roles scopes mfaEnabled }\n  }\n": types.MgmtMeDocument,
    "\n  mutation MgmtRevokeTrustedDevice($id: ID!) {\n    revokeTrustedDevice(id: $id) {\n      __typename\n      ... on RevokeTrustedDeviceSuccess { trustedDeviceId }\n      ... on Error { code message }\n    }\n  }\n": types.MgmtRevokeTrustedDeviceDocument,
    "\n  mutation MgmtChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on ChangePasswordSuccess { sessionsEnded trustedDevicesRevoked }\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n": types.MgmtChangePasswordDocument,
    "\n  mutation MgmtDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) {\n      __typename\n      ... on MfaDisabled { trustedDevicesRevoked }\n      ... on Error { code message }\n    }\n  }\n": types.MgmtDisableMfaDocument,
    "\n  mutation MgmtRegenerateBackupCodes($input: MfaCodeInput!) {\n    regenerateBackupCodes(input: $input) {\n      __typename\n      ... on BackupCodesRegenerated { backupCodes }\n      ... on Error { code message }\n    }\n  }\n": types.MgmtRegenerateBackupCodesDocument,
    "\n  mutation MgmtReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken session { id mfaVerified authenticatedAt current } user { id } }\n      ... on Error { code message }\n    }\n  }\n": types.MgmtReauthenticateDocument,
    "\n  mutation PolicyChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n": types.PolicyChangePasswordDocument,
    "\n  query PolicyRules {\n    passwordPolicy { minLength minLengthWithMfa maxLength historySize breachCheck rules }\n  }\n": types.PolicyRulesDocument,
    "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      __typename\n      ... on UpdateProfileSuccess { user { id displayName } }\n    }\n  }\n": types.UpdateProfileDocument,
    "\n  mutation ProfileKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret }\n      ... on Error { code message }\n    }\n  }\n": types.ProfileKeyDocument,
    "\n  query ProfileMe {\n    me { id displayName }\n  }\n": types.ProfileMeDocument,
    "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on ResetPasswordSuccess { sessionsEnded trustedDevicesRevoked }\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n": types.ResetPasswordDocument,
    "\n  mutation RequestEmailVerification {\n    requestEmailVerification\n  }\n": types.RequestEmailVerificationDocument,
    "\n  mutation VerifyEmail($input: VerifyEmailInput!) {\n    verifyEmail(input: $input) {\n      __typename\n      ... on VerifyEmailSuccess { emailChanged sessionsEnded user { id email emailVerified } }\n      ... on Error { code message }\n    }\n  }\n": types.VerifyEmailDocument,
    "\n  mutation ChangeEmail($input: ChangeEmailInput!) {\n    changeEmail(input: $input) {\n      __typename\n      ... on ChangeEmailRequested { newEmail expiresAt }\n      ... on Error { code message }\n    }\n  }\n": types.ChangeEmailDocument,
    "\n  mutation LockedLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n": types.LockedLoginDocument,
    "\n  mutation RecoveryChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": types.RecoveryChangePasswordDocument,
    "\n  mutation RolesSet($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on SetUserRolesSuccess { user { id roles } }\n      ... on Error { code message }\n    }\n  }\n": types.RolesSetDocument,
    "\n  query RolesOverview {\n    securityOverview { users }\n  }\n": types.RolesOverviewDocument,
    "\n  mutation WebhookCreate($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookPayload { secret webhook { id url description createdAt createdBy } }\n      ... on Error { code message }\n    }\n  }\n": types.WebhookCreateDocument,
    "\n  mutation WebhookDelete($id: ID!) {\n    deleteWebhook(id: $id) {\n      __typename\n      ... on DeleteWebhookSuccess { webhookId }\n      ... on Error { code message }\n    }\n  }\n": types.WebhookDeleteDocument,
    "\n  query WebhookList {\n    webhooks { id url description createdAt createdBy }\n  }\n": types.WebhookListDocument,
    "\n  query WebhookDeliveryLog($webhookId: ID, $first: Int) {\n    webhookDeliveries(webhookId: $webhookId, first: $first) {\n      id webhookId alertId status attempts lastAttemptAt lastStatusCode lastError nextAttemptAt deliveredAt createdAt\n      attemptLog { attempt attemptedAt statusCode error }\n    }\n  }\n": types.WebhookDeliveryLogDocument,
    "\n  mutation AdminKeyCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { scopes } }\n      ... on Error { code message }\n    }\n  }\n": types.AdminKeyCreateDocument,
    "\n  mutation AdminKeyDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": types.AdminKeyDisableMfaDocument,
    "\n  mutation RecoveryKeyCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id } }\n      ... on Error { code message }\n    }\n  }\n": types.RecoveryKeyCreateDocument,
    "\n  query RecoveryKeyMe {\n    me { id }\n  }\n": types.RecoveryKeyMeDocument,
    "\n  mutation RecoveryRequestReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n": types.RecoveryRequestResetDocument,
    "\n  mutation RecoveryReset($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on ResetPasswordSuccess { sessionsEnded trustedDevicesRevoked apiKeysRevoked }\n      ... on Error { code message }\n    }\n  }\n": types.RecoveryResetDocument,
    "\n  mutation RaceLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on MfaChallenge { challengeToken }\n      ... on AuthPayload { trustedDeviceToken }\n      ... on Error { code message }\n    }\n  }\n": types.RaceLoginDocument,
    "\n  mutation RaceChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) { __typename ... on Error { code message } }\n  }\n": types.RaceChangePasswordDocument,
    "\n  mutation RaceDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) { __typename ... on Error { code message } }\n  }\n": types.RaceDisableMfaDocument,
    "\n  mutation RaceRegenerate($input: MfaCodeInput!) {\n    regenerateBackupCodes(input: $input) { __typename ... on Error { code message } }\n  }\n": types.RaceRegenerateDocument,
    "\n  mutation RaceReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) { __typename ... on AuthPayload { accessToken } ... on Error { code message } }\n  }\n": types.RaceReauthenticateDocument,
    "\n  mutation RaceRequestReset($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }\n": types.RaceRequestResetDocument,
    "\n  mutation RaceVerifyEmail($input: VerifyEmailInput!) {\n    verifyEmail(input: $input) { __typename ... on Error { code message } }\n  }\n": types.RaceVerifyEmailDocument,
    "\n  mutation RaceResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) { __typename ... on Error { code message } }\n  }\n": types.RaceResetPasswordDocument,
    "\n  mutation RaceUnlock($id: ID!) { unlockUser(id: $id) { __typename } }\n": types.RaceUnlockDocument,
    "\n  query TamperVerifyChain {\n    verifyAuditChain { valid entriesChecked firstBrokenPosition firstBrokenId problem }\n  }\n": types.TamperVerifyChainDocument,
    "\n  mutation BadInputRegister($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthPayload { user { id email displayName } }\n      ... on Error { code message }\n    }\n  }\n": types.BadInputRegisterDocument,
    "\n  mutation DisabledKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret }\n      ... on Error { code message }\n    }\n  }\n": types.DisabledKeyDocument,
    "\n  mutation DisabledResetRequest($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n": types.DisabledResetRequestDocument,
    "\n  mutation DisabledReset($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": types.DisabledResetDocument,
    "\n  mutation LockLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken user { id } }\n      ... on MfaChallenge { challengeToken }\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n": types.LockLoginDocument,
    "\n  mutation UnlockUser($id: ID!) {\n    unlockUser(id: $id) {\n      __typename\n      ... on UnlockUserSuccess { wasLocked user { id email } }\n      ... on Error { code message }\n    }\n  }\n": types.UnlockUserDocument,
    "\n  mutation LockReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n": types.LockReauthenticateDocument,
    "\n  mutation LimitedLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n": types.LimitedLoginDocument,
    "\n  mutation LimitedReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": types.LimitedReauthenticateDocument,
    "query DownMe { me { id } }": types.DownMeDocument,
    "\n  mutation DurableSetRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": types.DurableSetRolesDocument,
    "\n  query DurableOverview {\n    securityOverview { users }\n  }\n": types.DurableOverviewDocument,
    "\n  mutation DurableCreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id } }\n      ... on Error { code message }\n    }\n  }\n": types.DurableCreateKeyDocument,
    "\n  mutation DurableRevokeKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": types.DurableRevokeKeyDocument,
    "\n  mutation RollbackChangeEmail($input: ChangeEmailInput!) {\n    changeEmail(input: $input) {\n      __typename\n      ... on ChangeEmailRequested { newEmail }\n      ... on Error { code message }\n    }\n  }\n": types.RollbackChangeEmailDocument,
    "\n  mutation RollbackVerifyEmail($input: VerifyEmailInput!) {\n    verifyEmail(input: $input) {\n      __typename\n      ... on VerifyEmailSuccess { emailChanged user { email } }\n      ... on Error { code message }\n    }\n  }\n": types.RollbackVerifyEmailDocument,
    "\n  mutation RollbackWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookPayload { webhook { id } }\n      ... on Error { code message }\n    }\n  }\n": types.RollbackWebhookDocument,
    "\n  query RollbackChain {\n    verifyAuditChain { valid }\n  }\n": types.RollbackChainDocument,
    "\n  mutation StreamSetRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": types.StreamSetRolesDocument,
    "\n  mutation UnicodeRegister($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken user { email } }\n      ... on Error { code message }\n    }\n  }\n": types.UnicodeRegisterDocument,
    "\n  mutation UnicodeLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": types.UnicodeLoginDocument,
    "\n  mutation UnicodeKeyCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n": types.UnicodeKeyCreateDocument,
    "\n  query UnicodeKeys {\n    apiKeys { id name }\n  }\n": types.UnicodeKeysDocument,
    "\n  mutation UnicodeKeyByName($name: String!) {\n    createApiKey(input: { name: $name, scopes: [\"profile:read\"] }) {\n      __typename\n    }\n  }\n": types.UnicodeKeyByNameDocument,
    "\n  mutation CacheRolesSet($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n    }\n  }\n": types.CacheRolesSetDocument,
    "\n  query CacheOverview {\n    securityOverview { users }\n  }\n": types.CacheOverviewDocument,
    "\n  mutation SsrfWebhookCreate($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookPayload { webhook { id url } }\n      ... on Error { code message }\n    }\n  }\n": types.SsrfWebhookCreateDocument,
    "\n  mutation EnrollMfa {\n    enrollMfa {\n      __typename\n      ... on MfaEnrollment { secret otpauthUri qrCodeSvg }\n      ... on Error { code message }\n    }\n  }\n": types.EnrollMfaDocument,
    "\n  mutation ConfirmMfa($input: MfaCodeInput!) {\n    confirmMfa(input: $input) {\n      __typename\n      ... on MfaEnabled { backupCodes }\n      ... on Error { code message }\n    }\n  }\n": types.ConfirmMfaDocument,
    "\n  mutation VerifyMfaLogin($input: VerifyMfaLoginInput!) {\n    verifyMfaLogin(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken trustedDeviceToken session { id mfaVerified assuranceLevel authenticatedAt } user { id mfaEnabled } }\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n": types.VerifyMfaLoginDocument,
    "\n  mutation LoginMfa($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken session { id mfaVerified } }\n      ... on MfaChallenge { challengeToken methods expiresAt }\n      ... on Error { code message }\n    }\n  }\n": types.LoginMfaDocument,
    "\n  query MfaStatus {\n    mfaStatus {\n      enabled\n      pendingEnrollment\n      methods\n      backupCodesRemaining\n      trustedDevices { id createdAt lastUsedAt expiresAt ipAddress device { browser os type } }\n    }\n  }\n": types.MfaStatusDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthPayload {\n        accessToken\n        accessTokenExpiresAt\n        refreshToken\n        refreshTokenExpiresAt\n        session { id current }\n        user { id email displayName roles scopes emailVerified mfaEnabled }\n      }\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n": types.RegisterDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AuthPayload {\n        accessToken\n        accessTokenExpiresAt\n        refreshToken\n        refreshTokenExpiresAt\n        session { id current expiresAt mfaVerified device { browser os type } }\n        user { id email }\n      }\n      ... on Error { code message }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Rotate($input: RotateRefreshInput) {\n    rotateRefresh(input: $input) {\n      __typename\n      ... on AuthPayload {\n        accessToken\n        refreshToken\n        refreshTokenExpiresAt\n        session { id current lastActiveAt expiresAt }\n      }\n      ... on Error { code message }\n    }\n  }\n": types.RotateDocument,
    "\n  query Me {\n    me { id email displayName roles scopes emailVerified createdAt }\n  }\n": types.MeDocument,
    "\n  query Sessions {\n    sessions { id createdAt lastActiveAt expiresAt ipAddress userAgent current mfaVerified device { browser os type } }\n  }\n": types.SessionsDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      __typename\n      ... on RevokeSessionSuccess { sessionId }\n      ... on Error { code message }\n    }\n  }\n": types.RevokeSessionDocument,
    "\n  mutation RevokeOthers {\n    revokeOtherSessions\n  }\n": types.RevokeOthersDocument,
    "\n  mutation RevokeAll {\n    revokeAllSessions\n  }\n": types.RevokeAllDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation KeysCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload {\n        secret\n        apiKey { id name prefix lastFour scopes allowedIps rateLimitPerMinute createdAt expiresAt lastUsedAt lastUsedIp useCount revokedAt }\n      }\n      ... on InvalidScopeError { invalidScopes }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').KeysCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeysList {\n    apiKeys { id name prefix lastFour scopes allowedIps rateLimitPerMinute createdAt expiresAt lastUsedAt lastUsedIp useCount revokedAt }\n  }\n"): typeof import('./graphql').KeysListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation KeysRotate($input: RotateApiKeyInput!) {\n    rotateApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id prefix lastFour scopes revokedAt } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').KeysRotateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation KeysRevoke($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on RevokeApiKeySuccess { apiKey { id revokedAt } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').KeysRevokeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeysMe {\n    me { id email roles scopes }\n  }\n"): typeof import('./graphql').KeysMeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeysAuditLogs($filter: AuditLogFilter, $first: Int) {\n    auditLogs(filter: $filter, first: $first) {\n      edges { node { action success userId actorUserId apiKeyId sessionId ipAddress details } }\n    }\n  }\n"): typeof import('./graphql').KeysAuditLogsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeysOverview {\n    securityOverview { activeSessions }\n  }\n"): typeof import('./graphql').KeysOverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation KeysSetRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on SetUserRolesSuccess { user { id roles } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').KeysSetRolesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeysSessions {\n    sessions { id current }\n  }\n"): typeof import('./graphql').KeysSessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation KeysRevokeAll {\n    revokeAllSessions\n  }\n"): typeof import('./graphql').KeysRevokeAllDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation KeysChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').KeysChangePasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation KeysEnrollMfa {\n    enrollMfa {\n      __typename\n      ... on MfaEnrollment { secret }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').KeysEnrollMfaDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation KeysLogout {\n    logout\n  }\n"): typeof import('./graphql').KeysLogoutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription KeysAlerts($filter: SecurityAlertFilter) {\n    securityAlerts(filter: $filter) { id type severity userId ipAddress details }\n  }\n"): typeof import('./graphql').KeysAlertsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditPage($filter: AuditLogFilter, $first: Int, $after: String) {\n    auditLogs(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node { id occurredAt action success actorUserId userId ipAddress userAgent sessionId apiKeyId details }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): typeof import('./graphql').AuditPageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditVerifyChain {\n    verifyAuditChain { valid entriesChecked firstBrokenPosition firstBrokenId problem checkedAt }\n  }\n"): typeof import('./graphql').AuditVerifyChainDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditSecurityOverview {\n    securityOverview { failedLoginsLastHour failedLoginsLastDay activeLockouts activeSessions users mfaAdoptionRate }\n  }\n"): typeof import('./graphql').AuditSecurityOverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken session { id } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').AuditReauthenticateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on ChangePasswordSuccess { sessionsEnded trustedDevicesRevoked }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').AuditChangePasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) {\n      __typename\n      ... on MfaDisabled { trustedDevicesRevoked }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').AuditDisableMfaDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditRegenerateBackupCodes($input: MfaCodeInput!) {\n    regenerateBackupCodes(input: $input) {\n      __typename\n      ... on BackupCodesRegenerated { backupCodes }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').AuditRegenerateBackupCodesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditRevokeTrustedDevice($id: ID!) {\n    revokeTrustedDevice(id: $id) {\n      __typename\n      ... on RevokeTrustedDeviceSuccess { trustedDeviceId }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').AuditRevokeTrustedDeviceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        mutation AliasedGuesses($t: String!) {\n          a: verifyMfaLogin(input: { challengeToken: $t, code: \"000000\" }) { __typename }\n          b: verifyMfaLogin(input: { challengeToken: $t, code: \"000001\" }) { __typename }\n          c: verifyMfaLogin(input: { challengeToken: $t, code: \"000002\" }) { __typename }\n        }\n      "): typeof import('./graphql').AliasedGuessesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MgmtMe {\n    me { id email roles scopes mfaEnabled }\n  }\n"): typeof import('./graphql').MgmtMeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MgmtRevokeTrustedDevice($id: ID!) {\n    revokeTrustedDevice(id: $id) {\n      __typename\n      ... on RevokeTrustedDeviceSuccess { trustedDeviceId }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').MgmtRevokeTrustedDeviceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MgmtChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on ChangePasswordSuccess { sessionsEnded trustedDevicesRevoked }\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').MgmtChangePasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MgmtDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) {\n      __typename\n      ... on MfaDisabled { trustedDevicesRevoked }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').MgmtDisableMfaDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MgmtRegenerateBackupCodes($input: MfaCodeInput!) {\n    regenerateBackupCodes(input: $input) {\n      __typename\n      ... on BackupCodesRegenerated { backupCodes }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').MgmtRegenerateBackupCodesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MgmtReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken session { id mfaVerified authenticatedAt current } user { id } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').MgmtReauthenticateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PolicyChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').PolicyChangePasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PolicyRules {\n    passwordPolicy { minLength minLengthWithMfa maxLength historySize breachCheck rules }\n  }\n"): typeof import('./graphql').PolicyRulesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) {\n      __typename\n      ... on UpdateProfileSuccess { user { id displayName } }\n    }\n  }\n"): typeof import('./graphql').UpdateProfileDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ProfileKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').ProfileKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProfileMe {\n    me { id displayName }\n  }\n"): typeof import('./graphql').ProfileMeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n"): typeof import('./graphql').RequestPasswordResetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on ResetPasswordSuccess { sessionsEnded trustedDevicesRevoked }\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').ResetPasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestEmailVerification {\n    requestEmailVerification\n  }\n"): typeof import('./graphql').RequestEmailVerificationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyEmail($input: VerifyEmailInput!) {\n    verifyEmail(input: $input) {\n      __typename\n      ... on VerifyEmailSuccess { emailChanged sessionsEnded user { id email emailVerified } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').VerifyEmailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangeEmail($input: ChangeEmailInput!) {\n    changeEmail(input: $input) {\n      __typename\n      ... on ChangeEmailRequested { newEmail expiresAt }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').ChangeEmailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LockedLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').LockedLoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecoveryChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').RecoveryChangePasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RolesSet($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on SetUserRolesSuccess { user { id roles } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').RolesSetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RolesOverview {\n    securityOverview { users }\n  }\n"): typeof import('./graphql').RolesOverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhookCreate($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookPayload { secret webhook { id url description createdAt createdBy } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').WebhookCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhookDelete($id: ID!) {\n    deleteWebhook(id: $id) {\n      __typename\n      ... on DeleteWebhookSuccess { webhookId }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').WebhookDeleteDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookList {\n    webhooks { id url description createdAt createdBy }\n  }\n"): typeof import('./graphql').WebhookListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveryLog($webhookId: ID, $first: Int) {\n    webhookDeliveries(webhookId: $webhookId, first: $first) {\n      id webhookId alertId status attempts lastAttemptAt lastStatusCode lastError nextAttemptAt deliveredAt createdAt\n      attemptLog { attempt attemptedAt statusCode error }\n    }\n  }\n"): typeof import('./graphql').WebhookDeliveryLogDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminKeyCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { scopes } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').AdminKeyCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminKeyDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').AdminKeyDisableMfaDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecoveryKeyCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').RecoveryKeyCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecoveryKeyMe {\n    me { id }\n  }\n"): typeof import('./graphql').RecoveryKeyMeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecoveryRequestReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n"): typeof import('./graphql').RecoveryRequestResetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecoveryReset($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on ResetPasswordSuccess { sessionsEnded trustedDevicesRevoked apiKeysRevoked }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').RecoveryResetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RaceLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on MfaChallenge { challengeToken }\n      ... on AuthPayload { trustedDeviceToken }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').RaceLoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RaceChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) { __typename ... on Error { code message } }\n  }\n"): typeof import('./graphql').RaceChangePasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RaceDisableMfa($input: DisableMfaInput!) {\n    disableMfa(input: $input) { __typename ... on Error { code message } }\n  }\n"): typeof import('./graphql').RaceDisableMfaDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RaceRegenerate($input: MfaCodeInput!) {\n    regenerateBackupCodes(input: $input) { __typename ... on Error { code message } }\n  }\n"): typeof import('./graphql').RaceRegenerateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RaceReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) { __typename ... on AuthPayload { accessToken } ... on Error { code message } }\n  }\n"): typeof import('./graphql').RaceReauthenticateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RaceRequestReset($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }\n"): typeof import('./graphql').RaceRequestResetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RaceVerifyEmail($input: VerifyEmailInput!) {\n    verifyEmail(input: $input) { __typename ... on Error { code message } }\n  }\n"): typeof import('./graphql').RaceVerifyEmailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RaceResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) { __typename ... on Error { code message } }\n  }\n"): typeof import('./graphql').RaceResetPasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RaceUnlock($id: ID!) { unlockUser(id: $id) { __typename } }\n"): typeof import('./graphql').RaceUnlockDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TamperVerifyChain {\n    verifyAuditChain { valid entriesChecked firstBrokenPosition firstBrokenId problem }\n  }\n"): typeof import('./graphql').TamperVerifyChainDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BadInputRegister($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthPayload { user { id email displayName } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').BadInputRegisterDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisabledKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').DisabledKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisabledResetRequest($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n"): typeof import('./graphql').DisabledResetRequestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisabledReset($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').DisabledResetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LockLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken user { id } }\n      ... on MfaChallenge { challengeToken }\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').LockLoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnlockUser($id: ID!) {\n    unlockUser(id: $id) {\n      __typename\n      ... on UnlockUserSuccess { wasLocked user { id email } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').UnlockUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LockReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').LockReauthenticateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LimitedLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').LimitedLoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LimitedReauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').LimitedReauthenticateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DownMe { me { id } }"): typeof import('./graphql').DownMeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DurableSetRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').DurableSetRolesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DurableOverview {\n    securityOverview { users }\n  }\n"): typeof import('./graphql').DurableOverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DurableCreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on CreateApiKeyPayload { secret apiKey { id } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').DurableCreateKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DurableRevokeKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').DurableRevokeKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RollbackChangeEmail($input: ChangeEmailInput!) {\n    changeEmail(input: $input) {\n      __typename\n      ... on ChangeEmailRequested { newEmail }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').RollbackChangeEmailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RollbackVerifyEmail($input: VerifyEmailInput!) {\n    verifyEmail(input: $input) {\n      __typename\n      ... on VerifyEmailSuccess { emailChanged user { email } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').RollbackVerifyEmailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RollbackWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookPayload { webhook { id } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').RollbackWebhookDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RollbackChain {\n    verifyAuditChain { valid }\n  }\n"): typeof import('./graphql').RollbackChainDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StreamSetRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').StreamSetRolesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnicodeRegister($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken user { email } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').UnicodeRegisterDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnicodeLogin($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').UnicodeLoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnicodeKeyCreate($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').UnicodeKeyCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnicodeKeys {\n    apiKeys { id name }\n  }\n"): typeof import('./graphql').UnicodeKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnicodeKeyByName($name: String!) {\n    createApiKey(input: { name: $name, scopes: [\"profile:read\"] }) {\n      __typename\n    }\n  }\n"): typeof import('./graphql').UnicodeKeyByNameDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CacheRolesSet($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      __typename\n    }\n  }\n"): typeof import('./graphql').CacheRolesSetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CacheOverview {\n    securityOverview { users }\n  }\n"): typeof import('./graphql').CacheOverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SsrfWebhookCreate($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      __typename\n      ... on CreateWebhookPayload { webhook { id url } }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').SsrfWebhookCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnrollMfa {\n    enrollMfa {\n      __typename\n      ... on MfaEnrollment { secret otpauthUri qrCodeSvg }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').EnrollMfaDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmMfa($input: MfaCodeInput!) {\n    confirmMfa(input: $input) {\n      __typename\n      ... on MfaEnabled { backupCodes }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').ConfirmMfaDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyMfaLogin($input: VerifyMfaLoginInput!) {\n    verifyMfaLogin(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken trustedDeviceToken session { id mfaVerified assuranceLevel authenticatedAt } user { id mfaEnabled } }\n      ... on AccountLockedError { lockedUntil }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').VerifyMfaLoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LoginMfa($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AuthPayload { accessToken refreshToken session { id mfaVerified } }\n      ... on MfaChallenge { challengeToken methods expiresAt }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').LoginMfaDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MfaStatus {\n    mfaStatus {\n      enabled\n      pendingEnrollment\n      methods\n      backupCodesRemaining\n      trustedDevices { id createdAt lastUsedAt expiresAt ipAddress device { browser os type } }\n    }\n  }\n"): typeof import('./graphql').MfaStatusDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthPayload {\n        accessToken\n        accessTokenExpiresAt\n        refreshToken\n        refreshTokenExpiresAt\n        session { id current }\n        user { id email displayName roles scopes emailVerified mfaEnabled }\n      }\n      ... on WeakPasswordError { reasons }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').RegisterDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on AuthPayload {\n        accessToken\n        accessTokenExpiresAt\n        refreshToken\n        refreshTokenExpiresAt\n        session { id current expiresAt mfaVerified device { browser os type } }\n        user { id email }\n      }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').LoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Rotate($input: RotateRefreshInput) {\n    rotateRefresh(input: $input) {\n      __typename\n      ... on AuthPayload {\n        accessToken\n        refreshToken\n        refreshTokenExpiresAt\n        session { id current lastActiveAt expiresAt }\n      }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').RotateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { id email displayName roles scopes emailVerified createdAt }\n  }\n"): typeof import('./graphql').MeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sessions {\n    sessions { id createdAt lastActiveAt expiresAt ipAddress userAgent current mfaVerified device { browser os type } }\n  }\n"): typeof import('./graphql').SessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      __typename\n      ... on RevokeSessionSuccess { sessionId }\n      ... on Error { code message }\n    }\n  }\n"): typeof import('./graphql').RevokeSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeOthers {\n    revokeOtherSessions\n  }\n"): typeof import('./graphql').RevokeOthersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeAll {\n    revokeAllSessions\n  }\n"): typeof import('./graphql').RevokeAllDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): typeof import('./graphql').LogoutDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
