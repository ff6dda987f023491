/**
 * The simulated API's errors, in Hetzner's format (`{ "error": { code,
 * message, details } }`): the error class and the kinds every resource module
 * raises (`not_found`, `invalid_input`, `uniqueness_error`, `protected`).
 *
 * Imports: none. The core re-exports them for the resource modules.
 */

/** An error answered in Hetzner's format. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: unknown): ApiError =>
  new ApiError(404, "not_found", `${what} with ID ${String(id)} not found`);

/** `invalid_input`, with the field and its message as Hetzner lists them. */
export const invalidInput = (field: string, message: string): ApiError =>
  new ApiError(400, "invalid_input", `invalid input in field '${field}'`, {
    fields: [{ name: field, messages: [message] }],
  });

export const uniquenessError = (what: string, name: string): ApiError =>
  new ApiError(409, "uniqueness_error", `${what} name "${name}" is already used`, {
    fields: [{ name: "name", messages: ["is already used"] }],
  });

export const protectedError = (what: string, id: number): ApiError =>
  new ApiError(423, "protected", `${what} ${id} is protected against deletion; disable delete protection first`);
