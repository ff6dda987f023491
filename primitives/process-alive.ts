/**
 * Whether a process with this id is running: signal 0 checks without
 * sending anything; EPERM means it runs, as another user.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
