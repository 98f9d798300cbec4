/** Whether an I/O error means the disk (or the user's quota) is full: the one failure a person fixes by freeing space. */
export function isOutOfSpace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
