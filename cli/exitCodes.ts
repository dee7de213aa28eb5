/** The quest command's exit codes: 0 done, 1 the work failed, 2 bad usage, 130 stopped. */
export const EXIT = { done: 0, failed: 1, usage: 2, interrupted: 130 } as const
