/**
 * Bad input found at the command line's edge (arguments, project files,
 * output paths): printed as one line, without a stack trace, exit code 2.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
