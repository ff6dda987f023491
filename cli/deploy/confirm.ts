/**
 * The confirmation `all2all deploy` asks before applying a plan: one line
 * typed on the terminal. Passed in as a function, so tests answer it.
 */
import * as readline from "node:readline";

/** Asks `question` and resolves with the line typed (undefined at end of input). */
export type Confirm = (question: string) => Promise<string | undefined>;

/** Whether the confirmation can be typed: standard input is a terminal. */
export function stdinIsTerminal(): boolean {
  return Boolean(process.stdin.isTTY);
}

/** Reads one line from the process's standard input; the question goes to standard error. */
export function stdinConfirm(): Confirm {
  return (question) =>
    new Promise((resolve) => {
      const rl = readline.createInterface({
        input: process.stdin,
        output: process.stderr,
        terminal: Boolean(process.stdin.isTTY),
      });
      let answered = false;
      rl.question(`${question} `, (answer) => {
        answered = true;
        rl.close();
        resolve(answer);
      });
      rl.on("close", () => {
        if (!answered) resolve(undefined);
      });
    });
}
