/** The stack whose bundles the contract runs (the others' templates are checked statically). */
export const CONTRACT_STACK = 'PeerPath-vancouver';
export const CONTRACT_REGION = 'vancouver';

/**
 * The Lambda concurrent-executions quota of the account the stacks deploy to. Default: what a new account
 * can start with (AWS raises it on request), so the default deploy must fit an account that has not asked.
 * `PEERPATH_CONTRACT_LAMBDA_QUOTA` gives the real one.
 */
export const ACCOUNT_CONCURRENCY_QUOTA = wholeNumberFrom('PEERPATH_CONTRACT_LAMBDA_QUOTA', 50);

/** Lambda always keeps this much of the quota unreserved. */
export const UNRESERVED_MINIMUM = 100;

/** A whole number from the environment, or the fallback when unset. */
function wholeNumberFrom(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
}
