import bcrypt from 'bcryptjs';

// bcrypt cost 10: ~70 ms per hash on this class of machine, slow enough to hinder guessing.
const BCRYPT_COST = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

let dummy: string | undefined;
/** A real hash to compare against when the user does not exist, so both paths take the same time. */
export function dummyHash(): string {
  dummy ??= bcrypt.hashSync('not-a-password', BCRYPT_COST);
  return dummy;
}
