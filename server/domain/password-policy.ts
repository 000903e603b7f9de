/**
 * The password rule, shared by the account form and the server. bcrypt reads only the first 72 bytes, so a
 * longer password is refused rather than silently equal to every password sharing its first 72 bytes.
 */
export const PASSWORD_MIN_CHARS = 12;
export const PASSWORD_MAX_BYTES = 72;

// Lower-cased; lists of leaked passwords are topped by these, in Vietnam as elsewhere.
const COMMON_PASSWORDS = new Set([
  'password', 'password1', 'password12', 'password123', 'password1234', 'passwordpassword', 'p@ssw0rd', 'p@ssword123',
  '12345678', '123456789', '1234567890', '12345678910', '123456789012', '1234567890123', '0123456789', '11111111',
  '111111111111', '000000000000', '123123123123', '123456123456', 'qwertyuiop', 'qwertyuiop123', 'qwerty123456',
  'qwertyuiopas', 'asdfghjkl123', '1q2w3e4r5t6y', 'iloveyou', 'iloveyou1234', 'admin', 'admin1234567', 'administrator',
  'matkhau', 'matkhau123', 'matkhau12345', 'matkhaumoi123', 'abc123456789', 'abcdefghijkl', 'changeme', 'changeme1234',
  'welcome', 'welcome12345', 'letmein', 'letmein12345', 'trustno1', 'demo-password', 'vietnam123456', 'hanoi1234567',
  'saigon123456', 'anhyeuem', 'anhyeuem1234', 'emyeuanh', 'emyeuanh1234',
]);

export interface PasswordProblem {
  field: 'password';
  message: string;
  rule: 'too-short' | 'too-long' | 'same-as-username' | 'common' | 'not-text';
}

export function passwordProblems(password: unknown, username: string): PasswordProblem[] {
  if (typeof password !== 'string') return [{ field: 'password', rule: 'not-text', message: 'a password is required' }];
  const out: PasswordProblem[] = [];
  const meaningful = password.trim();
  if ([...meaningful].length < PASSWORD_MIN_CHARS) out.push({ field: 'password', rule: 'too-short', message: `at least ${PASSWORD_MIN_CHARS} characters, not counting spaces at the ends` });
  if (new TextEncoder().encode(password).length > PASSWORD_MAX_BYTES) out.push({ field: 'password', rule: 'too-long', message: `at most ${PASSWORD_MAX_BYTES} bytes (UTF-8)` });
  const folded = password.toLowerCase();
  const name = username.trim().toLowerCase();
  if (name && folded.includes(name)) out.push({ field: 'password', rule: 'same-as-username', message: 'must not contain the username' });
  if (COMMON_PASSWORDS.has(folded) || new Set(folded).size <= 2) out.push({ field: 'password', rule: 'common', message: 'too common or too repetitive' });
  return out;
}
