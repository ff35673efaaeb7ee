import "server-only";
import bcrypt from "bcryptjs";

/** bcrypt cost; 12 by default (~0.25 s per hash here). Tests lower it with PASSWORD_HASH_COST. */
function cost(): number {
  const fromEnv = Number(process.env.PASSWORD_HASH_COST);
  return Number.isInteger(fromEnv) && fromEnv >= 4 && fromEnv <= 15 ? fromEnv : 12;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, cost());
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so response times do not reveal which emails have accounts. */
export async function burnPasswordCheck(password: string): Promise<false> {
  dummyHash ??= bcrypt.hash("spendboard-dummy-password", cost());
  await bcrypt.compare(password, await dummyHash);
  return false;
}
