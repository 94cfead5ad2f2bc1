/**
 * NIST SP 800-63B: length is what matters. Length is counted in code points (an emoji is one
 * character to the person typing it), any character is allowed, nothing is truncated, and there
 * are no composition rules. Over 1,024 characters is refused before hashing, so nobody can make
 * us spend argon2 time on megabytes.
 */
export const PASSWORD_MAX_LENGTH = 1024;

export function passwordProblems(password: string, minLength: number): string[] {
  const length = [...password].length;
  const problems: string[] = [];
  if (length < minLength) problems.push(`Use at least ${minLength} characters (this one has ${length}).`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
  if (length >= minLength && new Set(password).size === 1) problems.push('Do not repeat a single character.');
  return problems;
}
