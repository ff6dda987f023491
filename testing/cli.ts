/**
 * The `all2all` command run in the test's process, as bin/all2all.js runs it
 * (main with an Io), its output captured.
 */
import { captureIo } from "../cli/io";
import { main } from "../cli/main";
import { repoRoot } from "./tmp";

export interface CliRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

/** Runs `all2all <argv>` with `env` as its environment and `cwd` as its working directory. */
export async function runCli(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const io = captureIo(env, cwd);
  const code = await main([...argv], io, repoRoot);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
