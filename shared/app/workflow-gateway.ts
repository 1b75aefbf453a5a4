export interface ExecutionInput {
  referralId: string;
  region: string;
  resumeAt?: string;
}

export function executionInput(referralId: string, region: string, resumeAt?: string): ExecutionInput {
  return resumeAt ? { referralId, region, resumeAt } : { referralId, region };
}

/** Execution names allow letters, digits, `-` and `_` (80 max); a ULID always fits. */
export function checkExecutionName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new Error('Invalid execution name');
  return name;
}
